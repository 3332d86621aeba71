"""What a build records about itself, beside its database: its settings and the graphs written online.

* ``builds/<id>/metiers-kg-build.json``: the build's settings (its base IRI), written into the
  partial build before its rename, so that it appears with the build (RocksDB ignores it).
* ``builds/<id>/index/``: the name index (``kg.search``), carried into online revisions.
* ``builds/<id>.written``: the graphs changed through the endpoint (SPARQL Update, Graph Store)
  or by ``load`` since the last build, one per line (``DEFAULT`` for the default graph), so that
  the next build keeps them (``kg.store.carry_written``).

Plain files, read and written whole, so that ``kg.store`` stays about the database.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from kg.core.errors import StoreError

BUILD_INFO = "metiers-kg-build.json"
INDEX_DIR = "index"  # builds/<id>/index/: the name index of kg.search, written by the build
WRITTEN_SUFFIX = ".written"
DEFAULT_GRAPH = "DEFAULT"  # how the store's default graph is named in a .written record


def read_info(build_dir: Path) -> dict[str, str]:
    """The settings ``build_dir`` recorded ({} for a build that recorded none)."""
    try:
        info = json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StoreError(f"{build_dir / BUILD_INFO}: unreadable build record: {exc}") from None
    return {str(k): str(v) for k, v in info.items()} if isinstance(info, dict) else {}


def write_info(build_dir: Path, info: Mapping[str, str]) -> None:
    """Written into the partial build before its rename, so the record appears with the build."""
    if not info:
        return
    with open(build_dir / BUILD_INFO, "w", encoding="utf-8") as out:
        out.write(json.dumps(dict(info), sort_keys=True, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_written(build: Path) -> tuple[str, ...]:
    """The graphs the ``.written`` record of ``build`` lists (none without a record)."""
    record = build.with_name(build.name + WRITTEN_SUFFIX)
    if not record.exists():
        return ()
    return tuple(sorted(line for line in record.read_text(encoding="utf-8").splitlines() if line))


def record_written(build: Path, graphs: Iterable[str]) -> None:
    """Write the ``.written`` record of ``build`` (before it becomes current; none if nothing was written)."""
    record = build.with_name(build.name + WRITTEN_SUFFIX)
    names = sorted(set(graphs))
    if not names:
        record.unlink(missing_ok=True)
        return
    temporary = record.with_name(record.name + ".tmp")
    temporary.write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
    os.replace(temporary, record)


def carry_index(source: Path, target: Path) -> None:
    """Give an online revision (``target``) its build's name index, by hard links (the files never change).

    The names are those of the last build: an update does not re-index (``metiers-kg build`` does)."""
    index = source / INDEX_DIR
    if index.is_dir():
        shutil.copytree(index, target / INDEX_DIR, copy_function=os.link)
