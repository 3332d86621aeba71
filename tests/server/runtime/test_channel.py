"""The executor-to-request channel: chunks in order, bounded memory, cancellation, the executor's leaving."""

from __future__ import annotations

import queue
import threading

import pytest

from server.runtime.channel import Cancelled, Channel
from tests.serving import wait_until

DEADLINE_SECONDS = 5.0


class _EndlessWriter:
    """An executor writing one-byte chunks until its channel is cancelled."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.written = 0
        self.stopped_by: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.channel.begin("text/plain")
        try:
            while True:
                self.channel.write(b"x")
                self.written += 1
        except Cancelled as stop:
            self.stopped_by = stop
        finally:
            self.channel.left()


def test_a_small_answer_crosses_once_whole() -> None:
    channel = Channel(chunk_size=8)
    channel.begin("text/plain")
    channel.write(b"abc")
    channel.write(b"def")
    channel.finish()
    assert channel.receive(timeout=1) == ("all", ("text/plain", b"abcdef"))
    with pytest.raises(queue.Empty):
        channel.receive(timeout=0)


def test_a_large_answer_streams_its_chunks_in_order_then_ends() -> None:
    channel = Channel(chunk_size=4)
    channel.begin("text/plain")
    for word in (b"abc", b"def", b"gh"):
        channel.write(word)
    channel.finish()
    events = [channel.receive(timeout=1) for _ in range(4)]
    assert events == [("begin", "text/plain"), ("chunk", b"abcdef"), ("chunk", b"gh"), ("end", None)]


def test_the_executor_blocks_once_max_pending_chunks_wait_unread() -> None:
    """Memory stays bounded: with 3 chunks unread the writer waits, and each chunk read lets one more through."""
    channel = Channel(chunk_size=1, max_pending=3)
    writer = _EndlessWriter(channel)
    wait_until(lambda: writer.written == 3, "three chunks were not written", DEADLINE_SECONDS)
    assert channel.receive(timeout=1) == ("begin", "text/plain")
    assert channel.receive(timeout=1) == ("chunk", b"x")  # one chunk read: one credit back
    wait_until(lambda: writer.written == 4, "no fourth chunk was written", DEADLINE_SECONDS)
    assert channel.cancel()
    writer.thread.join(DEADLINE_SECONDS)
    # an unbounded channel would have let the endless writer run far past 4 before it was cancelled
    assert writer.written == 4 and isinstance(writer.stopped_by, Cancelled)
    assert [channel.receive(timeout=1) for _ in range(3)] == [("chunk", b"x")] * 3
    with pytest.raises(queue.Empty):
        channel.receive(timeout=0)


def test_waiting_for_the_executor_to_leave() -> None:
    channel = Channel()
    assert channel.running and not channel.wait_left(0.01)
    threading.Timer(0.05, channel.left).start()
    assert channel.wait_left(DEADLINE_SECONDS)
    assert not channel.running and channel.wait_left(0)


def test_a_committed_write_cannot_be_cancelled_and_a_cancelled_one_is_never_committed() -> None:
    committed = Channel()
    committed.commit(lambda: None)
    assert not committed.cancel() and not committed.cancelled

    cancelled = Channel()
    assert cancelled.cancel()
    actions: list[str] = []
    with pytest.raises(Cancelled):
        cancelled.commit(lambda: actions.append("switched"))
    with pytest.raises(Cancelled):
        cancelled.write(b"late")
    assert actions == []
