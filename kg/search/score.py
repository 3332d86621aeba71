"""The calibrated 0–100 score of a candidate name against a query.

tantivy finds the candidates (stemmed, folded, fuzzy terms: recall); this module decides their order and
score (precision), word by word on folded titles. Each content word weighs its rarity among the index's
names (so "boulangerie" counts more than "vendeur" or "agent") and the head word (the first, in French
titles: "*vendeur* en boulangerie") a little more; "de", "en", "la"… count for nothing, so a qualifier
("en boulangerie", "de bloc") is matched as words, not as a phrase. A query word equals a name word, or
shares its stem (0.9: "infirmier" / "infirmière"), or is one typo away (≤ 0.9, rapidfuzz), or is a cut
form of it ("tech" → "technicien", 0.75). The score is the weighted share of the query's words found,
times (less strongly) the share of the name's words found; 100 is kept for the same title up to case,
accents and punctuation. ``bench/search_accuracy.py`` measures how often a high score is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

MATCH_MIN = (
    95.0  # an automatic match needs at least this score ... (a name lent by ESCO or a fiche métier never has it)
)
MATCH_GAP = 8.0  # ... and this lead over the next candidate (calibrated on bench/search_accuracy.py)
# how much a name counts, by what it is to the entity (a fiche's names lent by fiches métiers or ESCO less)
KIND_WEIGHT = {
    "prefLabel": 1.0,
    "genderForm": 1.0,
    "shortLabel": 1.0,
    "altLabel": 0.98,
    "appellation": 0.98,
    "ficheMetier": 0.93,
    "esco": 0.92,
}
STOPWORDS = frozenset(
    "a au aux avec chez d de des du en et l la le les ou par pour sur un une dans".split()
    # job-ad noise ("Vendeur H/F", "… - CDI") and the endings of inclusive writing ("vendeur·euse")
    + "h f hf fh cdi cdd x e euse rice trice ere ienne enne ive".split()
)
HEAD_WEIGHT = 1.5  # the first content word of a title is its head noun
QUERY_SHARE, NAME_SHARE = 0.65, 0.35  # exponents: the query's words found matter more than the name's
WHOLE_FROM = 95.0  # a ratio of the titles without spaces this high counts even when the words differ
ORDER_COST = 0.97
NOT_SAME_MAX = 97.0  # the same words in another order
FEMININE_ENDINGS = frozenset("e ere ère euse se trice rice ienne enne ne ive fe esse".split())
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
ASCII_WORD = re.compile(r"[a-z0-9]+")
GENDER_SLASH = re.compile(r"\s*/\s*")

Stemmer = Callable[[str], str]


def fold(text: str) -> str:
    """Lower-case ASCII words separated by one space: "Développeur/Développeuse" → "developpeur developpeuse"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(ASCII_WORD.findall(ascii_text))


def content_words(folded: str) -> tuple[str, ...]:
    """The words that carry meaning (a title made only of stop words keeps them)."""
    words = folded.split()
    kept = tuple(w for w in words if w not in STOPWORDS)
    return kept or tuple(words)


def variants(label: str) -> list[str]:
    """The label and, for "Vendeur / Vendeuse en boulangerie", each gender form with its complement."""
    parts = [p.strip() for p in GENDER_SLASH.split(label) if p.strip()]
    if len(parts) != 2:
        return [label]
    left, right = parts
    left_words, right_words = left.split(), right.split()
    if right_words[0].casefold() in FEMININE_ENDINGS:  # "Brodeur/euse à la main": the ending is no title
        return [label, " ".join(left_words + right_words[1:])]
    if len(right_words) > len(left_words):  # "Vendeur" / "Vendeuse en boulangerie": the complement is shared
        return [label, " ".join(left_words + right_words[len(left_words) :]), right]
    return [label, left, right]


@dataclass(frozen=True)
class Title:
    """A title prepared once for comparison: folded, its content words, their stems and weights."""

    folded: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    weights: tuple[float, ...]
    joined: str  # the folded title without its spaces
    total: float  # the sum of the weights
    pairs: tuple[tuple[int, str, str], ...]  # (position, word, stem) of each word, for the alignment's loop


def prepare(
    text: str,
    stem: Stemmer,
    rarity: Mapping[str, float],
    default_rarity: float,
    abbreviations: Mapping[str, str] | None = None,
) -> Title:
    """``abbreviations``: an acronym the title also spells out ("… ressources humaines -DRH-") is dropped."""
    return prepare_folded(fold(text), stem, rarity, default_rarity, abbreviations)


def prepare_folded(
    folded: str,
    stem: Stemmer,
    rarity: Mapping[str, float],
    default_rarity: float,
    abbreviations: Mapping[str, str] | None = None,
) -> Title:
    """``prepare`` of a title already folded (the table of names holds each name's folded variants)."""
    words = content_words(folded)
    if abbreviations:
        spelled = set(words)
        words = tuple(w for w in words if w not in abbreviations or not spelled.issuperset(abbreviations[w].split()))
        words = words or content_words(folded)
    weights = tuple(rarity.get(w, default_rarity) * (HEAD_WEIGHT if i == 0 else 1.0) for i, w in enumerate(words))
    stems = tuple(stem(w) for w in words)
    pairs = tuple(zip(range(len(words)), words, stems))
    return Title(folded, words, stems, weights, folded.replace(" ", ""), sum(weights), pairs)


