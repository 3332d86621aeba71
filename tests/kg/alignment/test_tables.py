"""kg.alignment.tables: the alignment's lookup tables saved beside the ROME cache entry and loaded by a rebuild."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from kg.alignment.stage import Alignment, prepare
from kg.alignment.tables import saved_tables, tables_file
from kg.mapping.rome import default_export
from kg.rome_stage import cache_directory, prepared_rome
from tests.conftest import REPO, SEEDS

BASE = "https://w3id.org/metiers-kg/"

# A fresh process: tables from the file, then the seeds' alignment; which tables it had to make, and the result.
REBUILD = """
import json, sys
from pathlib import Path
from kg.alignment.stage import align_corpus, prepare
from kg.alignment.workflow import digests_of
from kg.core import memo
from kg.mapping import Iris
base, entry, seeds = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
prepare(base, None, entry)
made = {name: count for name, count in memo.computed().items() if count}
alignment = align_corpus(digests_of(seeds, Iris(base)), Iris(base))
print(json.dumps({"made": made, "mappings": sorted(repr(m) for m in alignment.mappings)}))
"""


def test_a_rebuild_loads_the_tables_and_aligns_as_when_it_made_them(tmp_path: Path, seed_alignment: Alignment) -> None:
    entry = prepared_rome(None, BASE, cache_directory(tmp_path))  # the session's shared ROME cache
    saved = tables_file(entry, None)
    saved.unlink(missing_ok=True)
    prepare(BASE, None, entry)
    assert saved.is_file() and saved.parent == entry.parent and saved.name.startswith(entry.name)
    made = saved.stat().st_mtime_ns
    out = subprocess.run(
        [sys.executable, "-c", REBUILD, BASE, str(entry), str(SEEDS)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=True,
        env=os.environ.copy(),
    )
    result = json.loads(out.stdout)
    assert result["made"] == {}  # every table came from the file
    assert result["mappings"] == sorted(repr(m) for m in seed_alignment.mappings)
    assert saved.stat().st_mtime_ns == made  # read, not written again


def test_a_damaged_tables_file_is_made_again(tmp_path: Path) -> None:
    saved = tables_file(tmp_path / "rome-0123", None)
    saved.write_bytes(b"not a pickle")
    with saved_tables(saved):
        prepare(BASE, None)
    assert isinstance(pickle.loads(saved.read_bytes()), dict)
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]  # no partial file left


def test_the_tables_of_changed_export_files_are_kept_apart(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(default_export(), export)  # the tests' ROME export is a folder (tests/rome_subset.py)
    before = tables_file(tmp_path / "rome-0123", export)
    changed = sorted(export.iterdir())[0]
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    assert tables_file(tmp_path / "rome-0123", export) != before
