"""tests/serving.py itself: a test run that is killed leaves no server behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.serving import REPO

pytestmark = pytest.mark.slow

HOLDER = """
import sys, time
from pathlib import Path
from tests.serving import serving
with serving(Path(sys.argv[1]), Path(sys.argv[2])) as (base, process):
    print(process.pid, flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its (gone) parent is not running
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_a_killed_test_process_takes_its_server_with_it(built_store: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(built_store), str(tmp_path / "serve.log")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    server = int(holder.stdout.readline())  # type: ignore[union-attr]  # printed once it is healthy
    assert _alive(server)
    holder.send_signal(signal.SIGKILL)  # no finally, no cleanup: as when a CI job is killed
    holder.wait(timeout=10)
    deadline = time.monotonic() + 30
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server)


def test_a_failing_build_leaves_the_running_server_serving_the_previous_build(
    built_store: Path, tmp_path: Path
) -> None:
    """The README's promise, attacked: a build of a broken document into the store being served
    fails with its file and line, and the server goes on answering from the build it had."""
    import shutil

    import requests

    from tests.conftest import SEEDS, run_cli
    from tests.serving import serving

    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    broken = seeds / "999_broken.md"
    broken.write_text(
        (SEEDS / next(p.name for p in SEEDS.iterdir() if p.name.startswith("000")))
        .read_text(encoding="utf-8")
        .replace("- M1810", "- Z9999", 1),
        encoding="utf-8",
    )
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
    with serving(store, tmp_path / "serve.log") as (base, _process):
        before = requests.get(f"{base}/healthz", timeout=30).json()
        quads = requests.get(f"{base}/sparql", params=count, headers={"Accept": "text/csv"}, timeout=60).text
        result = run_cli("build", "--seeds", seeds, "--store", store)
        assert result.returncode == 1 and f"{broken}:" in result.stderr and "Z9999" in result.stderr
        assert requests.get(f"{base}/healthz", timeout=30).json() == before
        assert requests.get(f"{base}/sparql", params=count, headers={"Accept": "text/csv"}, timeout=60).text == quads
