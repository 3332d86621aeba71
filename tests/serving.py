"""Start ``metiers-kg serve`` as a real process on a free 127.0.0.1 port, and always stop it,
even when the test process is killed."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], failure: str, within: float = 30) -> None:
    """Wait for what the test expects to happen, failing with ``failure`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


def wait_until_healthy(base: str, process: subprocess.Popen, log: Path, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server not healthy after {within} s:\n{log.read_text()}")


def workers(server_pid: int) -> set[int]:
    """The server's worker processes (children of its main process)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    return {int(pid) for pid in children}


def wait_for_workers(server_pid: int, count: int, within: float = 30) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = workers(server_pid)
        if len(found) == count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"the server has {len(workers(server_pid))} workers, not {count}, after {within} s")


def _end_with_the_tests() -> None:
    """In the server's process before it runs: SIGTERM it when the test process dies, however it
    dies (a killed test run must not leave servers behind). Linux ``prctl(PR_SET_PDEATHSIG)``."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (graceful), then SIGKILL to the whole group we started: arbiter and workers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def serving(store: Path, log: Path, *options: str, cwd: Path = REPO) -> Iterator[tuple[str, subprocess.Popen]]:
    """Yield (base URL, process) of a healthy server on ``store`` (relative to ``cwd`` if relative)."""
    port = free_port()
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "serve",
                "--store",
                str(store),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *options,
            ],
            cwd=cwd,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_the_tests,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, process, log)
        yield base, process
    finally:
        stop(process)
