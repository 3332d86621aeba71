"""The lean path (server.sparql.fast_path) answers plain queries without Flask, and exactly as Flask would.

Two apps on the same store: one as served (the lean path in front of Flask), one reached only
through its Flask WSGI app. Every answer of the first must equal the second's — status,
headers, body — whether the lean path answered alone (no Flask request started) or handed its
evaluated query to the view (errors, streamed results), which must then not evaluate again.
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
ALONE = {  # answered by the lean path alone
    "select-json": {"query_string": {"query": OCCUPATIONS_QUERY}},
    "select-xml-by-format": {"query_string": {"query": LABELS, "format": "xml"}},
    "select-csv-by-accept": {"query_string": {"query": LABELS}, "headers": {"Accept": "text/csv"}},
    "select-tsv-q-values": {
        "query_string": {"query": LABELS},
        "headers": {"Accept": "text/tab-separated-values;q=1, application/json;q=0.5"},
    },
    "ask": {"query_string": {"query": "ASK { ?s ?p ?o }"}},
    "construct-turtle": {"query_string": {"query": CONSTRUCT}},
    "construct-n-triples": {"query_string": {"query": CONSTRUCT}, "headers": {"Accept": "application/n-triples"}},
    "dataset-by-protocol": {"query_string": {"query": IN_GRAPHS, "named-graph-uri": G_TWO}},
    "default-graph-by-protocol": {"query_string": {"query": LABELS, "default-graph-uri": G_ONE}},
    "from-in-query": {"query_string": {"query": f"SELECT ?s FROM <{G_TWO}> WHERE {{ ?s ?p ?o }} ORDER BY ?s"}},
    "post-form": {"method": "POST", "data": {"query": LABELS}},
    "post-query": {"method": "POST", "data": LABELS.encode(), "content_type": SPARQL_QUERY},
    "volatile": {"query_string": {"query": "SELECT ?n WHERE { BIND(1 AS ?n) FILTER(NOW() != 0) }"}},
}
HANDED_OVER = {  # evaluated by the lean path, answered by the view
    "syntax-error": {"query_string": {"query": "SELECT ?s WHERE { ?s ?p"}},
    "not-acceptable": {"query_string": {"query": LABELS}, "headers": {"Accept": "image/png"}},
    "service-refused": {
        "query_string": {"query": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"}
    },
    "bad-dataset-iri": {"query_string": {"query": LABELS, "default-graph-uri": "not an iri"}},
}
# the first plain query for an Accept-Encoding shows the lean path what the app does to such answers;
# this one's answer (one row, over 500 bytes even under a row cap) shows whether they are compressed
TAUGHT = {"query_string": {"query": 'SELECT ?text WHERE { VALUES ?text { "%s" } }' % ("métier " * 100)}}
ENCODINGS = {
    "no-accept-encoding": None,
    "identity": "identity",
    "gzip-deflate": "gzip, deflate",
    "gzip-deflate-br-zstd": "gzip, deflate, br, zstd",
    "deflate-preferred": "deflate;q=1, gzip;q=0.5",
    "any": "*",
    "br-only": "br",
}


@pytest.fixture()
def pair(make_app: Callable[..., Flask]) -> Iterator[Callable[..., tuple[Client, Client, list[Flask]]]]:
    """(served client, Flask-only client, [apps whose Flask handled a request]) on one store."""
    receivers: list[Callable[..., None]] = []

    def build(store: Path, encoding: str | None = None, **settings: object) -> tuple[Client, Client, list[Flask]]:
        served, reference = make_app(store, **settings), make_app(store, **settings)
        started: list[Flask] = []
        receivers.append(lambda sender, **_: started.append(sender))
        request_started.connect(receivers[-1], served)
        lean = Client(served)
        lean.open("/sparql", **TAUGHT, headers=_encoding(encoding))
        started.clear()
        return lean, Client(reference.wsgi_app.app), started  # the app behind its fast path: Flask alone

    yield build
    for receiver in receivers:
        request_started.disconnect(receiver)


def _encoding(value: str | None) -> dict[str, str]:
    return {} if value is None else {"Accept-Encoding": value}


def _same(lean: TestResponse, flask: TestResponse) -> None:
    """Same status, headers and body; a compressed body compared once decoded (gzip has a timestamp)."""
    assert lean.status == flask.status
    encoded = "Content-Encoding" in flask.headers
    shown = [(name, value) for name, value in flask.headers.items() if not (encoded and name == "Content-Length")]
    assert sorted(item for item in lean.headers.items() if not (encoded and item[0] == "Content-Length")) == sorted(
        shown
    )
    assert _decoded(lean) == _decoded(flask)


def _decoded(response: TestResponse) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    return gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body) if encoding == "deflate" else body


@pytest.mark.parametrize("options", ALONE.values(), ids=ALONE.keys())
def test_the_lean_path_answers_as_flask_does(pair: Callable, store_dir: Path, options: dict) -> None:
    lean, flask, started = pair(store_dir)
    answer = lean.open("/sparql", **options)
    assert answer.status_code == 200 and started == []  # Flask never saw it
    _same(answer, flask.open("/sparql", **options))
    again = lean.open("/sparql", **options)  # now replayed, or evaluated again (volatile)
    _same(again, answer)


@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_answers_are_compressed_as_the_app_compresses_them(
    pair: Callable, store_dir: Path, encoding: str | None
) -> None:
    lean, flask, started = pair(store_dir, encoding)
    for query in (OCCUPATIONS_QUERY, "ASK { ?s ?p ?o }"):  # over and under the size worth compressing
        options = {"query_string": {"query": query}, "headers": _encoding(encoding)}
        answer = lean.open("/sparql", **options)
        assert answer.status_code == 200 and started == []
        _same(answer, flask.open("/sparql", **options))
        _same(lean.open("/sparql", **options), answer)  # replayed


@pytest.mark.parametrize("options", HANDED_OVER.values(), ids=HANDED_OVER.keys())
def test_a_failed_evaluation_is_answered_by_the_view(pair: Callable, store_dir: Path, options: dict) -> None:
    lean, flask, started = pair(store_dir)
    answer = lean.open("/sparql", **options)
    assert answer.status_code in (400, 403, 406) and len(started) == 1
    _same(answer, flask.open("/sparql", **options))


@pytest.mark.parametrize(
    "origins", [("https://a.example",), ("https://a.example", "https://b.example")], ids=["one-origin", "two-origins"]
)
def test_what_the_app_adds_follows_its_cors_settings(pair: Callable, store_dir: Path, origins: tuple) -> None:
    lean, flask, started = pair(store_dir, cors_origins=origins)
    answer = lean.open("/sparql", query_string={"query": LABELS})
    assert started == []
    _same(answer, flask.open("/sparql", query_string={"query": LABELS}))


def test_a_truncated_answer_says_so_on_both_paths(pair: Callable, store_dir: Path) -> None:
    lean, flask, started = pair(store_dir, max_rows=1)
    answer = lean.open("/sparql", query_string={"query": LABELS})
    assert answer.headers["Results-Truncated"] == "max-rows=1" and started == []
    _same(answer, flask.open("/sparql", query_string={"query": LABELS}))


def test_a_streamed_answer_is_handed_to_the_view(pair: Callable, runaway_store_dir: Path) -> None:
    lean, flask, started = pair(runaway_store_dir)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"  # 7,000 rows: more than one chunk
    answer = lean.open("/sparql", query_string={"query": query})
    assert answer.status_code == 200 and "Content-Length" not in answer.headers and len(started) == 1
    assert len(json.loads(answer.get_data())["results"]["bindings"]) == 7000
    _same(answer, flask.open("/sparql", query_string={"query": query}))


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
    client.open("/sparql", **TAUGHT)
    answer = client.get("/sparql", query_string={"query": BOUNDED_RUNAWAY_QUERY})
    assert answer.status_code == 503 and "1 s" in answer.get_data(as_text=True)
    answer.close()  # the server closes the body: the request's line is logged then
    assert app.extensions[EXTENSION].runner.timeouts == 1  # evaluated once, by the lean path
    line = request_lines()[-1]
    assert (line["status"], line["timeout"], line["cache"]) == (503, True, "miss") and line["ms"] >= 1000
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "metiers_kg_query_timeouts_total 1.0" in metrics


def test_lean_answers_are_logged_and_counted(
    make_app: Callable[..., Flask], store_dir: Path, request_lines: Callable[[], list[dict]]
) -> None:
    client = Client(make_app(store_dir))
    client.open("/sparql", **TAUGHT)
    answers = [client.get("/sparql", query_string={"query": f"ASK {{ ?s ?p {n} }}"}) for n in range(3)]
    assert [(line["status"], line["cache"], line["bytes"]) for line in request_lines()[-3:]] == [
        (200, "miss", len(answer.get_data())) for answer in answers
    ]
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="200"} 4.0' in metrics
