"""The alignment's lookup tables kept beside the ROME cache entry, so that a rebuild loads them instead of
making them again.

ROME's appellations and skills, ESCO's occupations and skills, each folded and keyed (``kg.core.memo``
memos of ``kg.sources.reference``, ``kg.mapping.rome`` and ``kg.alignment``): about three seconds of
Python per build, the same for every build of one ROME export with one code and one set of vendored
tables. Pickled they load in a tenth of that. The file is named by a digest of this package's code,
the vendored tables and the export's files (path, size, mtime: what the memos are keyed by), and it
sits beside the ROME entry, whose removal takes it along (``kg.rome_stage``). A file that cannot be read
is made again; one that cannot be written leaves the build as it was, only slower next time.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from kg import __version__
from kg.core import memo
from kg.mapping.rome import export_stamp

SUFFIX = ".alignment-tables-"


def tables_file(rome_entry: Path, export: Path | None) -> Path:
    """Where the tables made for ``export`` with this code sit, beside the ROME cache entry ``rome_entry``."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    reference = files("metiers_kg_data.reference")
    for resource in sorted(reference.iterdir(), key=lambda r: r.name):
        if resource.is_file():
            digest.update(resource.name.encode() + b"\0" + resource.read_bytes())
    digest.update(repr(export_stamp(export)).encode())
    return rome_entry.with_name(f"{rome_entry.name}{SUFFIX}{digest.hexdigest()[:24]}.pickle")


@contextmanager
def saved_tables(path: Path | None) -> Iterator[None]:
    """Restore the memos from ``path`` if it holds them; if it does not, save them there once the body has
    made them (``path`` None: neither)."""
    loaded = path is not None and _load(path)
    yield
    if path is not None and not loaded:
        _save(path)


def _load(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    with _collection_paused():  # a million containers: the collector would scan them again and again
        try:
            memo.restore(pickle.loads(data))
        except Exception:  # noqa: BLE001 - a stale or damaged file is only a cache miss: made again
            return False
    return True


def _save(path: Path) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(pickle.dumps(memo.values(), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # whole or absent, for a build running beside this one
    except (OSError, pickle.PicklingError):
        partial.unlink(missing_ok=True)
        return
    prefix = path.name.split(SUFFIX)[0] + SUFFIX
    for older in path.parent.glob(f"{prefix}*"):
        if older != path:
            older.unlink(missing_ok=True)  # made by earlier code or another export's files


@contextmanager
def _collection_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
