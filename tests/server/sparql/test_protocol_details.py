"""Protocol details real clients hit, limits and operations, through Flask's test client on a real store."""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient

from server.config import ServerConfig
from tests.server.conftest import (
    DEV,
    EX,
    G_ONE,
    G_TWO,
    NURSE,
    OCCUPATIONS_QUERY,
    filler_quads,
    write_build,
)

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
ALL_ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def fetch(client: FlaskClient, method: str = "GET", path: str = "/sparql", **kwargs):
    response = client.open(path, method=method, **kwargs)
    response.get_data()  # read the (possibly streamed) body first
    response.close()  # what a WSGI server does: runs the close hooks (metrics, runaway check)
    return response


# -- protocol details ---------------------------------------------------------------------------
def test_trailing_slash_head_and_options(client: FlaskClient) -> None:
    assert fetch(client, path="/sparql/", query_string={"query": "ASK {}"}).json == {"head": {}, "boolean": True}
    head = fetch(client, "HEAD", query_string={"query": OCCUPATIONS_QUERY})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    options = fetch(client, "OPTIONS")
    assert options.status_code == 200
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_relative_iris_resolve_against_the_base(make_app, store_dir: Path) -> None:
    client = make_app(store_dir, base_iri=EX).test_client()
    response = fetch(client, query_string={"query": "SELECT ?o WHERE { <occupation/dev> <salary> ?o }"})
    assert response.json["results"]["bindings"] == [
        {"o": {"type": "literal", "value": "2100", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]


def test_the_dataset_given_in_the_query_and_by_the_protocol(client: FlaskClient) -> None:
    count = f"SELECT (COUNT(*) AS ?n) FROM <{G_ONE}> WHERE {{ ?s ?p ?o }}"
    assert fetch(client, query_string={"query": count}).json["results"]["bindings"][0]["n"]["value"] == "3"
    # the protocol's default-graph-uri wins over FROM: here both graphs
    both = fetch(client, query_string={"query": count, "default-graph-uri": [G_ONE, G_TWO]})
    assert both.json["results"]["bindings"][0]["n"]["value"] == "6"
    named = fetch(client, method="POST", data={"query": "SELECT ?g WHERE { GRAPH ?g {} }", "named-graph-uri": G_TWO})
    assert [b["g"]["value"] for b in named.json["results"]["bindings"]] == [G_TWO]


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.8, */*;q=0.1", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/json"),
        ("text/tab-separated-values; charset=utf-8", "text/tab-separated-values"),
    ],
)
def test_q_values_wildcards_and_charset_parameters(client: FlaskClient, accept: str, expected: str) -> None:
    response = fetch(client, query_string={"query": OCCUPATIONS_QUERY}, headers={"Accept": accept})
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"


def test_406_lists_what_is_available(client: FlaskClient) -> None:
    response = fetch(client, query_string={"query": OCCUPATIONS_QUERY}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.get_data(as_text=True) == (
        "no acceptable representation for Accept: 'image/png'; available: application/sparql-results+json, "
        "application/sparql-results+xml, text/csv, text/tab-separated-values, application/json, application/xml, text/json\n"
    )


def test_non_utf8_body_is_415(client: FlaskClient) -> None:
    response = fetch(
        client,
        method="POST",
        data="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 415 and "charset=utf-8" in response.get_data(as_text=True)


# -- caching ------------------------------------------------------------------------------------
def test_etag_and_last_modified_give_304_without_evaluating(client: FlaskClient) -> None:
    first = fetch(client, query_string={"query": OCCUPATIONS_QUERY})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"000001-') and first.headers["Cache-Control"] == "public, no-cache"
    again = fetch(client, query_string={"query": OCCUPATIONS_QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = fetch(client, query_string={"query": OCCUPATIONS_QUERY}, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = fetch(client, query_string={"query": OCCUPATIONS_QUERY}, headers={"If-None-Match": 'W/"000000-x"'})
    assert other.status_code == 200 and other.data == first.data


def test_a_new_build_changes_the_etag_and_the_answer(make_app, tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_build(store, filler_quads(2))
    client = make_app(store).test_client()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = fetch(client, query_string={"query": count})
    write_build(store, filler_quads(5))
    after = fetch(client, query_string={"query": count}, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.json["results"]["bindings"][0]["n"]["value"] == "5"


# -- limits -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept,marker",
    [
        ("application/sparql-results+json", b'"truncated":true'),
        ("application/sparql-results+xml", b'<link href="urn:metiers-kg:truncated:max-rows=4"/>'),
        ("text/csv", None),
        ("text/tab-separated-values", None),
    ],
)
def test_row_cap_says_so(make_app, store_dir: Path, accept: str, marker: bytes | None) -> None:
    client = make_app(store_dir, max_rows=4).test_client()
    response = fetch(client, query_string={"query": ALL_ROWS}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Results-Truncated"] == "max-rows=4"
    if marker is not None:
        assert marker in response.data
    if accept == "application/sparql-results+json":
        body = json.loads(response.data)
        assert len(body["results"]["bindings"]) == 4 and body["truncated"] is True
        assert body["results"]["bindings"][0]["s"] == {"type": "uri", "value": DEV}
    if accept == "text/csv":
        assert response.data.decode().count("\r\n") == 5  # header + 4 rows
    if accept == "text/tab-separated-values":
        assert response.data.decode().splitlines()[1].startswith(f"<{DEV}>\t")


def test_row_cap_not_reached_is_not_flagged(make_app, store_dir: Path) -> None:
    client = make_app(store_dir, max_rows=6).test_client()
    response = fetch(client, query_string={"query": ALL_ROWS})
    assert "Results-Truncated" not in response.headers and b"truncated" not in response.data
    assert len(response.json["results"]["bindings"]) == 6
    graph = fetch(
        make_app(store_dir, max_rows=2).test_client(),
        query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert graph.headers["Results-Truncated"] == "max-rows=2" and graph.data.count(b"\n") == 2


def test_service_is_refused_unless_allow_listed(make_app, store_dir: Path) -> None:
    query = "PREFIX e: <http://192.168.0.1/> SELECT * WHERE { SERVICE SILENT e:sparql { ?s ?p ?o } }"
    response = fetch(make_app(store_dir).test_client(), query_string={"query": query})
    assert response.status_code == 403
    assert response.get_data(as_text=True).startswith("SERVICE <http://192.168.0.1/sparql> is not allowed")
    variable = fetch(
        make_app(store_dir).test_client(), query_string={"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"}
    )
    assert variable.status_code == 403 and "a variable endpoint" in variable.get_data(as_text=True)
    # the word in a string or an IRI is not a SERVICE clause
    harmless = fetch(
        make_app(store_dir).test_client(),
        query_string={"query": 'SELECT * WHERE { ?s <http://x/SERVICE> "SERVICE <http://a/>" }'},
    )
    assert harmless.status_code == 200
    # allow-listed: pyoxigraph is allowed to call it (port 9 is refused by its own client: an error, not a 403)
    allowed = make_app(store_dir, service_allowlist=("http://127.0.0.1:9/sparql",)).test_client()
    response = fetch(allowed, query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> {} }"})
    assert response.status_code != 403


def test_large_bodies_are_413(client: FlaskClient) -> None:
    response = fetch(
        client, method="POST", data=b"#" * (1024 * 1024 + 1), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


# -- browsers and compression ----------------------------------------------------------------------
def test_cors_simple_and_preflight(make_app, store_dir: Path) -> None:
    client = make_app(store_dir, cors_origins=("https://app.example.org",)).test_client()
    ok = fetch(client, query_string={"query": "ASK {}"}, headers={"Origin": "https://app.example.org"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "ETag" in ok.headers["Access-Control-Expose-Headers"]
    other = fetch(client, query_string={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = fetch(
        client,
        "OPTIONS",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert set(preflight.headers["Access-Control-Allow-Headers"].lower().split(", ")) == {
        "content-type",
        "authorization",
    }


@pytest.mark.parametrize("encoding,decode", [("gzip", gzip.decompress), ("deflate", zlib.decompress)])
def test_gzip_and_deflate_on_request(make_app, tmp_path: Path, encoding: str, decode) -> None:
    store = tmp_path / "store"
    write_build(store, filler_quads(5000))  # a result larger than one chunk: it streams
    client = make_app(store).test_client()
    plain = fetch(client, query_string={"query": ALL_ROWS}, headers={"Accept": "text/csv"})
    packed = fetch(
        client,
        query_string={"query": ALL_ROWS},
        headers={"Accept": "text/csv", "Accept-Encoding": f"{encoding}, identity;q=0.5"},
    )
    assert packed.headers["Content-Encoding"] == encoding and "Accept-Encoding" in packed.headers["Vary"]
    assert decode(packed.data) == plain.data and len(packed.data) < len(plain.data) // 3
    assert plain.data.count(b"\r\n") == 5001


# -- service description ------------------------------------------------------------------------
def test_service_description_uses_the_public_url_and_counts_graphs(make_app, store_dir: Path) -> None:
    client = make_app(store_dir, public_url="https://kg.example.org/api", update_token="t" * 16).test_client()
    response = fetch(client, headers={"Accept": "application/n-triples"})
    assert response.headers["Content-Type"] == "application/n-triples; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert list(graph.objects(None, SD.endpoint)) == [rdflib.URIRef("https://kg.example.org/api/sparql")]
    assert set(graph.objects(None, SD.supportedLanguage)) == {SD.SPARQL11Query, SD.SPARQL11Update}
    counts = {
        str(graph.value(n, SD.name)): int(graph.value(graph.value(n, SD.graph), VOID.triples))
        for n in graph.subjects(rdflib.RDF.type, SD.NamedGraph)
    }
    assert counts == {G_ONE: 3, G_TWO: 3}


def test_service_description_without_an_acceptable_rdf_type_is_406(client: FlaskClient) -> None:
    response = fetch(client, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 406 and "text/turtle" in response.get_data(as_text=True)


# -- operations ---------------------------------------------------------------------------------
def test_metrics_count_requests_and_sizes(client: FlaskClient) -> None:
    for _ in range(3):
        fetch(client, query_string={"query": OCCUPATIONS_QUERY})
    fetch(client, query_string={"query": "SELECT"})
    text = fetch(client, path="/metrics").get_data(as_text=True)
    assert 'metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="200"} 3.0' in text
    assert 'metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="400"} 1.0' in text
    assert 'metiers_kg_request_duration_seconds_count{endpoint="sparql.sparql"} 4.0' in text
    assert 'metiers_kg_response_bytes_bucket{endpoint="sparql.sparql",le="1000.0"} 4.0' in text
    assert "metiers_kg_query_timeouts_total 0.0" in text


def test_one_json_log_line_per_query(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("metiers_kg.requests")
    logger.addHandler(caplog.handler)
    try:
        response = fetch(client, query_string={"query": OCCUPATIONS_QUERY})
        fetch(client, query_string={"query": OCCUPATIONS_QUERY})
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(record.getMessage()) for record in caplog.records]
    assert [(line["status"], line["bytes"], line["cache"]) for line in lines] == [
        (200, len(response.data), "miss"),
        (200, len(response.data), "hit"),
    ]
    assert lines[0]["query"] == OCCUPATIONS_QUERY[:300] and lines[0]["ms"] > 0


def test_config_guards_open_update_and_tokens() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ServerConfig(host="0.0.0.0", open_update=True)
    with pytest.raises(ValueError, match="16 characters"):
        ServerConfig(update_token="short")
    assert ServerConfig(host="::1", open_update=True).updates_enabled
    assert "secret-token-123456" not in repr(ServerConfig(update_token="secret-token-123456"))
    assert ServerConfig.from_env(
        {
            "METIERS_KG_CORS_ORIGIN": "https://a.org, https://b.org",
            "METIERS_KG_MAX_ROWS": "10",
            "METIERS_KG_OPEN_UPDATE": "true",
        }
    ).cors_origins == ("https://a.org", "https://b.org")
    assert NURSE  # the store fixtures are the occupation ones
