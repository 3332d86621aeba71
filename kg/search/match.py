"""``metiers-kg match``: a CSV of free-text job titles back with their ROME fiche, appellation, ESCO
occupation, ISCO-08 group and scores, for the analyst with a spreadsheet and no SPARQL.

The file is read whole and checked before any matching (UTF-8, a header, the column), so a bad file
gets one clear error and no partial output. The delimiter is the file's own (``,`` ``;`` tab ``|``:
French spreadsheets save with ``;``). Distinct titles are matched once, in worker processes when there
are many (each opens tantivy itself, the scorer is per process; forked, they share the index's tables).
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kg.core.errors import MetiersKgError
from kg.search.index import SearchIndex, Tables

ROME_TYPES = ("RomeFiche", "RomeAppellation")  # one search: the fiche and its appellation side by side
COLUMNS = (
    "rome_code",
    "rome_label",
    "rome_appellation",
    "rome_appellation_code",
    "rome_score",
    "rome_match",
    "esco_occupation",
    "esco_label",
    "isco_group",
    "esco_score",
    "esco_match",
)
DELIMITERS = ",;\t|"
PARALLEL_FROM = 2000  # distinct titles: below this, one process (starting workers costs more)
CHUNK = 250


class MatchInputError(MetiersKgError):
    """The input file cannot be matched; the message names the file (and line) and what to fix."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    delimiter: str


def read_table(data: bytes, name: str, column: str) -> Table:
    """The CSV in ``data``, checked: UTF-8 (else the line of the first bad byte), a header, ``column``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MatchInputError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02X}); save the file as CSV UTF-8"
        ) from None
    if not text.strip():
        raise MatchInputError(f"{name}: empty file; expected a header line naming the column {column!r}")
    first = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=lambda d: (first.count(d), -DELIMITERS.index(d)))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise MatchInputError(f"{name}: unreadable CSV: {exc}") from None
    header = rows[0]
    if column not in header:
        present = ", ".join(repr(h) for h in header)
        raise MatchInputError(f"{name}: no column {column!r}; the columns are {present} (--column names one)")
    return Table(header, rows[1:], delimiter)


def match_title(index: SearchIndex, title: str) -> list[str]:
    """The output columns for one title (empty strings where nothing was found)."""
    found = index.search(title, ROME_TYPES, 30) if title.strip() else []
    fiche = next((c for c in found if c.type == "RomeFiche"), None)
    esco = next(iter(index.search(title, ("EscoOccupation",), 2)), None) if found else None
    cells = [""] * len(COLUMNS)
    if fiche is not None:
        appellation = next(
            (c for c in found if c.type == "RomeAppellation" and fiche.id in index.links(c.id, "fiche")), None
        )
        cells[0:6] = [
            index.code(fiche.id),
            fiche.name,
            appellation.name if appellation else "",
            index.code(appellation.id) if appellation else "",
            f"{fiche.score:g}",
            "true" if fiche.match else "false",
        ]
    if esco is not None:
        cells[6:11] = [
            esco.id,
            esco.name,
            next(iter(index.links(esco.id, "isco")), ""),
            f"{esco.score:g}",
            "true" if esco.match else "false",
        ]
    return cells


_worker_index: SearchIndex | None = None


def _open_worker(directory: str, tables: Tables | None) -> None:
    global _worker_index  # noqa: PLW0603 - one index per worker process, opened once
    _worker_index = SearchIndex(Path(directory), tables)


def _pool(directory: Path, workers: int) -> ProcessPoolExecutor:
    """Forked workers share the index's tables, read once by this process before they start (each worker
    opens only tantivy); where processes cannot be forked, each worker reads them."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, initializer=_open_worker, initargs=(str(directory), None))
    tables = Tables.read(directory)  # passed on by the fork, not pickled
    gc.freeze()  # the workers' collections then leave the shared tables' pages alone (not copied)
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_open_worker, initargs=(str(directory), tables))


def _match_chunk(titles: list[str]) -> list[list[str]]:
    assert _worker_index is not None
    return [match_title(_worker_index, title) for title in titles]


def match_titles(
    directory: Path, titles: list[str], workers: int, progress: Callable[[int], None] = lambda n: None
) -> dict[str, list[str]]:
    """Each distinct title → its output columns; ``progress(n)`` after every n titles matched."""
    distinct = sorted(set(titles))
    chunks = [distinct[i : i + CHUNK] for i in range(0, len(distinct), CHUNK)]
    results: dict[str, list[str]] = {}
    if workers <= 1 or len(distinct) < PARALLEL_FROM:
        index = SearchIndex(directory)
        for chunk in chunks:
            results.update(zip(chunk, (match_title(index, t) for t in chunk)))
            progress(len(chunk))
        return results
    try:
        with _pool(directory, workers) as pool:
            for chunk, cells in zip(chunks, pool.map(_match_chunk, chunks)):
                results.update(zip(chunk, cells))
                progress(len(chunk))
    finally:
        gc.unfreeze()
    return results


def write_table(table: Table, column: str, results: dict[str, list[str]], out: TextIO) -> None:
    """The input rows, in their order, with the match columns appended."""
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\n")
    writer.writerow(table.header + list(COLUMNS))
    at = table.header.index(column)
    blank = [""] * len(COLUMNS)
    for row in table.rows:
        title = row[at] if at < len(row) else ""
        writer.writerow(row + [""] * (len(table.header) - len(row)) + results.get(title, blank))


def titles_of(table: Table, column: str) -> Iterable[str]:
    at = table.header.index(column)
    return (row[at] if at < len(row) else "" for row in table.rows)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
