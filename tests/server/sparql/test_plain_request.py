"""server.sparql.plain_request: the lean path reads exactly what the Flask view reads, or leaves the request to it.

For every plain request, ``read_plain`` must build the very ``SparqlRequest`` that the view's
``read_request`` builds from the same environ (same percent-decoding, same fields); for every
other request it must answer None, so the view (and its 4xx messages, CORS, compression,
revalidation) handles it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask, request

from server.sparql.fast_path import _read_small_body
from server.sparql.plain_request import read_plain
from server.sparql.protocol import read_request
from tests.server.conftest import G_ONE, G_TWO, OCCUPATIONS_QUERY

QUERY = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(?label != 'é+&=') }"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"

PLAIN = {
    "get": {"query_string": {"query": QUERY}},
    "get-dataset-and-formats": {
        "query_string": [
            ("query", OCCUPATIONS_QUERY),
            ("default-graph-uri", G_ONE),
            ("named-graph-uri", G_TWO),
            ("named-graph-uri", G_ONE),
            ("format", "tsv"),
            ("format", "text/tab-separated-values"),
        ]
    },
    "get-accept": {"query_string": {"query": QUERY}, "headers": {"Accept": "text/csv;q=0.9, */*;q=0.1"}},
    "get-identity-encoding": {"query_string": {"query": QUERY}, "headers": {"Accept-Encoding": "identity"}},
    "get-gzip": {"query_string": {"query": QUERY}, "headers": {"Accept-Encoding": "gzip, deflate"}},
    "get-plus-for-space": {"query_string": "query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D"},
    "get-blank-dataset-value": {"query_string": {"query": QUERY, "default-graph-uri": ""}},
    "post-form": {"method": "POST", "data": {"query": QUERY, "default-graph-uri": G_ONE}},
    "post-form-charset": {"method": "POST", "data": f"query={quote(QUERY)}", "content_type": f"{FORM}; charset=UTF-8"},
    "post-query": {
        "method": "POST",
        "data": QUERY.encode(),
        "content_type": SPARQL_QUERY,
        "query_string": {"named-graph-uri": G_TWO},
    },
    "post-query-charset": {"method": "POST", "data": QUERY.encode(), "content_type": f"{SPARQL_QUERY};charset=utf-8"},
}
NOT_PLAIN = {
    "head": {"method": "HEAD", "query_string": {"query": QUERY}},
    "repeated-query": {"query_string": [("query", QUERY), ("query", QUERY)]},
    "blank-query": {"query_string": {"query": "  "}},
    "update-by-get": {"query_string": {"update": "CLEAR ALL"}},
    "query-and-update": {"method": "POST", "data": {"query": QUERY, "update": "CLEAR ALL"}},
    "unknown-parameter": {"query_string": {"query": QUERY, "timeout": "5"}},
    "cors": {"query_string": {"query": QUERY}, "headers": {"Origin": "https://app.example"}},
    "revalidation": {"query_string": {"query": QUERY}, "headers": {"If-None-Match": 'W/"x"'}},
    "since": {"query_string": {"query": QUERY}, "headers": {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}},
    "invalid-utf8-escape": {"query_string": "query=ASK%FF%7B%7D"},
    "form-with-url-parameters": {"method": "POST", "data": {"query": QUERY}, "query_string": {"format": "csv"}},
    "query-in-url-of-query-post": {
        "method": "POST",
        "data": QUERY.encode(),
        "content_type": SPARQL_QUERY,
        "query_string": {"query": QUERY},
    },
    "latin1-charset": {
        "method": "POST",
        "data": QUERY.encode("latin-1"),
        "content_type": f"{SPARQL_QUERY}; charset=ISO-8859-1",
    },
    "invalid-utf8-body": {"method": "POST", "data": b"ASK { ?s ?p '\xff' }", "content_type": SPARQL_QUERY},
    "update-body": {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
    "text-body": {"method": "POST", "data": QUERY.encode(), "content_type": "text/plain"},
    "put": {"method": "PUT", "data": QUERY.encode(), "content_type": SPARQL_QUERY},
}


def _read_both(options: dict) -> tuple[object, object]:
    """(read_plain, read_request) on one request, as the fast path and then the view see it."""
    app = Flask(__name__)
    with app.test_request_context("/sparql", **options):
        environ = request.environ
        method = environ["REQUEST_METHOD"]
        content_type = body = None
        if method == "POST":
            content_type = environ.get("CONTENT_TYPE", "")
            body = _read_small_body(environ, content_type)
        plain = read_plain(environ, method, content_type, body)
        try:
            viewed: object = read_request(request)
        except Exception as error:  # noqa: BLE001 - the view's 4xx, compared by type
            viewed = type(error)
        return plain, viewed


@pytest.mark.parametrize("options", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_request_is_read_as_the_view_reads_it(options: dict) -> None:
    plain, viewed = _read_both(options)
    assert plain is not None
    assert plain == viewed


@pytest.mark.parametrize("options", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_any_other_request_is_left_to_the_view(options: dict) -> None:
    plain, _ = _read_both(options)
    assert plain is None


def test_a_raw_non_ascii_query_string_is_left_to_the_view() -> None:
    """A client that sends UTF-8 unescaped in the URL: the WSGI server hands it over as latin-1 text."""
    environ = {"QUERY_STRING": "query=ASK{?s?p'é'}".encode().decode("latin-1"), "REQUEST_METHOD": "GET"}
    assert read_plain(environ, "GET", None, None) is None
    assert read_plain({**environ, "QUERY_STRING": "query=ASK%7B%7D"}, "GET", None, None) is not None
