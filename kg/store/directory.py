"""The store directory: its ``current`` link, its builds and their records, and the writer lock.

Paths and plain files only, no database (kg.store.database opens them, kg.store.writers makes them);
the layout is in kg/store/__init__.py.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.build_records import read_info, read_written, record_written
from kg.core.errors import StoreError

CURRENT = "current"
BUILDS = "builds"
PARTIAL_SUFFIX = ".partial"
KEEP_BUILDS = 3  # previous builds kept so that a reader that has one open is not pulled from under


def current_build(store_dir: Path) -> Path:
    """The database directory the store's ``current`` link points at."""
    link = Path(store_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        raise StoreError(f"{store_dir}: no store here (no '{CURRENT}' link); run 'metiers-kg build' first")
    target = link.resolve()
    if not target.is_dir():
        raise StoreError(f"{store_dir}: '{CURRENT}' points at {target}, which is missing")
    return target


def build_info(store_dir: Path) -> dict[str, str]:
    """What the current build recorded about itself (``base_iri``); {} for none, or no store yet."""
    try:
        build = current_build(store_dir)
    except StoreError:
        return {}
    return read_info(build)


def settle_base_iri(store_dir: Path, given: str | None, default: str) -> str:
    """The base IRI to serve or describe ``store_dir`` under: the one its build recorded, unless
    ``given`` (an option) contradicts it, which is refused since every resource would then 404."""
    recorded = build_info(store_dir).get("base_iri")
    if given is not None and recorded is not None and given != recorded:
        raise StoreError(
            f"{store_dir}: was built with base IRI {recorded}, not {given}; leave --base-iri "
            f"(METIERS_KG_BASE_IRI) out to use the store's, or build again with --base-iri {given}"
        )
    return given or recorded or default


def written_graphs(store_dir: Path) -> tuple[str, ...]:
    """The graphs changed through the endpoint (SPARQL Update, Graph Store) since the current build was built.

    ``build`` reads them so that a rebuild never silently drops what clients wrote."""
    try:
        target = current_build(store_dir)
    except StoreError:
        return ()
    return read_written(target)


@contextmanager
def exclusive_lock(store_dir: Path) -> Iterator[None]:
    """One writer at a time: a second build or load fails at once instead of corrupting the first."""
    with open(store_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{store_dir}: another build or load is writing this store") from None
        yield


@contextmanager
def waiting_lock(store_dir: Path, wait_seconds: float) -> Iterator[None]:
    """The writer lock of :func:`exclusive_lock`, waited for (polling) instead of failing at once."""
    deadline = time.monotonic() + wait_seconds
    with open(store_dir / ".lock", "w") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(f"{store_dir}: another writer held the store for {wait_seconds:g} s") from None
                time.sleep(0.01)
        yield


def next_build_id(builds: Path) -> str:
    numbers = [int(p.name.split(".")[0]) for p in builds.iterdir() if p.name.split(".")[0].isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def switch_current(store_dir: Path, relative_target: Path) -> None:
    tmp_link = store_dir / f".{CURRENT}.{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(relative_target, tmp_link)
    os.replace(tmp_link, store_dir / CURRENT)  # atomic on POSIX
    fsync_dir(store_dir)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partial_builds(builds: Path) -> None:
    for path in builds.iterdir():
        if path.name.endswith(PARTIAL_SUFFIX):
            shutil.rmtree(path, ignore_errors=True)


def remove_old_builds(builds: Path, keep: Path) -> None:
    complete = sorted(p for p in builds.iterdir() if p.name.isdigit())
    for path in complete[:-KEEP_BUILDS]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
            record_written(path, ())
