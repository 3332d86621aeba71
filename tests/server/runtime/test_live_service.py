"""A real ``metiers-kg serve`` under load: rebuilds drop no request, a runaway query does not block other clients."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from tests.server.conftest import EX, filler_quads, occupation_quads, write_build
from tests.serving import serving, wait_until

pytestmark = pytest.mark.slow

COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}value> ?o }}"
REBUILDS = (1500, 2000, 2500)  # filler sizes of the successive builds


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    store = tmp_path / "store"
    write_build(store, occupation_quads() + filler_quads(1000))
    with serving(store, tmp_path / "serve.log", "--workers", "2") as (base, _):
        yield base, store


def count(session: requests.Session, endpoint: str) -> tuple[int, int | None]:
    """(status, the filler count answered) — a distinct query text each time, so no cache answers it."""
    query = f"{COUNT} # {time.monotonic_ns()}"
    response = session.get(endpoint, params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    value = int(response.text.split()[1]) if response.status_code == 200 else None
    return response.status_code, value


def test_rebuilds_under_load_drop_no_request(server: tuple[str, Path]) -> None:
    base, store = server
    endpoint = f"{base}/sparql"
    statuses: Counter[int] = Counter()
    seen: list[int | None] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer(keep_alive: bool) -> None:
        session = requests.Session() if keep_alive else requests
        try:
            while not stop.is_set():
                status, value = count(session, endpoint)  # type: ignore[arg-type]
                statuses[status] += 1
                seen.append(value)
        except BaseException as error:  # noqa: BLE001 - a reset connection is a dropped request
            errors.append(error)

    def answers_beyond(total: int) -> Callable[[], bool]:
        return lambda: len(seen) >= total or bool(errors)

    def served(size: int) -> Callable[[], bool]:
        return lambda: size in seen or bool(errors)

    clients = [threading.Thread(target=hammer, args=(keep_alive,)) for keep_alive in (True, False)]
    for client in clients:
        client.start()
    try:
        for size in REBUILDS:
            wait_until(answers_beyond(len(seen) + 10), "the clients are not being answered")
            write_build(store, occupation_quads() + filler_quads(size))
            wait_until(served(size), f"the build of {size} is not served")
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)

    assert not errors, errors
    assert set(statuses) == {200}, statuses
    assert statuses[200] >= 20  # the load was real
    answered = [value for value in seen if value is not None]
    assert answered[0] == 1000 and set(answered) <= {1000, *REBUILDS}
    # once the last build is in, every worker serves it (new connections reach both workers)
    assert {count(requests, endpoint)[1] for _ in range(8)} == {REBUILDS[-1]}  # type: ignore[arg-type]


RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}value> ?x . ?b <{EX}value> ?y . ?c <{EX}value> ?z }}"


@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"], ids=["compressed", "plain"])
def test_other_clients_are_served_while_a_runaway_query_runs(tmp_path: Path, encoding: str) -> None:
    """Compressed or not (server.http.cors_compression wraps the answer): a 503 at the limit, the
    worker retired to stop the query, the other clients answered meanwhile."""
    store = tmp_path / "store"
    write_build(store, occupation_quads() + filler_quads(1000))  # the runaway: 10⁹ rows to count
    log = tmp_path / "serve.log"
    with serving(store, log, "--workers", "2", "--query-timeout", "4") as (base, _):
        endpoint = f"{base}/sparql"
        outcome: dict[str, object] = {}

        host, port = base.removeprefix("http://").rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        started = time.monotonic()
        connection.request(  # returns once the whole request is sent: the server has the runaway
            "POST",
            "/sparql",
            body=urlencode({"query": RUNAWAY}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Encoding": encoding},
        )

        def runaway() -> None:
            response = connection.getresponse()
            text = response.read().decode()  # a 503 is never compressed
            outcome.update(status=response.status, text=text, seconds=time.monotonic() - started)

        thread = threading.Thread(target=runaway)
        thread.start()
        answered = []
        for _ in range(10):  # fresh connections, so both workers are asked
            started = time.monotonic()
            status, value = count(requests, endpoint)  # type: ignore[arg-type]
            answered.append((status, value, time.monotonic() - started < 2))
        assert thread.is_alive(), "the runaway query ended before the other clients were served"
        thread.join(timeout=30)
        deadline = time.monotonic() + 10  # the worker retires once the 503 is sent
        while "exits to stop a query that outran its time limit" not in log.read_text():
            assert time.monotonic() < deadline, "the worker running the runaway query did not retire"
            time.sleep(0.1)

    assert answered == [(200, 1000, True)] * 10
    assert outcome["status"] == 503 and "4 s" in str(outcome["text"])
    assert 3.5 < float(outcome["seconds"]) < 10  # type: ignore[arg-type]
