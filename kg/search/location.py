"""Which build's name index to open: the build's own, or after online updates the newest earlier one's."""

from __future__ import annotations

from pathlib import Path

from kg.build_records import INDEX_DIR
from kg.core.errors import StoreError
from kg.store import current_build


def index_of(build_dir: Path) -> Path:
    return Path(build_dir) / INDEX_DIR


def store_index(store_dir: Path) -> Path:
    """The index of the store's current build or, after online updates, of the newest build that has one."""
    return build_index(current_build(store_dir))


def build_index(target: Path) -> Path:
    """The index of build ``target`` or, for a build without one, of the newest earlier build that has one."""
    builds = sorted(
        (
            p
            for p in target.parent.iterdir()
            if (p / INDEX_DIR).is_dir() and not p.name.endswith(".partial") and p.name <= target.name
        ),
        reverse=True,
    )
    if not builds:
        raise StoreError(f"{target}: this build has no search index; run 'metiers-kg build'")
    return builds[0] / INDEX_DIR
