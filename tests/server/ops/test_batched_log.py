"""server.ops.batched_log: request lines written in batches off the request thread, none lost or reordered."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
import time

from server.ops.batched_log import BatchedStreamHandler
from tests.serving import REPO


class _CountingStream(io.StringIO):
    """A text stream that counts the writes it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def test_lines_from_many_threads_all_arrive_in_few_writes() -> None:
    stream = _CountingStream()
    handler = BatchedStreamHandler(stream, interval=0.05)
    logger = _logger("test.batched.many", handler)

    def log_lines(thread: int) -> None:
        for n in range(500):
            logger.info("%d-%d", thread, n)

    threads = [threading.Thread(target=log_lines, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 10
    while stream.getvalue().count("\n") < 4000 and time.monotonic() < deadline:
        time.sleep(0.01)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4000
    for thread in range(8):  # each thread's lines in its own order
        assert [line for line in lines if line.startswith(f"{thread}-")] == [f"{thread}-{n}" for n in range(500)]
    assert stream.writes < 400  # batched: not one write per line


def test_flush_writes_what_is_pending_at_once() -> None:
    stream = _CountingStream()
    handler = BatchedStreamHandler(stream, interval=60)  # the writer thread would wait a minute
    logger = _logger("test.batched.flush", handler)
    logger.info("first")
    logger.info("second")
    assert stream.getvalue() == ""
    handler.flush()
    assert stream.getvalue() == "first\nsecond\n" and stream.writes == 1


def test_a_process_that_ends_writes_its_last_lines_first() -> None:
    """No flush, no atexit: the writer thread outlives the main thread just long enough."""
    script = (
        "import logging, sys\n"
        "from server.ops.batched_log import BatchedStreamHandler\n"
        "logger = logging.getLogger('t'); logger.setLevel(logging.INFO)\n"
        "logger.addHandler(BatchedStreamHandler(sys.stdout, interval=60))\n"
        "for n in range(3): logger.info('line %d', n)\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert result.stdout == "line 0\nline 1\nline 2\n" and result.returncode == 0
    assert time.monotonic() - started < 10  # not held for the 60 s batch
