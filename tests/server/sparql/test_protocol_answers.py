"""Every way a client can ask ``/sparql`` something, answered exactly as recorded.

``golden/protocol_answers.json`` holds the status, headers and body of each request below as
the server answered it when ``/sparql`` still had two implementations (a Flask view and a
lean path in front of it that differential tests held to the view's answers; recorded at commit
61988e9). The one implementation that replaced both gives the same answers, first time and
replayed, but for three changes made on purpose when it landed: a preflight's empty answer is
``text/plain`` (it was ``text/html``, with a page's Content-Security-Policy), a 304 carries no
Content-Security-Policy (it has no body), and a 405 varies with ``Accept`` like every other
``/sparql`` answer. Build-specific values (the ETag's build id, Last-Modified) are checked for
their form, not compared.

``UPDATE_GOLDEN=1 pytest tests/server/sparql/test_protocol_answers.py`` rewrites the file: do it
only for a change of behaviour that is meant, and say so in the commit.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from werkzeug.test import Client, TestResponse

from tests.server.conftest import BOUNDED_RUNAWAY_QUERY, G_ONE, G_TWO, OCCUPATIONS_QUERY, PREFIXES

GOLDEN = Path(__file__).parent / "golden" / "protocol_answers.json"
SPARQL_QUERY = "application/sparql-query"
LABELS = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s"
IN_GRAPHS = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?type } } ORDER BY ?g"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }"
LONG = 'SELECT ?text WHERE { VALUES ?text { "%s" } }' % ("métier " * 100)  # one row, over 500 bytes
ORIGIN = {"Origin": "https://app.example"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

CASES: dict[str, dict] = {
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
    "post-form-dataset-in-url": {
        "method": "POST",
        "data": {"query": IN_GRAPHS},
        "query_string": {"named-graph-uri": G_ONE},
    },
    "post-query": {"method": "POST", "data": LABELS.encode(), "content_type": SPARQL_QUERY},
    "post-query-charset": {"method": "POST", "data": LABELS.encode(), "content_type": SPARQL_QUERY + "; charset=UTF-8"},
    "head": {"method": "HEAD", "query_string": {"query": LABELS}},
    "volatile": {"query_string": {"query": "SELECT ?n WHERE { BIND(1 AS ?n) FILTER(NOW() != 0) }"}},
    "origin": {"query_string": {"query": LABELS}, "headers": ORIGIN},
    "origin-gzip": {"query_string": {"query": LONG}, "headers": {**ORIGIN, "Accept-Encoding": "gzip"}},
    "preflight": {"method": "OPTIONS", "headers": PREFLIGHT},
    "syntax-error": {"query_string": {"query": "SELECT ?s WHERE { ?s ?p"}},
    "not-acceptable": {"query_string": {"query": LABELS}, "headers": {"Accept": "image/png"}},
    "service-refused": {
        "query_string": {"query": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"}
    },
    "bad-dataset-iri": {"query_string": {"query": LABELS, "default-graph-uri": "not an iri"}},
    "query-twice": {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]},
    "empty-query": {"query_string": {"query": "  "}},
    "update-by-get": {"query_string": {"update": "CLEAR ALL"}},
    "form-not-utf8": {
        "method": "POST",
        "data": b"query=ASK%20%7B%7D%FF",
        "content_type": "application/x-www-form-urlencoded",
    },
    "body-not-utf8": {"method": "POST", "data": b"ASK {} \xff", "content_type": SPARQL_QUERY},
    "latin1-charset": {"method": "POST", "data": b"ASK {}", "content_type": SPARQL_QUERY + "; charset=latin-1"},
    "unknown-body": {"method": "POST", "data": b"ASK {}", "content_type": "text/plain"},
    "query-in-url-of-query-post": {
        "method": "POST",
        "data": b"ASK {}",
        "content_type": SPARQL_QUERY,
        "query_string": {"query": "ASK {}"},
    },
    "query-and-update": {"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}},
    "update-refused": {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
    "put": {"method": "PUT", "query_string": {"query": "ASK {}"}},
}
ENCODINGS = {
    "identity": "identity",
    "gzip-deflate": "gzip, deflate",
    "gzip-deflate-br-zstd": "gzip, deflate, br, zstd",
    "deflate-preferred": "deflate;q=1, gzip;q=0.5",
    "any": "*",
    "br-only": "br",
}
for _name, _encoding in ENCODINGS.items():
    for _query_name, _query in (("long", LONG), ("short", "ASK { ?s ?p ?o }")):
        CASES[f"{_query_name}-{_name}"] = {"query_string": {"query": _query}, "headers": {"Accept-Encoding": _encoding}}
SETTINGS: dict[str, tuple[dict, dict]] = {  # cases under other settings: (settings, request)
    "one-origin-allowed": ({"cors_origins": ("https://a.example",)}, {"query_string": {"query": LABELS}}),
    "one-origin-asking": (
        {"cors_origins": ("https://a.example",)},
        {"query_string": {"query": LABELS}, "headers": {"Origin": "https://a.example"}},
    ),
    "two-origins-other": (
        {"cors_origins": ("https://a.example", "https://b.example")},
        {"query_string": {"query": LABELS}, "headers": {"Origin": "https://c.example"}},
    ),
    "two-origins-preflight": (
        {"cors_origins": ("https://a.example", "https://b.example")},
        {"method": "OPTIONS", "headers": {**PREFLIGHT, "Origin": "https://b.example"}},
    ),
    "truncated": ({"max_rows": 1}, {"query_string": {"query": LABELS}}),
    "timeout": ({"query_timeout": 1}, {"query_string": {"query": BOUNDED_RUNAWAY_QUERY}}),
}
STREAMED = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"  # 7,000 rows: more than one chunk
ETAG = re.compile(r'W/"[^"]+-[0-9a-f]{8}"')
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")


def record(response: TestResponse) -> dict:
    """What a client sees, with the build's own validators put aside and a compressed body decoded."""
    encoding = response.headers.get("Content-Encoding")
    headers = []
    for name, value in response.headers.items():
        if name == "Content-Length" and encoding:
            continue  # gzip writes a timestamp: the length of compressed bytes may differ
        if name == "ETag":
            assert ETAG.fullmatch(value), value
            value = "<build>"
        elif name == "Last-Modified":
            assert HTTP_DATE.fullmatch(value), value
            value = "<date>"
        headers.append([name, value])
    body = response.get_data()
    body = gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body) if encoding == "deflate" else body
    return {"status": response.status, "headers": sorted(headers), "body": body.decode("utf-8", "replace")}


