"""The ``/sparql`` endpoint (server.sparql.endpoint) answers every protocol request in front of Flask.

What a client gets is held to the recorded answers by ``test_protocol_answers.py``; here: that no
``/sparql`` request goes through Flask (only a browser's editor page does), that a replayed
answer is the evaluated one, that a query runs once, and that every answer is counted and logged.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask, request_started
from werkzeug.test import Client, TestResponse

from server.runtime.services import EXTENSION
from tests.server.conftest import BOUNDED_RUNAWAY_QUERY, G_ONE, G_TWO, OCCUPATIONS_QUERY, PREFIXES

SPARQL_QUERY = "application/sparql-query"
LABELS = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s"
IN_GRAPHS = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?type } } ORDER BY ?g"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }"
REQUESTS = {
    "select-json": {"query_string": {"query": OCCUPATIONS_QUERY}},
    "select-xml-by-format": {"query_string": {"query": LABELS, "format": "xml"}},
    "select-csv-by-accept": {"query_string": {"query": LABELS}, "headers": {"Accept": "text/csv"}},
    "ask": {"query_string": {"query": "ASK { ?s ?p ?o }"}},
    "construct-turtle": {"query_string": {"query": CONSTRUCT}},
    "dataset-by-protocol": {"query_string": {"query": IN_GRAPHS, "named-graph-uri": G_TWO}},
    "default-graph-by-protocol": {"query_string": {"query": LABELS, "default-graph-uri": G_ONE}},
    "post-form": {"method": "POST", "data": {"query": LABELS}},
    "post-query": {"method": "POST", "data": LABELS.encode(), "content_type": SPARQL_QUERY},
    "volatile": {"query_string": {"query": "SELECT ?n WHERE { BIND(1 AS ?n) FILTER(NOW() != 0) }"}},
    "gzip": {"query_string": {"query": OCCUPATIONS_QUERY}, "headers": {"Accept-Encoding": "gzip"}},
    "origin": {"query_string": {"query": LABELS}, "headers": {"Origin": "https://app.example"}},
    "syntax-error": {"query_string": {"query": "SELECT ?s WHERE { ?s ?p"}},
    "not-acceptable": {"query_string": {"query": LABELS}, "headers": {"Accept": "image/png"}},
    "service-refused": {
        "query_string": {"query": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"}
    },
    "description": {"headers": {"Accept": "text/turtle"}},
    "update-refused": {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
}


@pytest.fixture()
def flask_requests(make_app: Callable[..., Flask]) -> Iterator[Callable[..., tuple[Client, list[Flask]]]]:
    """(client, [apps whose Flask began a request]) on a store."""
    receivers: list[Callable[..., None]] = []

    def build(store: Path, **settings: object) -> tuple[Client, list[Flask]]:
        app = make_app(store, **settings)
        started: list[Flask] = []
        receivers.append(lambda sender, **_: started.append(sender))
        request_started.connect(receivers[-1], app)
        return Client(app), started

    yield build
    for receiver in receivers:
        request_started.disconnect(receiver)


def _decoded(response: TestResponse) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    return gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body) if encoding == "deflate" else body


@pytest.mark.parametrize("options", REQUESTS.values(), ids=REQUESTS.keys())
def test_sparql_is_answered_without_flask(flask_requests: Callable, store_dir: Path, options: dict) -> None:
    client, started = flask_requests(store_dir)
    first = client.open("/sparql", **options)
    again = client.open("/sparql", **options)  # replayed, or evaluated again (volatile, errors)
    assert started == []
    assert (again.status, _decoded(again)) == (first.status, _decoded(first))
    assert _headers(again) == _headers(first)


def _headers(response: TestResponse) -> list[tuple[str, str]]:
    """The headers, but the length of a compressed body (gzip writes a timestamp)."""
    encoded = "Content-Encoding" in response.headers
    return sorted(item for item in response.headers.items() if not (encoded and item[0] == "Content-Length"))


def test_a_browser_opening_sparql_gets_the_editor_from_flask(flask_requests: Callable, store_dir: Path) -> None:
    client, started = flask_requests(store_dir)
    page = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and "yasgui" in page.get_data(as_text=True).lower() and len(started) == 1


def test_a_replay_is_the_evaluated_answer_and_the_query_runs_once(
    make_app: Callable[..., Flask], store_dir: Path, request_lines: Callable[[], list[dict]]
) -> None:
    client = Client(make_app(store_dir))
    first = client.get("/sparql", query_string={"query": LABELS})
    first.get_data()
    first.close()  # the server closes the body once sent: the request's line is logged then
    replayed = [client.get("/sparql", query_string={"query": LABELS}) for _ in range(3)]
    assert all((r.status, r.get_data(), r.headers) == (first.status, first.get_data(), first.headers) for r in replayed)
    assert [line["cache"] for line in request_lines()[-4:]] == ["miss", "hit", "hit", "hit"]


def test_a_streamed_answer_is_never_replayed(make_app: Callable[..., Flask], runaway_store_dir: Path) -> None:
    client = Client(make_app(runaway_store_dir))
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"  # 7,000 rows: more than one chunk
    for _ in range(2):
        answer = client.get("/sparql", query_string={"query": query})
        assert answer.status_code == 200 and "Content-Length" not in answer.headers
        assert len(json.loads(answer.get_data())["results"]["bindings"]) == 7000


@pytest.fixture()
def request_lines(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[dict]]]:
    logger = logging.getLogger("metiers_kg.requests")
    logger.addHandler(caplog.handler)
    yield lambda: [json.loads(record.getMessage()) for record in caplog.records if record.name == logger.name]
    logger.removeHandler(caplog.handler)


def test_a_timeout_is_counted_once_and_logged_with_its_whole_time(
    make_app: Callable[..., Flask], runaway_store_dir: Path, request_lines: Callable[[], list[dict]]
) -> None:
    app = make_app(runaway_store_dir, query_timeout=1)
    client = Client(app)
    answer = client.get("/sparql", query_string={"query": BOUNDED_RUNAWAY_QUERY})
    assert answer.status_code == 503 and "1 s" in answer.get_data(as_text=True)
    answer.close()  # the server closes the body: the request's line is logged then
    assert app.extensions[EXTENSION].runner.timeouts == 1  # evaluated once
    line = request_lines()[-1]
    assert (line["status"], line["timeout"], line["cache"]) == (503, True, "miss") and line["ms"] >= 1000
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "metiers_kg_query_timeouts_total 1.0" in metrics


def test_lean_answers_are_logged_and_counted(
    make_app: Callable[..., Flask], store_dir: Path, request_lines: Callable[[], list[dict]]
) -> None:
    client = Client(make_app(store_dir))
    answers = [client.get("/sparql", query_string={"query": f"ASK {{ ?s ?p {n} }}"}) for n in range(3)]
    for answer in answers:
        answer.get_data()
        answer.close()
    answers.append(client.get("/sparql", query_string={"query": "ASK { ?s ?p 0 }"}))  # replayed
    assert [(line["status"], line["cache"], line["bytes"]) for line in request_lines()[-4:]] == [
        (200, cache, len(answer.get_data())) for answer, cache in zip(answers, ["miss"] * 3 + ["hit"], strict=True)
    ]
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="200"} 4.0' in metrics
