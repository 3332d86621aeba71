"""The ``/sparql`` blueprint: the SPARQL 1.1 Protocol (query and update) and the service description.

Accepted, as the protocol says: ``GET ?query=``, ``POST`` ``application/x-www-form-urlencoded``
(``query=`` or ``update=``), ``POST application/sparql-query`` and ``application/sparql-update``
(UTF-8 only), each with ``default-graph-uri`` / ``named-graph-uri`` (queries) or
``using-graph-uri`` / ``using-named-graph-uri`` (updates), which then define the dataset; without
them queries see the union of all graphs as their default graph. ``GET`` without a query answers
the service description (``server.sparql.service_description``). A parameter given twice, a body
type we do not read, a non-UTF-8 charset, an update by GET: 4xx with a message saying what to
send instead (statuses from ``server.http.errors``). Updates need permission (``server.sparql.update``).
``SERVICE`` may only call allow-listed endpoints.

Queries and updates run on the executor thread of ``server.runtime.query_runner``; small answers come
back whole and are cached per build, large ones stream (``server.http.caching``). Plain queries
are usually answered before they reach this view (``server.sparql.fast_path``), through the same
query code (``server.sparql.query``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, Request, Response, current_app, request
from werkzeug.datastructures import MultiDict

from server.http.caching import entity_tag, not_modified
from server.http.errors import MalformedRequestError, QueryTimeoutError, UnsupportedContentTypeError, UpdateRefusedError
from server.http.negotiation import Preferences
from server.http.representations import Representation
from server.ops.metrics import QUERY_LOG_CHARS, note
from server.runtime.services import Services, services
from server.sparql import editor as ui
from server.sparql.fast_path import REPLAY
from server.sparql.query import (
    EVALUATED,
    FORM,
    SPARQL_QUERY,
    Evaluated,
    SparqlRequest,
    answer,
    answer_headers,
    validator_headers,
)
from server.sparql.service_description import description_job
from server.sparql.update import UpdateRequest, authorize, sparql_update, write_job

SPARQL_UPDATE = "application/sparql-update"
READABLE_BODIES = [FORM, SPARQL_QUERY, SPARQL_UPDATE]
MAX_BODY_BYTES = 1024 * 1024  # a query, not a data upload (larger bodies: 413, via MAX_CONTENT_LENGTH)
MAX_UPDATE_BYTES = 64 * 1024 * 1024  # an authorised update may carry data (INSERT DATA)

USAGE = (
    "send a SPARQL query as GET /sparql?query=…, or POST it as the 'query' field of an "
    f"{FORM} body, or as the whole body with Content-Type: {SPARQL_QUERY}"
)

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer one protocol request: service description, update or query."""
    if ui.wants_editor(request):  # a browser opening /sparql itself gets the query editor (server.sparql.editor)
        return ui.editor_page()
    found = services()
    if request.method == "POST" and request.mimetype == SPARQL_UPDATE:
        authorize(request, found.config)  # before reading a body that may be large
        request.max_content_length = MAX_UPDATE_BYTES
    operation = read_request(request)
    if operation is None:
        return service_description(found)
    if isinstance(operation, UpdateRequest):
        authorize(request, found.config)
        job = write_job(found.config.store_dir, sparql_update(operation, found.config))
        note(update=operation.update[:QUERY_LOG_CHARS])
        return Response(status=found.runner.run(job).representation)  # type: ignore[arg-type]
    return run_query(found, operation)


@bp.after_request
def _after(response: Response) -> Response:
    """Every /sparql answer varies with Accept, and may have left a runaway query to stop."""
    response.vary.add("Accept")
    response.call_on_close(services().runner.stop_if_runaway)
    return response


def run_query(found: Services, parsed: SparqlRequest) -> Response:
    """Validators and result cache first; otherwise evaluate on the executor and stream.

    A query the lean path (``server.sparql.fast_path``) already evaluated arrives as ``EVALUATED``
    in the environ: its outcome is used, never a second evaluation."""
    evaluated: Evaluated | None = request.environ.pop(EVALUATED, None)
    handle = evaluated.handle if evaluated is not None else found.stores.current()
    etag = entity_tag(handle.build_id, found.settings_tag)
    modified, http_date = handle.modified
    validators = validator_headers(etag, http_date)
    note(query=parsed.query[:QUERY_LOG_CHARS])
    if not_modified(request, etag, modified):
        note(cache="304")
        request.environ[REPLAY] = (handle, parsed.query[:QUERY_LOG_CHARS])  # server.sparql.fast_path keeps it
        return Response(status=304, headers=validators)
    try:
        result = answer(found, handle, parsed, evaluated)
    except Exception as error:
        note(cache="miss")
        if isinstance(error, QueryTimeoutError):
            current_app.logger.warning("query over the %g s limit: %.200r", found.config.query_timeout, parsed.query)
        raise
    note(cache=result.cache)
    if isinstance(result.body, bytes):
        if result.kept:
            request.environ[REPLAY] = (handle, parsed.query[:QUERY_LOG_CHARS])
        return Response(result.body, status=200, headers=answer_headers(result.head, len(result.body), validators))
    return Response(iter(result.body), status=200, headers=answer_headers(result.head, None, validators))


def service_description(found: Services) -> Response:
    """The service description in the RDF format the client prefers (not cached by clients)."""
    handle = found.stores.current()
    endpoint = found.config.endpoint_seen_by(request.root_url)
    preferences = Preferences(accept=request.headers.get("Accept"), formats=tuple(request.args.getlist("format")))
    stream = found.runner.run(description_job(handle, endpoint, found.config, preferences))
    representation: Representation = stream.representation  # type: ignore[assignment]
    return Response(
        stream.complete if stream.complete is not None else iter(stream), content_type=representation.content_type
    )


def read_request(req: Request) -> SparqlRequest | UpdateRequest | None:
    """Validate the protocol request (400/403/415 from ``server.http.errors``); None asks for the description."""
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
        query = _body_text(req)
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
