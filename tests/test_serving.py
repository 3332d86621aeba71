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
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(built_store), str(tmp_path / "serve.log")],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    server = int(holder.stdout.readline())  # type: ignore[union-attr]  # printed once it is healthy
    assert _alive(server)
    holder.send_signal(signal.SIGKILL)  # no finally, no cleanup: as when a CI job is killed
    holder.wait(timeout=10)
    deadline = time.monotonic() + 30
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server)
