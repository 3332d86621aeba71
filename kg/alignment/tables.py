"""The alignment's lookup tables kept beside the ROME cache entry, so that a rebuild loads them instead of
making them again.

ROME's appellations and skills, ESCO's occupations and skills, each folded and keyed (``kg.core.memo``
memos of ``kg.sources.reference``, ``kg.mapping.rome`` and ``kg.alignment``): about three seconds of
Python per build, the same for every build of one ROME export with one code and one set of vendored
tables, and a tenth of that to unpickle (``kg.core.cache_files``). The file also depends on the export's
files as the memos are keyed by them (path, size, mtime).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.core import cache_files, memo
from kg.mapping.rome import export_stamp


def tables_file(rome_entry: Path, export: Path | None) -> Path:
    """Where the tables made for ``export`` with this code sit, beside the ROME cache entry ``rome_entry``."""
    return cache_files.beside(rome_entry, "alignment-tables", repr(export_stamp(export)))


@contextmanager
def saved_tables(path: Path | None) -> Iterator[None]:
    """Restore the memos from ``path`` if it holds them; if it does not, save them there once the body has
    made them (``path`` None: neither)."""
    saved = cache_files.load(path) if path is not None else None
    if isinstance(saved, dict):
        memo.restore(saved)
    yield
    if path is not None and not isinstance(saved, dict):
        cache_files.save(path, memo.values())
