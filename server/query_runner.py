"""Run SPARQL queries under a time limit although pyoxigraph cannot be interrupted.

Constraints (checked against pyoxigraph 0.5):

* ``Store.query`` has no timeout and evaluation in native code ignores Python signals; it
  does release the GIL, so other Python threads keep running.
* Query results (``QuerySolutions``, ``QueryTriples``) are bound to the thread that created
  them: iterating, serialising or even dropping them on another thread raises or aborts.

Design:

* Each worker process has one long-lived **executor thread** (started lazily, so it is born
  after gunicorn forks). A job runs entirely on it: parse, evaluate, pick the representation,
  serialise. Results never leave it; only bytes and exception objects (with their frames'
  locals cleared) cross to the request thread.
* The serialiser writes into a :class:`_Channel`, a file-like object that gathers output into
  chunks of ``chunk_size`` bytes and puts them on a bounded ``queue.Queue``. The request
  thread reads that queue and streams the chunks as the response body, so large results
  start arriving at once and memory stays bounded (the executor blocks while the queue is full).
* **Deadline**: the request thread waits at most ``timeout`` seconds *in total* for the
  executor (time spent waiting for the client to read does not count). If it runs out before
  the first chunk, the request fails with ``QueryTimeoutError`` (HTTP 503); if it runs out
  mid-stream, the body is aborted (the server drops the connection, so the client sees a
  truncated response, never a short but well-formed one).
* **Stopping a runaway**: the channel is cancelled, so a query that is still serialising
  stops at its next write. A query stuck in native evaluation cannot be stopped, so once the
  response has been sent (``call_on_close``) :meth:`QueryRunner.stop_if_runaway` calls the
  injected ``exit_action`` — by default :func:`exit_worker`, ``os._exit``, after which gunicorn
  starts a fresh worker. This is why the server uses gunicorn's *sync* workers: one request per
  process, so the exit never cuts another client's request.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.errors import QueryTimeoutError

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
MAX_PENDING_CHUNKS = 16  # at most ~1 MiB waiting for a slow client per worker
POLL_SECONDS = 0.05  # how often a blocked executor checks for cancellation
EXIT_GRACE_SECONDS = 0.2  # time a cancelled job gets to notice before we call it a runaway
RUNAWAY_EXIT_CODE = 1  # not 3 or 4, which make the gunicorn arbiter halt

ExitAction = Callable[[], None]


def exit_worker() -> None:
    """End this worker process now; gunicorn's arbiter starts a replacement."""
    gunicorn_log = logging.getLogger("gunicorn.error")
    logger = gunicorn_log if gunicorn_log.handlers else log  # gunicorn's format when under gunicorn
    logger.warning("worker %d exits to stop a query that outran its time limit", os.getpid())
    for handler in logger.handlers:
        handler.flush()
    os._exit(RUNAWAY_EXIT_CODE)


class _Cancelled(Exception):
    """Raised inside the executor when the request gave up on the job."""


