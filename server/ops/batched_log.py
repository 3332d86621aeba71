"""A logging handler that writes its lines in batches, from a thread of its own.

Why: the server logs one JSON line per request. Written by the request thread, every line is
a ``write`` that releases the GIL, and under load getting it back again cost about 80 µs per
request, a fifth of a short lookup's whole cost (measured with ``bench/endpoint_bench.py``
on 2 cores). Here the request thread only formats its line and appends it to a list; one
thread per process writes whatever has gathered in a single ``write``, at most
``interval`` seconds after the first line of a batch arrived.

So a line reaches the stream within ``interval`` seconds. The writer thread is not a daemon:
when the process ends (its main thread done: the interpreter, or multiprocessing in a server
worker, which skips ``atexit``, then waits for such threads) it writes the last lines and
stops. ``flush`` writes the pending lines at once (``logging.shutdown`` calls it; a worker
that ends itself with ``os._exit`` calls that first).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TextIO

FLUSH_SECONDS = 0.05
IDLE_SECONDS = 0.5  # while no line comes, how often the writer checks whether the process is ending


class BatchedStreamHandler(logging.Handler):
    """Like ``logging.StreamHandler``, but the stream is written by a background thread, in batches."""

    def __init__(self, stream: TextIO, interval: float = FLUSH_SECONDS) -> None:
        super().__init__()
        self.stream = stream
        self.interval = interval
        self._pending: list[str] = []
        self._wake = threading.Event()
        self._pid: int | None = None  # the process whose writer thread runs (threads do not survive fork)
        self._write_lock = threading.Lock()

    @property
    def _queue_lock(self) -> threading.RLock:
        """``logging.Handler``'s own lock, which its ``__init__`` sets and ``logging`` makes anew after a fork."""
        lock = self.lock
        if lock is None:
            raise RuntimeError("the handler has no lock (createLock was not called)")
        return lock

    def emit(self, record: logging.LogRecord) -> None:
        """Format and queue the line (``logging`` calls this holding ``self.lock``)."""
        try:
            line = self.format(record) + "\n"
        except Exception:  # noqa: BLE001 - logging's own convention
            self.handleError(record)
            return
        self.queue(line)

    def queue(self, line: str) -> None:
        """Queue one formatted line (ending in a newline). The request log calls this directly
        when this handler is its only one: a ``LogRecord`` (the caller's frame, thread and process
        names) costs more than the rest of the line, and the line is already formatted."""
        with self._queue_lock:
            if self._pid != os.getpid():
                self._start_writer()
            self._pending.append(line)
        if not self._wake.is_set():
            self._wake.set()

    def flush(self) -> None:
        """Write every pending line now."""
        with self._write_lock:
            with self._queue_lock:  # no line is appended while the batch is taken
                lines, self._pending = self._pending, []
            if lines:
                self.stream.write("".join(lines))
                self.stream.flush()

    def _start_writer(self) -> None:
        self._pid = os.getpid()
        self._pending = []  # a forked child's copy of its parent's lines is the parent's to write
        self._wake = threading.Event()
        threading.Thread(target=self._write_batches, name="log-writer", daemon=False).start()

    def _write_batches(self) -> None:
        wake, main = self._wake, threading.main_thread()
        while main.is_alive():
            if wake.wait(IDLE_SECONDS):
                wake.clear()
                main.join(self.interval)  # let the batch gather (or the process end)
            self._flush_quietly()
        self._flush_quietly()  # the process is ending: its last lines

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - a broken stream must not kill the writer
            pass
