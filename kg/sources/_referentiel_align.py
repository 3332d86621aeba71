"""Sequence alignment of sommaire entries with emploi-type blocks (private helper of ``referentiel``).

Blocks appear in sommaire order, but some lost their heading and a cut document lacks the last
ones; a global alignment (Needleman-Wunsch) pairs them and shows what is left over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.core.errors import FicheParseError
from kg.sources._referentiel_blocks import RawBlock, block_appellations, ends_early
from kg.sources._referentiel_front import SommaireEntry, TableRow
from kg.sources._referentiel_text import name_key, similarity

GAP = -1.0
# Makes the alignment deterministic when evidence is equal: prefer pairing equal positions.
_POSITION_TIE_BREAK = 1e-3


def align(
    n_entries: int, n_blocks: int, score: Callable[[int, int], float]
) -> tuple[dict[int, int], list[int], list[int]]:
    """(block → entry, unmatched entries, unmatched blocks), all indexes in document order."""
    best = [[0.0] * (n_blocks + 1) for _ in range(n_entries + 1)]
    move = [[""] * (n_blocks + 1) for _ in range(n_entries + 1)]
    for i in range(1, n_entries + 1):
        best[i][0], move[i][0] = best[i - 1][0] + GAP, "entry"
    for j in range(1, n_blocks + 1):
        best[0][j], move[0][j] = best[0][j - 1] + GAP, "block"
    for i in range(1, n_entries + 1):
        for j in range(1, n_blocks + 1):
            pair = score(i - 1, j - 1) - _POSITION_TIE_BREAK * abs(i - j)
            options = (
                (best[i - 1][j - 1] + pair, "pair"),
                (best[i - 1][j] + GAP, "entry"),
                (best[i][j - 1] + GAP, "block"),
            )
            best[i][j], move[i][j] = max(options, key=lambda option: option[0])
    pairs: dict[int, int] = {}
    lonely_entries: list[int] = []
    lonely_blocks: list[int] = []
    i, j = n_entries, n_blocks
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "pair":
            pairs[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif step == "entry":
            lonely_entries.append(i - 1)
            i -= 1
        else:
            lonely_blocks.append(j - 1)
            j -= 1
    return pairs, sorted(lonely_entries), sorted(lonely_blocks)


def name_blocks(
    lines: list[str],
    raw_blocks: list[RawBlock],
    entries: list[SommaireEntry],
    rows: list[TableRow],
    row_targets: list[str | None],
    path: Path,
    same_name: float,
) -> list[tuple[RawBlock, SommaireEntry]]:
    """Pair blocks with sommaire entries in order; headings, page headers and appellations are evidence."""
    by_appellation: dict[str, set[str]] = {}
    for row, target in zip(rows, row_targets):
        if target:
            by_appellation.setdefault(name_key(row.appellation), set()).add(target)
    evidence = [
        [
            next(iter(by_appellation[key]))
            for a in block_appellations(lines, block)
            if len(by_appellation.get(key := name_key(a), ())) == 1
        ]
        for block in raw_blocks
    ]

    def score(i: int, j: int) -> float:
        block, name = raw_blocks[j], entries[i].name
        if block.heading is not None:
            same = similarity(block.heading, name)
            return 3.0 + same if same >= same_name else -5.0
        value = 0.5
        for hint in block.hints:
            value += 2.0 if similarity(hint, name) >= same_name else -2.0
        for target in evidence[j]:
            value += 1.0 if target == name else -0.5
        return value

    pairs, lonely_entries, lonely_blocks = align(len(entries), len(raw_blocks), score)
    last_entry = max(pairs.values(), default=-1)
    cut_tail = bool(raw_blocks) and ends_early(lines, raw_blocks[-1])
    if lonely_blocks or (lonely_entries and not (cut_tail and min(lonely_entries) > last_entry)):
        problems = [
            f"sommaire entry {entries[i].name!r} (line {entries[i].line}) has no emploi-type block"
            for i in lonely_entries
        ] + [
            f"block at line {raw_blocks[j].line} ({_describe(raw_blocks[j])}) matches no sommaire entry"
            for j in lonely_blocks
        ]
        first = min([entries[i].line for i in lonely_entries] + [raw_blocks[j].line for j in lonely_blocks])
        raise FicheParseError(
            path,
            f"cannot match the {len(raw_blocks)} emploi-type blocks with the {len(entries)} emploi-types "
            f"of the sommaire: " + "; ".join(problems),
            first,
        )
    return [(raw_blocks[j], entries[pairs[j]]) for j in sorted(pairs)]


def _describe(block: RawBlock) -> str:
    if block.heading:
        return f"heading {block.heading!r}"
    return "no heading" + (f", page header {block.hints[0]!r}" if block.hints else "")
