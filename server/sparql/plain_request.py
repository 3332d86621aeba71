"""Reading a plain protocol query straight from the WSGI environ, for the lean path (``server.sparql.fast_path``).

Most query requests are plain: one ``query``, perhaps a dataset (``default-graph-uri``,
``named-graph-uri``) and ``format``, by GET, by a small form POST or by a small
``application/sparql-query`` POST in UTF-8, from a client that sends no ``Origin`` (CORS) and
does not revalidate. (Compression is the fast path's business: it learns from the app how each
``Accept-Encoding`` is answered.) :func:`read_plain` returns, for those, the very
:class:`~server.sparql.query.SparqlRequest` the Flask view would build (same decoding: the
URL and form parsing werkzeug uses is ``urllib.parse.parse_qsl``), and None for everything
else, which then goes to Flask: its view reads every request the protocol allows, answers
malformed ones with the right 4xx, and its extensions handle CORS.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from server.http.negotiation import Preferences
from server.sparql.query import FORM, SPARQL_QUERY, SparqlRequest

DATASET_AND_FORMAT = ("default-graph-uri", "named-graph-uri", "format")
UTF8 = ("", "charset=utf-8", "charset=utf8")  # the Content-Type parameters a plain POST may carry
# request headers that bring in the app's own handling: CORS, revalidation (304s)
FLASK_HEADERS = ("HTTP_ORIGIN", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def read_plain(environ: dict, method: str, content_type: str | None, body: bytes | None) -> SparqlRequest | None:
    """The query request in ``environ`` (``body``: a POST's, already read), or None if it is not plain."""
    if any(name in environ for name in FLASK_HEADERS):
        return None
    url_fields = _fields(environ.get("QUERY_STRING", ""))
    if url_fields is None:
        return None
    if method == "GET":
        return _request(environ, url_fields, None)
    if method != "POST" or body is None or content_type is None:
        return None
    mimetype, _, parameters = content_type.partition(";")
    if parameters.strip().lower().replace(" ", "") not in UTF8:
        return None
    mimetype = mimetype.strip().lower()
    if mimetype == FORM and not url_fields:
        form_fields = _fields(body.decode("latin-1"))
        return None if form_fields is None else _request(environ, form_fields, None)
    if mimetype == SPARQL_QUERY:
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return _request(environ, url_fields, query)
    return None


def _fields(encoded: str) -> list[tuple[str, str]] | None:
    """Decoded ``name=value`` pairs of an ASCII query string or form body; None if not plain ASCII or UTF-8."""
    if not encoded.isascii():
        return None
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None


def _request(environ: dict, fields: list[tuple[str, str]], body_query: str | None) -> SparqlRequest | None:
    """The request from its fields: exactly one non-blank query (in the fields, or the body's), and
    nothing but the dataset and ``format`` beside it."""
    queries = [value for name, value in fields if name == "query"]
    if body_query is not None:
        if queries:  # a query in the URL of a query POST: the view's 400
            return None
        queries = [body_query]
    if len(queries) != 1 or not queries[0].strip():
        return None
    if any(name != "query" and name not in DATASET_AND_FORMAT for name, _ in fields):
        return None
    return SparqlRequest(
        query=queries[0],
        default_graphs=tuple(value for name, value in fields if name == "default-graph-uri"),
        named_graphs=tuple(value for name, value in fields if name == "named-graph-uri"),
        preferences=Preferences(
            accept=environ.get("HTTP_ACCEPT"), formats=tuple(value for name, value in fields if name == "format")
        ),
    )
