"""The calibrated 0–100 score of a candidate name against a query, with rapidfuzz.

tantivy finds the candidates (stemmed, folded, fuzzy terms: recall); this module decides their order and
score (precision), on folded strings: 100 is the same title up to case, accents and punctuation; word
order costs little, a missing or extra word more, a title that merely contains the query at most 85.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

MATCH_MIN = 95.0  # an automatic match needs at least this score ...
MATCH_GAP = 10.0  # ... and this lead over the next candidate
KIND_WEIGHT = {"prefLabel": 1.0, "genderForm": 1.0, "shortLabel": 1.0, "altLabel": 0.98, "appellation": 0.98}


def fold(text: str) -> str:
    """Lower-case ASCII words separated by one space: "Développeur/Développeuse" → "developpeur developpeuse"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def variants(label: str) -> list[str]:
    """The label and, for "Vendeur / Vendeuse en boulangerie", each gender form with its complement."""
    parts = [p.strip() for p in re.split(r"\s*/\s*", label) if p.strip()]
    if len(parts) != 2:
        return [label]
    left, right = parts
    left_words, right_words = left.split(), right.split()
    if len(right_words) > len(left_words):  # "Vendeur" / "Vendeuse en boulangerie": the complement is shared
        return [label, " ".join(left_words + right_words[len(left_words):]), right]
    return [label, left, right]

@dataclass(frozen=True)
class Similarity:
    score: float  # 0–100
    exact: bool  # the same title once folded
    matched: str  # the variant of the label that scored


def similarity(folded_query: str, label: str, kind: str) -> Similarity:
    best = Similarity(0.0, False, label)
    for variant in variants(label):
        folded = fold(variant)
        if not folded:
            continue
        if folded == folded_query:
            raw = 100.0
        else:
            raw = max(fuzz.ratio(folded_query, folded), 0.97 * fuzz.token_sort_ratio(folded_query, folded),
                      0.85 * fuzz.token_set_ratio(folded_query, folded))
            raw = min(raw, 99.0)  # 100 is kept for the same title
        score = round(raw * KIND_WEIGHT.get(kind, 0.95), 1)
        if score > best.score:
            best = Similarity(score, folded == folded_query, variant)
    return best


def is_match(scores: list[float]) -> bool:
    """True only when the top candidate is high and clearly ahead of the second."""
    if not scores or scores[0] < MATCH_MIN:
        return False
    return len(scores) == 1 or scores[0] - scores[1] >= MATCH_GAP
