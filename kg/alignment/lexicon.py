"""The reviewed French → English lexicon (alignment/lexicon.tsv) used to propose candidates.

ESCO's French labels cover most titles; the lexicon covers what they miss, e.g. an
English-only ESCO alternative label ("business analyst") for a French title ("analyste
fonctionnel"). It only proposes candidates for review: a translated title never becomes
a mapping by itself. Phrases, not words, are translated (longest first), because job titles
do not translate word by word ("chef de projet" is "project manager", not "chief of project").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from kg.core.text import STOP_WORDS, fold

LEXICON_RESOURCE = "lexicon.tsv"


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[tuple[tuple[str, ...], str], ...]  # (folded French words, English phrase), longest first

    def translate(self, french: str) -> str | None:
        """The English rendering of a French title, or None when a content word has no entry."""
        remaining = fold(french).split()
        out: list[str] = []
        while remaining:
            for source, target in self.entries:
                if tuple(remaining[: len(source)]) == source:
                    if target:
                        out.append(target)
                    remaining = remaining[len(source) :]
                    break
            else:
                if remaining[0] in STOP_WORDS:
                    remaining = remaining[1:]
                    continue
                return None  # an unknown word: better no candidate than a half-translated one
        return " ".join(out) or None


def parse_lexicon(text: str) -> Lexicon:
    rows = [row for row in csv.DictReader(io.StringIO(text), delimiter="\t") if row.get("fr")]
    entries = {tuple(fold(row["fr"]).split()): (row.get("en") or "").strip() for row in rows}
    return Lexicon(tuple(sorted(entries.items(), key=lambda item: (-len(item[0]), item[0]))))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return parse_lexicon((files("metiers_kg_data.alignment") / LEXICON_RESOURCE).read_text("utf-8"))
