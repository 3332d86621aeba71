"""Reading a ``/sparql`` request: the one reader of the SPARQL 1.1 Protocol, for every way a request comes.

Accepted, as the protocol says: ``GET ?query=``, ``POST`` ``application/x-www-form-urlencoded``
(``query=`` or ``update=``), ``POST application/sparql-query`` and ``application/sparql-update``
(UTF-8 only), each with ``default-graph-uri`` / ``named-graph-uri`` (queries) or
``using-graph-uri`` / ``using-named-graph-uri`` (updates), which then define the dataset; without
them queries see the union of all graphs as their default graph. ``GET`` without a query asks for
the service description (``server.sparql.service_description``). A parameter given twice, a body
type we do not read, a non-UTF-8 charset, an update by GET, another method: 4xx with a message
saying what to send instead (statuses from ``server.http.errors``). Updates need permission
(``server.sparql.update``). The endpoint that answers is ``server.sparql.endpoint``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Request

from server.http.errors import MalformedRequestError, UnsupportedContentTypeError, UpdateRefusedError
from server.http.negotiation import Preferences
from server.sparql.query import FORM, SPARQL_QUERY, SparqlRequest
from server.sparql.update import UpdateRequest

SPARQL_UPDATE = "application/sparql-update"
READABLE_BODIES = [FORM, SPARQL_QUERY, SPARQL_UPDATE]
MAX_BODY_BYTES = 1024 * 1024  # a query, not a data upload (larger bodies: 413)
MAX_UPDATE_BYTES = 64 * 1024 * 1024  # an authorised update may carry data (INSERT DATA)
ALLOWED_METHODS = "GET, HEAD, OPTIONS, POST"

USAGE = (
    "send a SPARQL query as GET /sparql?query=…, or POST it as the 'query' field of an "
    f"{FORM} body, or as the whole body with Content-Type: {SPARQL_QUERY}"
)


def read_request(req: Request) -> SparqlRequest | UpdateRequest | None:
    """Validate the protocol request (400/403/405/415 from ``server.http.errors``); None asks for the description."""
    if req.method not in ("GET", "HEAD", "POST"):
        raise MethodNotAllowed(valid_methods=ALLOWED_METHODS.split(", "))
    if req.method in ("GET", "HEAD"):
        params: MultiDict[str, str] = req.args
        if "update" in params:
            raise UpdateRefusedError("an update must be sent by POST, never by GET (it changes the store)")
        if "query" not in params:
            return None
    else:
        mimetype = req.mimetype
        if mimetype not in READABLE_BODIES:
            raise UnsupportedContentTypeError(req.content_type or "", READABLE_BODIES)
        charset = req.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedContentTypeError(req.content_type or "", [f"{t}; charset=utf-8" for t in READABLE_BODIES])
        if mimetype == FORM:
            _check_form_encoding(req.get_data(cache=True))
        if mimetype == SPARQL_UPDATE or (mimetype == FORM and "update" in req.form):
            return _read_update(req)
        params = req.form if mimetype == FORM else req.args
    if req.method == "POST" and req.mimetype == SPARQL_QUERY:
        if "query" in req.args:
            raise MalformedRequestError(f"a {SPARQL_QUERY} POST carries the query in its body, not in ?query=")
        query: str | None = _body_text(req)
    else:
        query = _single(params.getlist("query"), "query")
    if query is None or not query.strip():
        raise MalformedRequestError(f"missing or empty query: {USAGE}")
    if "update" in params:
        raise MalformedRequestError("give either 'query' or 'update', not both")

    formats = params.getlist("format") + (req.args.getlist("format") if params is not req.args else [])
    return SparqlRequest(
        query=query,
        default_graphs=tuple(_all(req, params, "default-graph-uri")),
        named_graphs=tuple(_all(req, params, "named-graph-uri")),
        preferences=Preferences(accept=req.headers.get("Accept"), formats=tuple(formats)),
    )


def _read_update(req: Request) -> UpdateRequest:
    if req.mimetype == SPARQL_UPDATE:
        if "update" in req.args:
            raise MalformedRequestError(f"a {SPARQL_UPDATE} POST carries the update in its body, not in ?update=")
        update = _body_text(req)
        params: MultiDict[str, str] = req.args
    else:
        params = req.form
        update = _single(params.getlist("update"), "update") or ""
        if "query" in params:
            raise MalformedRequestError("give either 'query' or 'update', not both")
    if not update.strip():
        raise MalformedRequestError("missing or empty update")
    return UpdateRequest(
        update, tuple(_all(req, params, "using-graph-uri")), tuple(_all(req, params, "using-named-graph-uri"))
    )


def _all(req: Request, params: MultiDict[str, str], name: str) -> list[str]:
    """A repeatable parameter, from the body and the URL of a form POST (the protocol allows both)."""
    values = params.getlist(name)
    return values + req.args.getlist(name) if params is not req.args else values


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise MalformedRequestError(f"the '{name}' parameter is given {len(values)} times; give it once")
    return values[0] if values else None


def _check_form_encoding(body: bytes) -> None:
    """A form body is ASCII with %-escapes of UTF-8 (werkzeug would silently replace what is not)."""
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise MalformedRequestError(
            f"the form body is not percent-encoded UTF-8 (byte {error.object[error.start : error.start + 1]!r} "
            f"at offset {error.start}); encode each field as UTF-8, then percent-encode it"
        ) from None


def _body_text(req: Request) -> str:
    try:
        return req.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRequestError(f"the body is not valid UTF-8: {error}") from None
