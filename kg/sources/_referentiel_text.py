"""Line cleaning and name matching for référentiel documents (private helper of ``referentiel``).

PDF extraction leaves page furniture, bullet glyphs and spelling variants of the same
emploi-type name; everything here is generic so that re-issued référentiels parse too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from kg.core.text import fold

# "Version : 4" page furniture, alone on its line or glued before/after real content.
_FURNITURE_HEAD = re.compile(r"^\s*Version\s*:\s*\d+(?:[.,]\d+)*\b\s*", re.IGNORECASE)
_FURNITURE_TAIL = re.compile(r"\s*\bVersion\s*:\s*\d+(?:[.,]\d+)*\s*$", re.IGNORECASE)
_BOLD = re.compile(r"\*\*|__")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_BULLET = re.compile(r"^(?:[-–—*•▪◆◇●○■□►▸‣⁃]\s*)+")
_PARENTHESES = re.compile(r"\([^)]*\)")

# Words that carry no identity in a job title ("Responsable de production" = "Responsable production").
STOP_WORDS = frozenset("a au aux d de des du en et l la le les ou un une pour sur par".split())

HEADING = re.compile(r"^emploi[\s-]*types?\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)


def clean_line(raw: str) -> str:
    """A content line without page furniture, bold markers or redundant spaces."""
    text = _FURNITURE_HEAD.sub("", raw)
    text = _FURNITURE_TAIL.sub("", text)
    text = _BOLD.sub("", text)
    return _SPACES.sub(" ", text).strip()


def is_furniture(raw: str) -> bool:
    """True for a line that holds only page furniture (it must not reach any parsed field)."""
    return bool(raw.strip()) and not clean_line(raw)


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove list markers ("- ◆", "•", "▪"…); say whether there was one."""
    stripped = _BULLET.sub("", text)
    return stripped.strip(), stripped != text


def heading_name(line: str) -> str | None:
    """The name in an "Emploi Type : <name>" heading (any case), else None."""
    match = HEADING.match(clean_line(line))
    return match.group("name").strip() if match else None


normalise = fold  # the référentiel's name for the shared comparison form


def _singular(word: str) -> str:
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def name_key(text: str) -> str:
    """Comparison key of a job title: folded, no stop words, no parentheses, singular."""
    words = normalise(_PARENTHESES.sub(" ", text)).split()
    kept = [_singular(w) for w in words if w not in STOP_WORDS]
    return " ".join(kept or [_singular(w) for w in words])


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two titles: sequence ratio on the keys, in order and token-sorted."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    in_order = SequenceMatcher(None, ka, kb).ratio()
    sorted_a, sorted_b = " ".join(sorted(ka.split())), " ".join(sorted(kb.split()))
    token_sorted = SequenceMatcher(None, sorted_a, sorted_b).ratio()
    return max(in_order, token_sorted)


def best_match(label: str, candidates: Iterable[str]) -> tuple[str | None, float]:
    """The most similar candidate and its score; ties keep the first candidate (determinism)."""
    best, best_score = None, 0.0
    for candidate in candidates:
        score = similarity(label, candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best, best_score


class NameResolver:
    """Resolves a free label to a canonical emploi-type name (the sommaire's).

    Order of evidence: same key as a name, then the unique target of an appellation with the
    same key, then a fuzzy match on names above ``threshold``.
    """

    def __init__(self, names: Iterable[str], appellations: Iterable[tuple[str, str]] = ()) -> None:
        self.names = tuple(names)
        self._by_key: dict[str, str] = {}
        for name in self.names:
            self._by_key.setdefault(name_key(name), name)
        targets: dict[str, set[str]] = {}
        for appellation, target in appellations:
            targets.setdefault(name_key(appellation), set()).add(target)
        self._by_appellation = {k: next(iter(v)) for k, v in targets.items() if len(v) == 1}

    def exact(self, label: str) -> str | None:
        return self._by_key.get(name_key(label))

    def resolve(self, label: str, threshold: float = 0.88) -> tuple[str | None, str | None]:
        """(target, how) with how in {"name", "appellation", "fuzzy"}, or (None, None)."""
        key = name_key(label)
        if not key:
            return None, None
        if key in self._by_key:
            return self._by_key[key], "name"
        if key in self._by_appellation:
            return self._by_appellation[key], "appellation"
        best, score = best_match(label, self.names)
        if best is not None and score >= threshold:
            return best, "fuzzy"
        return None, None


def smart_case(caps: str) -> str:
    """A readable label from an ALL-CAPS one ("ETUDES ET DEVELOPPEMENT" → "Etudes et developpement")."""
    if caps != caps.upper():
        return caps
    lowered = caps.lower()
    return lowered[:1].upper() + lowered[1:]
