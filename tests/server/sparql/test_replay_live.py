"""Replayed /sparql answers (server.sparql.endpoint), and worker replacement, on a real server.

A replayed answer must be the answer first given, byte for byte and header for header, for
every variant a client can send (GET, HEAD, POST form, POST query, Accept, Accept-Encoding,
Origin, revalidation); nothing else may ever be replayed (updates, volatile queries, an old
build's answers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from server.http.caching import fixed_by_build
from tests.server.conftest import EX, NURSE_LABEL, OCCUPATIONS_QUERY, filler_quads, occupation_quads, write_build
from tests.serving import serving

pytestmark = pytest.mark.slow

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
VARIANTS = [
    ("GET", {"params": {"query": OCCUPATIONS_QUERY}}),
    ("GET", {"params": {"query": OCCUPATIONS_QUERY}, "headers": {"Accept": "text/csv"}}),
    ("GET", {"params": {"query": OCCUPATIONS_QUERY}, "headers": {"Accept-Encoding": "gzip"}}),
    ("GET", {"params": {"query": OCCUPATIONS_QUERY}, "headers": {"Origin": "https://app.example"}}),
    ("HEAD", {"params": {"query": OCCUPATIONS_QUERY}}),
    ("POST", {"data": {"query": OCCUPATIONS_QUERY}}),
    ("POST", {"data": OCCUPATIONS_QUERY.encode(), "headers": {"Content-Type": "application/sparql-query"}}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("fast-path") / "store"
    write_build(store, occupation_quads() + filler_quads(100))
    log = store.parent / "serve.log"
    with serving(store, log, "--workers", "2", "--open-update") as (base, _):
        yield base, log


def _answer(response: requests.Response) -> tuple[int, dict[str, str], bytes]:
    headers = {name.lower(): value for name, value in response.headers.items() if name.lower() != "date"}
    return response.status_code, headers, response.raw.read()


def _request(base: str, method: str, options: dict) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept-Encoding": "identity", **options.get("headers", {})}
    with requests.request(
        method, f"{base}/sparql", **{**options, "headers": headers}, stream=True, timeout=10
    ) as response:
        return _answer(response)


def _log_lines(log: Path, quiet: float = 0.5, within: float = 10) -> list[dict]:
    """The JSON request lines once the log has stopped growing for ``quiet`` seconds (they are
    written in batches: server.ops.batched_log)."""
    deadline = time.monotonic() + within
    size = -1
    while log.stat().st_size != size and time.monotonic() < deadline:
        size = log.stat().st_size
        time.sleep(quiet)
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


@pytest.mark.parametrize("method,options", VARIANTS)
def test_a_replayed_answer_is_the_answer_flask_gave(server: tuple[str, Path], method: str, options: dict) -> None:
    base, log = server
    answers = [_request(base, method, options) for _ in range(6)]  # both workers answer, then replay
    assert answers[0][0] == 200 and all(answer == answers[0] for answer in answers), answers
    assert "hit" in [line["cache"] for line in _log_lines(log)[-6:]]  # 6 requests, 2 workers: some replayed


def test_a_revalidation_is_replayed_as_flask_answered_it(server: tuple[str, Path]) -> None:
    base, log = server
    first = requests.get(f"{base}/sparql", params={"query": OCCUPATIONS_QUERY}, timeout=10)
    conditional = {"If-None-Match": first.headers["ETag"], "Origin": "https://app.example"}
    answers = [
        _request(base, "GET", {"params": {"query": OCCUPATIONS_QUERY}, "headers": conditional}) for _ in range(6)
    ]
    assert answers[0][0] == 304 and answers[0][2] == b"" and all(answer == answers[0] for answer in answers)
    assert answers[0][1]["etag"] == first.headers["ETag"] and answers[0][1]["access-control-allow-origin"]
    assert [line["cache"] for line in _log_lines(log)[-2:]] == ["304", "304"]
    stale = _request(base, "GET", {"params": {"query": OCCUPATIONS_QUERY}, "headers": {"If-None-Match": 'W/"x"'}})
    assert stale[0] == 200 and NURSE_LABEL.encode() in stale[2]


def test_replays_are_counted_in_metrics(server: tuple[str, Path]) -> None:
    base, _ = server
    query = "ASK { ?s ?p 42 }"

    def total() -> float:
        text = requests.get(f"{base}/metrics", timeout=10).text
        prefix = 'metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="200"}'
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix))

    before = total()
    for _ in range(10):
        requests.get(f"{base}/sparql", params={"query": query}, timeout=10).raise_for_status()
    assert total() - before == 10


def test_updates_volatile_queries_and_old_builds_are_never_replayed(server: tuple[str, Path]) -> None:
    base, log = server
    value = f"SELECT ?n WHERE {{ <{EX}counter> <{EX}n> ?n }}"
    bump = (
        f"DELETE {{ <{EX}counter> <{EX}n> ?old }} INSERT {{ <{EX}counter> <{EX}n> ?new }} "
        f"WHERE {{ OPTIONAL {{ <{EX}counter> <{EX}n> ?old }} BIND(COALESCE(?old + 1, 1) AS ?new) }}"
    )

    def current() -> list[str]:
        answer = requests.get(f"{base}/sparql", params={"query": value}, timeout=10).json()
        return [row["n"]["value"] for row in answer["results"]["bindings"]]

    assert [current() for _ in range(4)] == [[]] * 4  # replayed after the first answers
    for _ in range(3):  # the same update request three times: applied three times
        assert requests.post(f"{base}/sparql", data={"update": bump}, timeout=30).status_code == 204
    assert [current() for _ in range(4)] == [["3"]] * 4  # the new build's answer, whichever worker

    rand = "SELECT (RAND() AS ?r) WHERE {}"
    for _ in range(4):
        requests.get(f"{base}/sparql", params={"query": rand}, timeout=10).raise_for_status()
    assert {line["cache"] for line in _log_lines(log) if line.get("query") == rand} == {"miss"}


def test_fixed_by_build() -> None:
    assert fixed_by_build(OCCUPATIONS_QUERY) and fixed_by_build("SELECT ?now ?random WHERE { ?now ?p ?random }")
    for volatile in (
        "SELECT (NOW() AS ?t) {}",
        "SELECT (rand () AS ?r) {}",
        "SELECT (STRUUID() AS ?u) {}",
        "SELECT * { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
    ):
        assert not fixed_by_build(volatile)


def test_a_worker_replaced_again_and_again_keeps_the_server_up(tmp_path: Path) -> None:
    """Runaway after runaway on one worker: each retirement is replaced (no crash-loop stop), no request refused."""
    store = tmp_path / "store"
    write_build(store, occupation_quads() + filler_quads(2000))
    log = tmp_path / "serve.log"
    with serving(store, log, "--workers", "1", "--query-timeout", "1") as (base, process):
        for replaced in range(1, 4):
            response = requests.post(f"{base}/sparql", data={"query": RUNAWAY_QUERY}, timeout=(5, 20))
            assert response.status_code == 503
            answer = requests.get(f"{base}/sparql", params={"query": COUNT}, timeout=30)  # queued, never refused
            assert answer.status_code == 200
            deadline = time.monotonic() + 15
            while log.read_text().count("Spawning worker") < 1 + replaced and time.monotonic() < deadline:
                time.sleep(0.05)
        assert process.poll() is None
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        text = log.read_text()
        assert text.count("exits to stop a query") == 3 and text.count("Spawning worker") == 4, text
        assert "crash loop" not in text


def test_granian_is_what_serves(server: tuple[str, Path]) -> None:
    response = requests.get(f"{server[0]}/healthz", timeout=10)
    assert response.headers.get("Server") == "granian"


def test_the_last_request_lines_are_written_when_the_server_stops(tmp_path: Path) -> None:
    """Request lines are written in batches (server.ops.batched_log); a graceful stop loses none,
    although server workers end without running atexit handlers."""
    store = tmp_path / "store"
    write_build(store, occupation_quads())
    log = tmp_path / "serve.log"
    queries = [f"ASK {{ ?s ?p {n} }}" for n in range(5)]
    with serving(store, log, "--workers", "1") as (base, _):
        for query in queries:
            requests.get(f"{base}/sparql", params={"query": query}, timeout=10).raise_for_status()
    # stopped at once after the last answer, well within a batch's 50 ms
    logged = [line["query"] for line in _log_lines(log)]  # the server is gone: nothing more can come
    assert logged == queries
