"""Label normalisation shared by every matcher: the same folding on both sides of a comparison.

Matching French job titles against ESCO labels fails on trivia (accents, case, elisions,
plurals, "Technicien / Technicienne" double forms, word order), never on meaning; so labels
are reduced to a *key*: folded words, function words dropped, plurals made singular,
sorted. Two labels with the same key are the same title. Nothing here knows any seed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Function words that carry no identity in a title ("chef de projet" = "chef projet").
STOP_WORDS = frozenset(
    "a au aux d de des du en et l la le les ou un une pour sur par dans avec s "  # French
    "of the and in for an to on at with by or".split()  # English
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{2,}\b")


@lru_cache(maxsize=1 << 16)  # pure, and titles repeat across a corpus: a large share of build time
def fold(text: str) -> str:
    """Accent- and case-folded words separated by single spaces (punctuation, apostrophes dropped).

    The one comparison form shared by the parsers (headings, table cells) and the matchers.
    """
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def singular(word: str) -> str:
    """Crude French/English plural folding: enough for titles ("manipulateurs" → "manipulateur")."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Content words of a label, folded and singular, in order."""
    folded = fold(text).split()  # parenthesised qualifiers count: "operator (blast crew)" ≠ "operator"
    kept = [singular(w) for w in folded if w not in STOP_WORDS]
    return kept or [singular(w) for w in folded]


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Order-free comparison key of a title: equal keys mean the same title."""
    return " ".join(sorted(set(words(text))))


def forms(label: str) -> list[str]:
    """The readable forms of a label that packs two genders into one.

    "directeur technique/directrice technique" → both halves;
    "Technicien / Technicienne d'exploitation" → "Technicien d'exploitation", "Technicienne d'exploitation";
    "administrateur/trice de logiciels" → "administrateur de logiciels" (the suffix form is dropped).
    """
    parts = [part.strip() for part in re.split(r"\s*/\s*", label) if part.strip()]
    if len(parts) != 2:
        return [label.strip()]
    left, right = parts
    left_words, right_words = left.split(), right.split()
    if len(left_words) == 1 and len(right_words) > 1:
        # "Technicien / Technicienne d'exploitation": the rest of the title follows the second form.
        rest = " ".join(right_words[1:])
        if right_words[0].lower().startswith(left.lower()[:3]):
            return [f"{left} {rest}", right]
        if len(right_words[0]) <= 5 and right_words[0].islower():  # "administrateur/trice de …"
            return [f"{left} {rest}"]
    if len(right_words) == 1 and len(left_words) > 1:
        if len(right) <= 5 and right.islower():  # "… technique/trice": a suffix, not a title
            return [left]
        return [left, " ".join(left_words[:-1] + right_words)]  # "Chef de marché / produits"
    return [left, right]


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the content words of two labels (0..1)."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def acronyms(text: str) -> list[str]:
    """Upper-case tokens of 3+ letters ("MIAGE", "PACS") as written."""
    return _ACRONYM.findall(text)


def initials(text: str) -> str:
    """Initials of the content words: "méthodes informatiques appliquées à la gestion des entreprises" → "miage"."""
    return "".join(word[0] for word in fold(text).split() if word not in STOP_WORDS)
