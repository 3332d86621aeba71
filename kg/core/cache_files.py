"""Results kept beside a ROME cache entry (``kg.rome_stage``) as pickles: named, loaded and saved here.

What a build makes again and again from the same ROME export, the same code and the same vendored
tables (the alignment's lookup tables, the name index's ROME and ESCO part) costs seconds of Python
and a fraction of that to unpickle. Each file is named after its entry, its kind, and a digest of the
``kg`` package's code, the vendored reference tables and what else the caller says it depends on, so
that any change gives another name; the entry's removal takes its files along. A file that cannot be
read is a cache miss, one that cannot be written leaves the build as it was: only slower next time.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg import __version__


def beside(entry: Path, kind: str, *depends_on: str) -> Path:
    """The file of ``kind`` for the cache entry ``entry``, made by this code from these inputs."""
    digest = hashlib.sha256(_code_and_tables().encode())
    for part in depends_on:
        digest.update(b"\0" + part.encode())
    return entry.with_name(f"{entry.name}.{kind}-{digest.hexdigest()[:24]}.pickle")


@lru_cache(maxsize=1)
def _code_and_tables() -> str:
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    reference = files("metiers_kg_data.reference")
    for resource in sorted(reference.iterdir(), key=lambda r: r.name):
        if resource.is_file():
            digest.update(resource.name.encode() + b"\0" + resource.read_bytes())
    return digest.hexdigest()


def load(path: Path) -> object | None:
    """What ``path`` holds, or None when it is missing or cannot be read back."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    with _collection_paused():  # a million containers: the collector would scan them again and again
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a stale or damaged file is only a cache miss
            return None


def save(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` whole or not at all, and remove the files of the same kind that
    earlier code or other inputs left beside the entry."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # whole or absent, for a build running beside this one
    except (OSError, pickle.PicklingError):
        partial.unlink(missing_ok=True)
        return
    kind_prefix = path.name.rsplit("-", 1)[0] + "-"
    for older in path.parent.glob(f"{kind_prefix}*.pickle"):
        if older != path:
            older.unlink(missing_ok=True)


@contextmanager
def _collection_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
