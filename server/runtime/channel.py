"""What crosses from a query's executor thread to its request thread (``server.runtime.query_runner``).

A serialiser writes into a :class:`Channel`, a write-only binary stream (``io.BufferedIOBase``, and
``typing.BinaryIO`` for the type checker: what ``pyoxigraph.serialize`` takes) that gathers output into chunks
and puts them, as tagged :data:`Event` tuples, on a queue that the request thread reads; the
executor blocks once ``max_pending`` chunks wait unread (memory stays bounded) and stops at its
next write once the request has given up (:class:`Cancelled`).

Every request makes one channel and crosses it at least twice, so it is built on the primitives
written in C (``queue.SimpleQueue``, ``threading.Lock``): ``queue.Queue`` and ``threading.Event``
are Python classes over ``threading.Condition``, and making and crossing them cost a short
lookup about 10 µs of the request's CPU (``bench/README.md``, issue 11). The bound is kept with
credits: the request thread hands one back for each chunk it takes, and the executor takes one
before each chunk beyond the first ``max_pending``.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, Literal

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

CHUNK_SIZE = 64 * 1024
MAX_PENDING_CHUNKS = 16  # at most ~1 MiB waiting for a slow client per request
POLL_SECONDS = 0.05  # how often a blocked executor checks for cancellation


class Cancelled(Exception):
    """Raised inside the executor when the request gave up on the job."""


# What crosses from the executor to the request thread: tagged tuples (cheap on the hot path, and
# narrowed by their tag for the type checker).
Event = (
    tuple[Literal["begin"], object]
    | tuple[Literal["chunk"], bytes]
    | tuple[Literal["all"], tuple[object, bytes]]
    | tuple[Literal["error"], BaseException]
    | tuple[Literal["end"], None]
)


class Channel(io.BufferedIOBase, BinaryIO):
    """Write-only binary stream for a serialiser; hands chunks of bytes to the request thread."""

    def __init__(self, chunk_size: int = CHUNK_SIZE, max_pending: int = MAX_PENDING_CHUNKS) -> None:
        self._events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._credits: queue.SimpleQueue[None] = queue.SimpleQueue()  # one per chunk the request took
        self._free_chunks = max_pending  # chunks the executor may still put without a credit
        self.cancelled = False  # set (under the commit lock) once the request has given up
        self._running = threading.Lock()  # held until the executor has left the job, however it ended
        self._running.acquire()
        self._buffer = bytearray()
        self._chunk_size = chunk_size
        self._representation: object = None
        self._announced = False
        self._commit_lock = threading.Lock()
        self.committed = False
        self.reported = False  # a runaway already handed to the exit action

    # -- executor side ---------------------------------------------------------------------
    def begin(self, representation: object) -> None:
        """Say what is about to be written; announced with the first full chunk, or with the
        whole body when it fits in one chunk (one hand-over between threads for small answers)."""
        self._representation = representation

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        if self.cancelled:
            raise Cancelled()
        buffer = self._buffer
        before = len(buffer)
        buffer += data
        size = len(buffer)
        if size >= self._chunk_size:
            self._announce()
            self._put_chunk(bytes(buffer))
            buffer.clear()
        return size - before

    def flush(self) -> None:
        """Serialisers flush at the end; chunking is decided by ``write`` and ``finish``."""

    def finish(self) -> None:
        if not self._announced:
            self._announced = True
            self._put(("all", (self._representation, bytes(self._buffer))))
            self._buffer.clear()
            return
        if self._buffer:
            self._put_chunk(bytes(self._buffer))
            self._buffer.clear()
        self._put(("end", None))

    def commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` (e.g. switching the store to an updated build) unless the request gave up.

        Atomic with :meth:`cancel`: a write is never made visible after its client was told
        it timed out, and a client is never told so after it was made visible.
        """
        with self._commit_lock:
            if self.cancelled:
                raise Cancelled()
            action()
            self.committed = True

    def _announce(self) -> None:
        if not self._announced:
            self._announced = True
            self._put(("begin", self._representation))

    def fail(self, error: BaseException) -> None:
        self._put(("error", error))

    def left(self) -> None:
        """The executor has left the job (finished, failed or cancelled): :meth:`wait_left` returns."""
        self._running.release()

    def _put(self, event: Event) -> None:
        if self.cancelled:
            raise Cancelled()
        self._events.put(event)

    def _put_chunk(self, chunk: bytes) -> None:
        """Put a chunk, first waiting for a credit once ``max_pending`` chunks wait unread."""
        if self._free_chunks > 0:
            self._free_chunks -= 1
        else:
            while True:
                if self.cancelled:
                    raise Cancelled()
                try:
                    self._credits.get(timeout=POLL_SECONDS)
                    break
                except queue.Empty:
                    continue
        self._put(("chunk", chunk))

    # -- request side ----------------------------------------------------------------------
    def receive(self, timeout: float | None = None) -> Event:
        """The executor's next event, waiting at most ``timeout`` seconds (``queue.Empty`` then)."""
        event = self._events.get(timeout=timeout)
        if event[0] == "chunk":
            self._credits.put(None)
        return event

    def cancel(self) -> bool:
        """Give up on the job; False if it had already committed its write (it then completes)."""
        with self._commit_lock:
            if self.committed:
                return False
            self.cancelled = True
            return True

    def wait_left(self, timeout: float) -> bool:
        """Whether the executor has left the job, waiting at most ``timeout`` seconds for it."""
        if not self._running.acquire(timeout=timeout):
            return False
        self._running.release()
        return True

    @property
    def running(self) -> bool:
        """The executor has not left the job yet."""
        return self._running.locked()


Job = Callable[[Channel], None]
