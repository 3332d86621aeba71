"""The time limit: the executor thread, streaming, cancellation and the runaway exit action."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.http.errors import QuerySyntaxError, QueryTimeoutError
from server.runtime.channel import Channel
from server.runtime.query_runner import QueryRunner
from tests.server.conftest import BOUNDED_RUNAWAY_QUERY, ExitRecorder

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture()
def runner(exit_recorder: ExitRecorder) -> Iterator[QueryRunner]:
    runner = QueryRunner(timeout=0.3, exit_action=exit_recorder, chunk_size=4)
    yield runner
    assert runner.shutdown(timeout=10)


def test_output_streams_in_chunks_on_one_long_lived_thread(runner: QueryRunner) -> None:
    threads = []

    def job(channel: Channel) -> None:
        threads.append(threading.current_thread())
        channel.begin("text/plain")
        for word in (b"abc", b"def", b"gh"):
            channel.write(word)

    for _ in range(2):
        stream = runner.run(job)
        assert stream.representation == "text/plain"
        chunks = list(stream)
        assert b"".join(chunks) == b"abcdefgh" and len(chunks) == 2  # chunk_size 4: b"abcdef", b"gh"
    assert threads[0] is threads[1] and threads[0] is not threading.current_thread()


def test_errors_come_back_to_the_request(runner: QueryRunner) -> None:
    def job(channel: Channel) -> None:
        raise QuerySyntaxError("error at 1:3")

    with pytest.raises(QuerySyntaxError, match="1:3"):
        runner.run(job)
    assert not runner.runaway


def test_timeout_before_the_first_chunk_then_exit_while_it_still_runs(
    runner: QueryRunner, exit_recorder: ExitRecorder
) -> None:
    release = threading.Event()

    def stuck(channel: Channel) -> None:
        release.wait(10)  # stands for native evaluation, which nothing can interrupt

    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as caught:
        runner.run(stuck)
    assert 0.25 < time.monotonic() - started < 2
    assert caught.value.limit_seconds == 0.3
    assert runner.runaway
    runner.stop_if_runaway()
    assert exit_recorder.calls == 1

    release.set()
    assert runner.shutdown(timeout=5)
    assert not runner.runaway


def test_a_cancelled_query_that_still_writes_stops_by_itself(runner: QueryRunner, exit_recorder: ExitRecorder) -> None:
    def slow_writer(channel: Channel) -> None:
        channel.begin("text/plain")
        while True:  # never finishes, but writes: cancellation reaches it at the next write
            time.sleep(0.01)
            channel.write(b"")

    with pytest.raises(QueryTimeoutError):
        runner.run(slow_writer)
    runner.stop_if_runaway()
    assert exit_recorder.calls == 0 and not runner.runaway


def test_timeout_mid_stream_aborts_the_body(runner: QueryRunner, exit_recorder: ExitRecorder) -> None:
    release = threading.Event()

    def stalls_after_first_chunk(channel: Channel) -> None:
        channel.begin("text/plain")
        channel.write(b"first")
        release.wait(10)
        channel.write(b"second")

    stream = runner.run(stalls_after_first_chunk)
    body = iter(stream)
    assert next(body) == b"first"
    with pytest.raises(QueryTimeoutError):
        next(body)
    runner.stop_if_runaway()
    assert exit_recorder.calls == 1
    release.set()


def test_a_client_that_leaves_cancels_the_query(runner: QueryRunner) -> None:
    done = threading.Event()

    def endless(channel: Channel) -> None:
        channel.begin("text/plain")
        try:
            while True:
                channel.write(b"more data")
        finally:
            done.set()

    body = iter(runner.run(endless))
    next(body)
    body.close()  # what the WSGI server does when the connection drops
    assert done.wait(5)
    assert not runner.runaway


def test_the_waiting_client_does_not_use_up_the_budget(runner: QueryRunner) -> None:
    """Only the request thread's waits for the query count: a query that works longer than the
    0.3 s budget in wall time, only while its client is slow to read, is not stopped."""

    def steady_chunks(channel: Channel) -> None:
        channel.begin("text/plain")
        for _ in range(4):  # 0.4 s of work in all, each 0.1 s done while the client reads the last chunk
            time.sleep(0.1)
            channel.write(b"1234")

    started = time.monotonic()
    body = iter(runner.run(steady_chunks))
    received = [next(body)]
    while True:
        time.sleep(0.3)  # the client's pace: the next chunk is ready when it asks
        chunk = next(body, None)
        if chunk is None:
            break
        received.append(chunk)
    assert b"".join(received) == b"1234" * 4
    assert time.monotonic() - started > 0.6  # the query did outlive its budget, in wall time


def test_runaway_query_is_503_and_the_worker_is_told_to_exit(
    make_app, runaway_store_dir: Path, exit_recorder: ExitRecorder
) -> None:
    client = make_app(runaway_store_dir, query_timeout=0.5).test_client()
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": BOUNDED_RUNAWAY_QUERY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "0.5" in response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert elapsed < 3
    assert exit_recorder.calls == 0  # not before the response is sent…
    response.close()
    assert exit_recorder.calls == 1  # …but right after (the query is still running)


def test_queries_within_the_limit_do_not_exit(make_app, runaway_store_dir: Path, exit_recorder: ExitRecorder) -> None:
    client = make_app(runaway_store_dir, query_timeout=5).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    response.close()
    assert exit_recorder.calls == 0