def answers(make_app: Callable[..., Flask], store_dir: Path, runaway_store_dir: Path) -> dict[str, list[dict]]:
    """Each case asked twice of one app (evaluated, then replayed where an answer may be replayed)."""
    out: dict[str, list[dict]] = {}
    client = Client(make_app(store_dir))
    for name, options in CASES.items():
        out[name] = [record(client.open("/sparql", **options)) for _ in range(2)]
    for name, (settings, options) in SETTINGS.items():
        client = Client(make_app(runaway_store_dir if name == "timeout" else store_dir, **settings))
        out[name] = [record(client.open("/sparql", **options)) for _ in range(2 if name != "timeout" else 1)]
    client = Client(make_app(runaway_store_dir))
    first = client.get("/sparql", query_string={"query": STREAMED})
    assert "Content-Length" not in first.headers
    out["streamed"] = [record(first)]
    answer = client.get("/sparql", query_string={"query": LABELS})
    revalidated = client.get(
        "/sparql", query_string={"query": LABELS}, headers={"If-None-Match": answer.headers["ETag"]}
    )
    since = client.get(
        "/sparql", query_string={"query": LABELS}, headers={"If-Modified-Since": answer.headers["Last-Modified"]}
    )
    post = client.post("/sparql", data={"query": LABELS}, headers={"If-None-Match": answer.headers["ETag"]})
    out["revalidated"] = [record(revalidated), record(since), {"post-status": post.status}]
    return out


def test_every_request_is_answered_as_recorded(
    make_app: Callable[..., Flask], store_dir: Path, runaway_store_dir: Path
) -> None:
    got = answers(make_app, store_dir, runaway_store_dir)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected)
    differing = [_difference(name, got[name], expected[name]) for name in expected if got[name] != expected[name]]
    assert not differing, "\n".join(differing)


def _difference(name: str, got: list[dict], expected: list[dict]) -> str:
    """What changed in one case, readably: status, headers gained and lost, body."""
    out = [name]
    for index, (now, then) in enumerate(zip(got, expected, strict=False)):
        if now.get("status") != then.get("status"):
            out.append(f"  [{index}] status {then.get('status')} -> {now.get('status')}")
        gained = [h for h in now.get("headers", []) if h not in then.get("headers", [])]
        lost = [h for h in then.get("headers", []) if h not in now.get("headers", [])]
        if gained or lost:
            out.append(f"  [{index}] headers +{gained} -{lost}")
        if now.get("body") != then.get("body"):
            out.append(f"  [{index}] body {then.get('body', '')[:120]!r} -> {now.get('body', '')[:120]!r}")
    return "\n".join(out)
