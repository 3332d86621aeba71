"""A query that would take the machine's memory ends its worker instead (``--max-worker-memory``).

A real server, one worker, a query time limit far away (120 s), and an ``ORDER BY`` over a cross
product of 9 million rows, which oxigraph must hold whole before it sorts: the worker stops at
its memory limit within seconds, the client sees its connection cut, the log says why, a new
worker serves the next requests, and the data is as it was.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from tests.server.conftest import filler_quads, occupation_quads, write_build
from tests.serving import serving, wait_for_workers, workers

pytestmark = pytest.mark.slow

LIMIT_MIB = 500
RUNAWAY_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def wait_for_line(log: Path, pattern: str, within: float) -> re.Match[str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text(errors="replace"))
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no line matching {pattern!r} in the server log after {within} s:\n{log.read_text()}")


def test_a_runaway_sort_ends_its_worker_not_the_machine(tmp_path: Path) -> None:
    write_build(tmp_path / "store", [*occupation_quads(), *filler_quads(3_000)])
    log = tmp_path / "serve.log"
    with serving(
        tmp_path / "store", log, "--workers", "1", "--query-timeout", "120", "--max-worker-memory", str(LIMIT_MIB)
    ) as (base, process):
        (before,) = workers(process.pid)
        started = time.monotonic()
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{base}/sparql", data={"query": RUNAWAY_SORT}, headers={"Accept": "text/csv"}, timeout=100)
        assert time.monotonic() - started < 60  # the memory limit ended it, not the 120 s time limit
        line = wait_for_line(log, rf"worker {before} exits: its memory reached (\d+) MiB \(limit {LIMIT_MIB} MiB", 10)
        assert LIMIT_MIB <= int(line.group(1)) < LIMIT_MIB + 200  # sampled ten times a second
        deadline = time.monotonic() + 30
        while workers(process.pid) in ({before}, set()) and time.monotonic() < deadline:
            time.sleep(0.05)  # the old worker is reaped, its replacement started
        (after,) = wait_for_workers(process.pid, 1)
        assert after != before
        answer = requests.get(f"{base}/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=60)
        assert answer.status_code == 200 and answer.text.split() == ["n", "3006"]


def test_the_limit_is_checked_when_the_server_starts(tmp_path: Path) -> None:
    from server.config import ServerConfig

    with pytest.raises(ValueError, match="max worker memory: expected a number of MiB"):
        ServerConfig(store_dir=tmp_path, max_worker_memory=-1)
    with pytest.raises(ValueError, match="METIERS_KG_MAX_WORKER_MEMORY='lots': expected an integer"):
        ServerConfig.from_env({"METIERS_KG_MAX_WORKER_MEMORY": "lots", "METIERS_KG_STORE": str(tmp_path)})