def _word_similarity(query: str, query_stem: str, word: str, word_stem: str) -> float:
    """1 for the same word, 0.9 for the same stem, 0.75 for a cut form, ≤ 0.9 for one typo, else 0
    (``_alignment`` has the same rules inline: it is the inner loop of every search)."""
    if query == word:
        return 1.0
    if query_stem == word_stem:
        return 0.9
    if len(query) >= 3 and len(word) > len(query) + 1 and word.startswith(query):
        return 0.75  # a cut form: "tech", "dev", "admin"
    if min(len(query), len(word)) >= 5:
        ratio = fuzz.ratio(query, word, score_cutoff=80)
        if ratio >= 80:
            return 0.9 * ratio / 100
    return 0.0


_TYPOS_KEPT = 1 << 18  # (query word, name word) typo ratios remembered: the same pairs recur across names
_typos: dict[tuple[str, str], float] = {}


def _typo(query: str, word: str) -> float:
    """rapidfuzz's ratio of two words if at least 80 (else 0), remembered."""
    found = _typos.get((query, word))
    if found is None:
        if len(_typos) >= _TYPOS_KEPT:
            _typos.clear()
        found = _typos[(query, word)] = fuzz.ratio(query, word, score_cutoff=80)
    return found


def _alignment(query: Title, name: Title) -> tuple[float, float, bool]:
    """Weighted shares of the query's and the name's words matched (each name word used once), and order kept.
    Each query word takes the first unused name word of highest ``_word_similarity``."""
    used: set[int] = set()
    found, name_found, positions = 0.0, 0.0, []
    pairs = name.pairs
    for q, q_stem, q_weight in zip(query.words, query.stems, query.weights):
        best, where, size = 0.0, -1, len(q)
        for j, w, w_stem in pairs:
            if j in used:
                continue
            if q == w:
                best, where = 1.0, j
                break
            if q_stem == w_stem:
                sim = 0.9
            elif size >= 3 and len(w) > size + 1 and w.startswith(q):
                sim = 0.75
            elif size >= 5 and len(w) >= 5:
                typo = _typo(q, w)
                if not typo:
                    continue
                sim = 0.9 * typo / 100
            else:
                continue
            if sim > best:
                best, where = sim, j
        if where >= 0:
            used.add(where)
            positions.append(where)
            found += q_weight * best
            name_found += name.weights[where] * best
    query_share = found / query.total
    return query_share, name_found / name.total, positions == sorted(positions)


def title_similarity(query: Title, name: Title) -> float:
    """0–97 for different titles: 100 is kept for the same folded title, and an entity's own name that is
    the same title (98 for an alternative label or appellation) ranks above any other."""
    if not query.words or not name.words:
        return 0.0
    query_share, name_share, in_order = _alignment(query, name)
    by_words = 100 * query_share**QUERY_SHARE * name_share**NAME_SHARE * (1.0 if in_order else ORDER_COST)
    # the same letters with words joined or split ("helpdesk" / "help desk", "aide soignant" / "aide-soignant")
    query_joined = query.joined or query.folded.replace(" ", "")
    name_joined = name.joined or name.folded.replace(" ", "")
    whole = 0.0
    # lengths more than 5 % apart cannot reach WHOLE_FROM (a ratio is at most 100 × (1 − their gap / their sum))
    if 20 * abs(len(query_joined) - len(name_joined)) <= len(query_joined) + len(name_joined):
        whole = fuzz.ratio(query_joined, name_joined, score_cutoff=WHOLE_FROM)
    return min(NOT_SAME_MAX, max(by_words, 0.97 * whole if whole >= WHOLE_FROM else 0.0))


def name_score(
    query: Title, name: Title, kind: str, similarity: Callable[[Title, Title], float] = title_similarity
) -> tuple[float, bool]:
    """The score of one name (a variant of a label, of this kind) and whether it is the same title
    (``similarity``: ``title_similarity`` or a cache of it)."""
    exact = name.folded == query.folded
    raw = 100.0 if exact else similarity(query, name)
    return round(raw * KIND_WEIGHT.get(kind, 0.95), 1), exact


def best_name_score(
    queries: Sequence[Title], name: Title, kind: str, similarity: Callable[[Title, Title], float] = title_similarity
) -> tuple[float, bool]:
    """The best ``name_score`` of one name over the query's variants, with the fewest similarities: a variant
    that is the same title wins (100; any other is at most 97), and rounding keeps the order of the rest."""
    weight = KIND_WEIGHT.get(kind, 0.95)
    folded = name.folded
    for query in queries:
        if query.folded == folded:
            return round(100.0 * weight, 1), True
    raw = similarity(queries[0], name) if len(queries) == 1 else max(similarity(query, name) for query in queries)
    return round(raw * weight, 1), False


def is_match(scores: list[float]) -> bool:
    """True only when the top candidate is high and clearly ahead of the second."""
    if not scores or scores[0] < MATCH_MIN:
        return False
    return len(scores) == 1 or scores[0] - scores[1] >= MATCH_GAP
