"""The table of names written beside the tantivy index (``names.tsv``): line n holds the entity, kind,
label and folded variants of the name numbered n (the documents' fast field ``name``), so that a search
reads its hits' lines instead of fetching and decoding stored documents, and folds only the query.

A line's fields, tab-separated (a text file of lines loads in a tenth of the time of the same table in
JSON): the entity's position among the sorted entity IRIs, the kind, the label, then its folded form and
the other variants each followed by its folded form (none when the label folds to nothing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from kg.search.score import fold, variants

NAMES_FILE = "names.tsv"
SEPARATOR = "\t"
_BREAKS = re.compile(r"[\t\n\r]")  # a tab or line break inside a label is written as a space

# entity, kind, label, its (variant, folded variant) pairs, and the folded variants alone
Row = tuple[str, str, str, Sequence[tuple[str, str]], tuple[str, ...]]


def variant_titles(label: str) -> tuple[tuple[str, str], ...]:
    """Each variant of ``label`` (whole, gender forms) and its folded form. Only the few names the
    token-set ratio keeps are prepared word by word."""
    return tuple((v, f) for v, f in ((v, fold(v)) for v in variants(label)) if f)


def _row_tail(kind: str, label: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """A row after its entity's number: it depends on the name alone (``NameForms`` keeps it per name)."""
    fields = [kind, label]
    if pairs:
        fields.append(pairs[0][1])  # the first variant is the label itself
        fields.extend(part for pair in pairs[1:] for part in pair)
    return SEPARATOR.join(_BREAKS.sub(" ", field) for field in fields)


class NameForms:
    """What the index's tables need of each name, worked out once per label and kind (names repeat:
    an appellation's label is also its fiche's name; a shared part is prepared before a build's names
    are known, ``kg.search.rome_names``): its variants, the folded words it counts for, its row's tail."""

    def __init__(self) -> None:
        self._variants: dict[str, tuple[tuple[str, str], ...]] = {}
        self._words: dict[str, tuple[str, ...]] = {}
        self._tails: dict[tuple[str, str], str] = {}

    def words(self, label: str) -> tuple[str, ...]:
        """The distinct folded words of ``label`` (a word's rarity counts the names that have it)."""
        found = self._words.get(label)
        if found is None:
            pairs = self._pairs(label)
            # the first variant is the label itself (none: it folds to nothing)
            folded = pairs[0][1] if pairs and pairs[0][0] == label else fold(label)
            found = self._words[label] = tuple(dict.fromkeys(folded.split()))
        return found

    def row(self, entity: int, kind: str, label: str) -> str:
        """The table's row of a name of the ``entity``-th entity (in sorted IRI order)."""
        return f"{entity}{SEPARATOR}{self._tail(kind, label)}"

    def prepare(self, kind: str, label: str) -> None:
        """Work a name's forms out now, before the entities it is written among are known."""
        self.words(label)
        self._tail(kind, label)

    def _tail(self, kind: str, label: str) -> str:
        found = self._tails.get((kind, label))
        if found is None:
            found = self._tails[(kind, label)] = _row_tail(kind, label, self._pairs(label))
        return found

    def _pairs(self, label: str) -> tuple[tuple[str, str], ...]:
        found = self._variants.get(label)
        if found is None:
            found = self._variants[label] = variant_titles(label)
        return found


def write(rows: list[str], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(rows))
        out.flush()
        os.fsync(out.fileno())


def read(path: Path) -> list[str] | None:
    """The lines of the table, or None for an index written before it (its documents give the names)."""
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        return None


def decode(row: str, iris: Sequence[str]) -> Row:
    parts = row.split(SEPARATOR)
    return iris[int(parts[0])], parts[1], parts[2], tuple(zip(parts[2::2], parts[3::2])), tuple(parts[3::2])


def of_document(entity: str, kind: str, label: str) -> Row:
    """The row of a name read from its stored document (an index written before the table)."""
    pairs = variant_titles(label)
    return entity, kind, label, pairs, tuple(f for _, f in pairs)