class Channel:
    """File-like sink for a serialiser; hands chunks of bytes to the request thread."""

    def __init__(self, chunk_size: int = CHUNK_SIZE, max_pending: int = MAX_PENDING_CHUNKS) -> None:
        self.events: queue.Queue[tuple[str, object]] = queue.Queue(max_pending)
        self.cancelled = threading.Event()
        self._buffer = bytearray()
        self._chunk_size = chunk_size
        self._representation: object = None
        self._announced = False
        self._commit_lock = threading.Lock()
        self.committed = False

    # -- executor side ---------------------------------------------------------------------
    def begin(self, representation: object) -> None:
        """Say what is about to be written; announced with the first full chunk, or with the
        whole body when it fits in one chunk (one hand-over between threads for small answers)."""
        self._representation = representation

    def write(self, data: bytes) -> int:
        if self.cancelled.is_set():
            raise _Cancelled()
        self._buffer += data
        if len(self._buffer) >= self._chunk_size:
            self._announce()
            self._put("chunk", bytes(self._buffer))
            self._buffer.clear()
        return len(data)

    def flush(self) -> None:
        """Serialisers flush at the end; chunking is decided by ``write`` and ``finish``."""

    def finish(self) -> None:
        if not self._announced:
            self._announced = True
            self._put("all", (self._representation, bytes(self._buffer)))
            self._buffer.clear()
            return
        if self._buffer:
            self._put("chunk", bytes(self._buffer))
            self._buffer.clear()
        self._put("end", None)

    def commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` (e.g. switching the store to an updated build) unless the request gave up.

        Atomic with :meth:`cancel`: a write is never made visible after its client was told
        it timed out, and a client is never told so after it was made visible.
        """
        with self._commit_lock:
            if self.cancelled.is_set():
                raise _Cancelled()
            action()
            self.committed = True

    def _announce(self) -> None:
        if not self._announced:
            self._announced = True
            self._put("begin", self._representation)

    def fail(self, error: BaseException) -> None:
        self._put("error", error)

    def _put(self, kind: str, value: object) -> None:
        while True:
            if self.cancelled.is_set():
                raise _Cancelled()
            try:
                self.events.put((kind, value), timeout=POLL_SECONDS)
                return
            except queue.Full:
                continue

    # -- request side ----------------------------------------------------------------------
    def cancel(self) -> bool:
        """Give up on the job; False if it had already committed its write (it then completes)."""
        with self._commit_lock:
            if self.committed:
                return False
            self.cancelled.set()
            return True


Job = Callable[[Channel], None]


@dataclass
class _Waiter:
    """The request thread's side of a channel, charging waiting time to the query's budget."""

    channel: Channel
    budget: float
    runner: QueryRunner

    def next(self) -> tuple[str, object]:
        started = time.monotonic()
        try:
            return self.channel.events.get(timeout=max(self.budget, 0.0))
        except queue.Empty:
            if not self.channel.cancel():  # a committed update: its answer is moments away
                return self.channel.events.get()
            self.runner.timeouts += 1
            raise QueryTimeoutError(self.runner.timeout) from None
        finally:
            self.budget -= time.monotonic() - started


class ResultStream:
    """A query that has produced its first bytes: what they are, and an iterator over all of them."""

    def __init__(self, representation: object, first: tuple[str, object], waiter: _Waiter | None,
                 complete: bytes | None = None) -> None:
        self.representation = representation
        self._first = first
        self._waiter = waiter
        self.complete = complete  # the whole body, when it fit in one chunk (then nothing streams)

    def __iter__(self) -> Iterator[bytes]:
        if self._waiter is None:
            yield self.complete or b""
            return
        try:
            kind, value = self._first
            while kind == "chunk":
                yield value  # type: ignore[misc]
                kind, value = self._waiter.next()
            if kind == "error":
                raise value  # type: ignore[misc]  # mid-stream failure: abort the body
        finally:
            self._waiter.channel.cancel()  # no-op when done; stops the executor if the client left


class QueryRunner:
    """One executor thread per process running jobs under a per-query time budget."""

    def __init__(self, timeout: float, exit_action: ExitAction = exit_worker,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self.timeout = timeout
        self.exit_action = exit_action
        self.chunk_size = chunk_size
        self._jobs: queue.Queue[tuple[Job, Channel] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._current: Channel | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self.timeouts = 0  # requests that ran out of time in this process (for /metrics)

    def run(self, job: Job) -> ResultStream:
        """Queue ``job`` and wait (within the budget) for its representation and first chunk.

        Raises the job's own exception, or QueryTimeoutError when the budget runs out.
        """
        channel = Channel(self.chunk_size)
        self._ensure_thread()
        self._jobs.put((job, channel))
        waiter = _Waiter(channel, self.timeout, self)
        kind, value = waiter.next()
        if kind == "error":
            raise value  # type: ignore[misc]
        if kind == "all":
            representation, body = value  # type: ignore[misc]
            return ResultStream(representation, ("end", None), None, complete=body)
        first = waiter.next()
        if first[0] == "error":
            raise first[1]  # type: ignore[misc]
        return ResultStream(value, first, waiter)

    @property
    def runaway(self) -> bool:
        """True while the executor is still busy with a job its request gave up on."""
        current = self._current
        return current is not None and current.cancelled.is_set()

    def stop_if_runaway(self) -> None:
        """Called after a response is sent: end the process if a cancelled query will not stop."""
        if self.runaway and not self._idle.wait(EXIT_GRACE_SECONDS) and self.runaway:
            self.exit_action()

    def shutdown(self, timeout: float | None = None) -> bool:
        """Stop the executor after its current job; True if it ended within ``timeout``."""
        thread = self._thread
        if thread is None:
            return True
        self._jobs.put(None)
        thread.join(timeout)
        return not thread.is_alive()

    # -- executor thread -------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()
            if not alive:  # first query, or we are a forked child that inherited a dead thread
                self._jobs = queue.Queue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="sparql-executor", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        jobs = self._jobs
        while True:
            item = jobs.get()
            if item is None:
                return
            self._run_one(*item)
            del item  # the job holds a store handle: drop it before waiting for the next one

    def _run_one(self, job: Job, channel: Channel) -> None:
        if channel.cancelled.is_set():
            return  # the request timed out while this job was queued
        self._idle.clear()
        self._current = channel
        try:
            job(channel)
            channel.finish()
        except _Cancelled:
            pass
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the request
            _detach(error)
            try:
                channel.fail(error)
            except _Cancelled:
                pass
        finally:
            self._current = None
            self._idle.set()


def _detach(error: BaseException) -> None:
    """Clear the locals of the frames an exception holds, so no query result leaves this thread."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__
