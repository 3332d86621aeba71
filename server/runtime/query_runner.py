"""Run SPARQL queries under a time limit although pyoxigraph cannot be interrupted.

Constraints (checked against pyoxigraph 0.5):

* ``Store.query`` has no timeout and evaluation in native code ignores Python signals; it
  does release the GIL, so other Python threads keep running.
* Query results (``QuerySolutions``, ``QueryTriples``) are bound to the thread that created
  them: iterating, serialising or even dropping them on another thread raises or aborts.

Design:

* Each worker process has a small pool of long-lived **executor threads** (started on demand,
  so they are born after the server forks; at most ``threads``, one per request the server
  may run at once in the process, so a long query never makes a short one wait for a thread).
  A job runs entirely on one of them: parse, evaluate, pick the representation, serialise.
  Results never leave it; only bytes and exception objects (with their frames' locals
  cleared) cross to the request thread. The most recently idle executor takes the next job,
  so a sequential load keeps using one warm thread.
* The serialiser writes into a :class:`Channel`, a file-like object that gathers output into
  chunks of ``chunk_size`` bytes and hands them to the request thread, which streams them as
  the response body, so large results start arriving at once; memory stays bounded (the
  executor blocks while ``MAX_PENDING_CHUNKS`` chunks wait unread).
  An answer that fits in one chunk crosses once, whole (no streaming, ``Content-Length``).
* **Deadline**: the request thread waits at most ``timeout`` seconds *in total* for the
  executor (time spent waiting for the client to read does not count). If it runs out before
  the first chunk, the request fails with ``QueryTimeoutError`` (HTTP 503); if it runs out
  mid-stream, the body is aborted (the server drops the connection, so the client sees a
  truncated response, never a short but well-formed one).
* **Stopping a runaway**: the channel is cancelled, so a query that is still serialising
  stops at its next write. A query stuck in native evaluation cannot be stopped, so once the
  response has been sent (``call_on_close``) :meth:`QueryRunner.stop_if_runaway` calls the
  injected ``exit_action`` — by default :func:`exit_worker`, which retires the worker process
  gracefully: the HTTP server stops taking connections in it, finishes the requests already
  in flight (other executors serve them), and the process exits, freeing the CPU; the server
  (``server.wsgi``) starts a fresh worker, and the listening socket, held by the server's
  main process, keeps queueing new connections meanwhile.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from server.http.errors import QueryTimeoutError
from server.runtime.channel import CHUNK_SIZE, Cancelled, Channel, Event, Job

log = logging.getLogger(__name__)

EXIT_GRACE_SECONDS = 0.2  # time a cancelled job gets to notice before we call it a runaway
EXECUTOR_THREADS = 8  # per process: at least as many as the requests the server runs at once in it
RUNAWAY_EXIT_CODE = 75  # EX_TEMPFAIL: a worker that ended itself to stop a runaway (see server.wsgi)
RETIRE_DRAIN_SECONDS = 30.0  # requests in flight in a retiring worker get this long to finish
# The engine's parser and optimiser recurse natively: a deep text overflows a thread's stack and kills
# the process. server.sparql.text refuses texts nested deeper than its limits; this stack (virtual
# memory, touched only as deep as a job goes) holds ~30,000 levels of any construct, far above them.
EXECUTOR_STACK_BYTES = 256 * 1024 * 1024
_stack_lock = threading.Lock()

ExitAction = Callable[[], None]


def exit_worker() -> None:
    """Retire this worker process; the server (``server.wsgi``) starts a replacement.

    SIGTERM to ourselves is the server's own graceful stop: no new connections, the requests
    in flight finish, then the process ends. A watchdog ends it anyway (``RUNAWAY_EXIT_CODE``)
    if that takes more than ``RETIRE_DRAIN_SECONDS``.
    """
    server_log = logging.getLogger("_granian")
    logger = server_log if server_log.handlers else log  # the server's format when under granian
    global _retiring
    logger.warning("worker %d exits to stop a query that outran its time limit", os.getpid())
    for handler in logger.handlers:
        handler.flush()
    if _retiring == os.getpid():
        return  # already leaving: another runaway in the same worker
    _retiring = os.getpid()
    threading.Thread(target=_exit_after, args=(RETIRE_DRAIN_SECONDS,), name="retire-watchdog", daemon=True).start()
    os.kill(os.getpid(), signal.SIGTERM)


_retiring: int | None = None  # the pid of this process once it has started to retire


def _exit_after(seconds: float) -> None:
    time.sleep(seconds)
    logging.shutdown()  # write the log lines still pending (server.ops.batched_log)
    os._exit(RUNAWAY_EXIT_CODE)


@dataclass
class _Waiter:
    """The request thread's side of a channel, charging waiting time to the query's budget."""

    channel: Channel
    budget: float
    runner: QueryRunner

    def next(self) -> Event:
        started = time.monotonic()
        try:
            return self.channel.receive(timeout=max(self.budget, 0.0))
        except queue.Empty:
            if not self.channel.cancel():  # a committed update: its answer is moments away
                return self.channel.receive()
            self.runner._count_timeout()
            raise QueryTimeoutError(self.runner.timeout) from None
        finally:
            self.budget -= time.monotonic() - started


class ResultStream:
    """A query that has produced its first bytes: what they are, and an iterator over all of them."""

    def __init__(
        self, representation: object, first: Event, waiter: _Waiter | None, complete: bytes | None = None
    ) -> None:
        self.representation = representation
        self._first = first
        self._waiter = waiter
        self.complete = complete  # the whole body, when it fit in one chunk (then nothing streams)

    def __iter__(self) -> Iterator[bytes]:
        if self._waiter is None:
            yield self.complete or b""
            return
        try:
            event = self._first
            while event[0] == "chunk":
                yield event[1]
                event = self._waiter.next()
            if event[0] == "error":
                raise event[1]  # mid-stream failure: abort the body
        finally:
            self._waiter.channel.cancel()  # no-op when done; stops the executor if the client left


class _Executor:
    """One long-lived thread of the pool, running one job at a time."""

    def __init__(self, runner: QueryRunner) -> None:
        self.jobs: queue.SimpleQueue[tuple[Job, Channel] | None] = queue.SimpleQueue()
        self.current: Channel | None = None
        self.stopping = False
        with _stack_lock:  # threading.stack_size is process-wide: set it only while creating this thread
            previous = threading.stack_size(EXECUTOR_STACK_BYTES)
            try:
                self.thread = threading.Thread(target=runner._loop, args=(self,), name="sparql-executor", daemon=True)
                self.thread.start()
            finally:
                threading.stack_size(previous)


class QueryRunner:
    """A pool of executor threads per process running jobs under a per-query time budget."""

    def __init__(
        self,
        timeout: float,
        exit_action: ExitAction = exit_worker,
        chunk_size: int = CHUNK_SIZE,
        threads: int = EXECUTOR_THREADS,
    ) -> None:
        self.timeout = timeout
        self.exit_action = exit_action
        self.chunk_size = chunk_size
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._executors: list[_Executor] = []
        self._idle: list[_Executor] = []  # most recently idle last: it takes the next job
        self._backlog: list[tuple[Job, Channel]] = []  # jobs waiting for an executor (all busy)
        self._timeouts = 0
        self._local = threading.local()

    # -- request side ----------------------------------------------------------------------
    def run(self, job: Job) -> ResultStream:
        """Queue ``job`` and wait (within the budget) for its representation and first chunk.

        Raises the job's own exception, or QueryTimeoutError when the budget runs out.
        """
        channel = Channel(self.chunk_size)
        self._submit(job, channel)
        waiter = _Waiter(channel, self.timeout, self)
        announced = waiter.next()
        if announced[0] == "error":
            raise announced[1]
        if announced[0] == "all":
            representation, body = announced[1]
            return ResultStream(representation, ("end", None), None, complete=body)
        first = waiter.next()
        if first[0] == "error":
            raise first[1]
        return ResultStream(announced[1], first, waiter)

    @property
    def timeouts(self) -> int:
        """Requests that ran out of time in this process."""
        return self._timeouts

    @property
    def thread_timeouts(self) -> int:
        """Requests that ran out of time on the calling thread (a request's own, under a threaded server)."""
        return getattr(self._local, "timeouts", 0)

    def _count_timeout(self) -> None:
        with self._lock:
            self._timeouts += 1
        self._local.timeouts = getattr(self._local, "timeouts", 0) + 1

    @property
    def runaway(self) -> bool:
        """True while an executor is still busy with a job its request gave up on."""
        return bool(self._stuck())

    def stop_if_runaway(self) -> None:
        """Called after a response is sent: end the process if a cancelled query will not stop."""
        stuck = self._stuck()
        if not stuck:
            return
        deadline = time.monotonic() + EXIT_GRACE_SECONDS
        unstoppable = [
            channel
            for channel in stuck
            if not channel.wait_left(max(deadline - time.monotonic(), 0.0)) and not channel.reported
        ]
        if unstoppable:
            for channel in unstoppable:
                channel.reported = True  # one exit action per runaway, however many responses close
            self.exit_action()

    def shutdown(self, timeout: float | None = None) -> bool:
        """Stop the executors after their current jobs; True if they all ended within ``timeout``."""
        with self._lock:
            executors = self._executors if self._pid == os.getpid() else []
            self._executors, self._idle = [], []
            for executor in executors:
                executor.stopping = True
                executor.jobs.put(None)
        deadline = None if timeout is None else time.monotonic() + timeout
        for executor in executors:
            executor.thread.join(None if deadline is None else max(deadline - time.monotonic(), 0.0))
        return not any(executor.thread.is_alive() for executor in executors)

    def _stuck(self) -> list[Channel]:
        channels = [executor.current for executor in list(self._executors)]
        return [c for c in channels if c is not None and c.cancelled and c.running]

    def _submit(self, job: Job, channel: Channel) -> None:
        with self._lock:
            if self._pid != os.getpid():  # first job, or a forked child: the parent's threads are not here
                self._pid = os.getpid()
                self._executors, self._idle, self._backlog = [], [], []
            if self._idle:
                executor = self._idle.pop()
            elif len(self._executors) < self.threads:
                executor = _Executor(self)  # started at once, with its stack
                self._executors.append(executor)
            else:
                self._backlog.append((job, channel))
                return
        executor.jobs.put((job, channel))

    # -- executor threads ------------------------------------------------------------------
    def _loop(self, executor: _Executor) -> None:
        while True:
            item = executor.jobs.get()
            while item is not None:
                self._run_one(executor, *item)
                item = None  # the job holds a store handle: drop it before waiting for the next one
                with self._lock:
                    if executor.stopping:
                        return
                    if self._backlog:
                        item = self._backlog.pop(0)
                    else:
                        self._idle.append(executor)
            if executor.stopping:
                return

    def _run_one(self, executor: _Executor, job: Job, channel: Channel) -> None:
        if channel.cancelled:
            channel.left()
            return  # the request timed out while this job was queued
        executor.current = channel
        try:
            job(channel)
            channel.finish()
        except Cancelled:
            pass
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the request
            _detach(error)
            try:
                channel.fail(error)
            except Cancelled:
                pass
        finally:
            executor.current = None
            channel.left()


def _detach(error: BaseException) -> None:
    """Clear the locals of the frames an exception holds, so no query result leaves this thread."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__
