"""The ``/sparql`` blueprint: SPARQL 1.1 Protocol queries over the read-only store.

Accepted: ``GET ?query=``, ``POST`` ``application/x-www-form-urlencoded`` (``query=``) and
``POST application/sparql-query``, each with optional ``default-graph-uri`` /
``named-graph-uri`` (which then define the dataset exactly, as the protocol says; otherwise the
default graph is the union of all named graphs) and an optional ``format`` overriding Accept
(see ``server.negotiation``).
Updates are refused (403): the store is written only by ``metiers-kg build``/``load``.

The view only reads the request; the query itself runs on the executor thread of
``server.query_runner`` (see there for why), and the response body streams from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Request, Response, current_app, request

from kg.errors import QuerySyntaxError, QueryTimeoutError, UpdateRefusedError
from server.errors import MalformedRequestError, UnsupportedContentTypeError
from server.negotiation import Preferences, QueryForm, Representation
from server.query_runner import Channel, Job
from server.services import services
from server.store_provider import StoreHandle

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READABLE_BODIES = [FORM, SPARQL_QUERY]
MAX_BODY_BYTES = 1024 * 1024  # a query, not a data upload (larger bodies: 413, via MAX_CONTENT_LENGTH)

USAGE = ("send a SPARQL query as GET /sparql?query=…, or POST it as the 'query' field of an "
         f"{FORM} body, or as the whole body with Content-Type: {SPARQL_QUERY}")

bp = Blueprint("sparql", __name__)


@dataclass(frozen=True)
class SparqlRequest:
    """A protocol request, reduced to what the query needs (plain strings only: thread-safe)."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    preferences: Preferences = Preferences()

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Run one query and stream its results in the negotiated format."""
    parsed = read_request(request)
    found = services()
    handle = found.stores.current()
    try:
        stream = found.runner.run(make_job(handle, parsed, found.config.base_iri))
    except QueryTimeoutError:
        current_app.logger.warning("query over the %g s limit: %.200r", found.config.query_timeout, parsed.query)
        raise
    representation: Representation = stream.representation  # type: ignore[assignment]
    return Response(iter(stream), status=200, content_type=representation.content_type)


@bp.after_request
def _after(response: Response) -> Response:
    """Every /sparql answer varies with Accept, and may have left a runaway query to stop."""
    response.vary.add("Accept")
    response.call_on_close(services().runner.stop_if_runaway)
    return response


def read_request(req: Request) -> SparqlRequest:
    """Validate the protocol request; raises the 400/403/415 errors of ``server.errors``."""
    if req.method == "GET":
        params = req.args
    else:
        mimetype = req.mimetype
        if mimetype == SPARQL_UPDATE:
            raise UpdateRefusedError("this endpoint is read-only: SPARQL Update is not accepted")
        if mimetype not in READABLE_BODIES:
            raise UnsupportedContentTypeError(req.content_type or "", READABLE_BODIES)
        params = req.form if mimetype == FORM else req.args
    if "update" in params or "update" in req.args:
        raise UpdateRefusedError("this endpoint is read-only: SPARQL Update is not accepted")

    if req.method == "POST" and req.mimetype == SPARQL_QUERY:
        if "query" in req.args:
            raise MalformedRequestError(f"a {SPARQL_QUERY} POST carries the query in its body, not in ?query=")
        query = _body_text(req)
    else:
        query = _single(params.getlist("query"), "query")
    if query is None or not query.strip():
        raise MalformedRequestError(f"missing or empty query: {USAGE}")

    formats = params.getlist("format") + (req.args.getlist("format") if params is not req.args else [])
    return SparqlRequest(
        query=query,
        default_graphs=tuple(params.getlist("default-graph-uri")),
        named_graphs=tuple(params.getlist("named-graph-uri")),
        preferences=Preferences(accept=req.headers.get("Accept"), formats=tuple(formats)),
    )


def make_job(handle: StoreHandle, parsed: SparqlRequest, base_iri: str) -> Job:
    """The work done on the executor thread: parse, evaluate, negotiate, serialise."""

    def job(channel: Channel) -> None:
        options = _dataset_options(parsed)
        try:
            results = handle.store.query(parsed.query, base_iri=base_iri, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(f"SPARQL syntax error: {error}") from None
        try:
            representation = parsed.preferences.choose(_form_of(results))
            channel.begin(representation)
            results.serialize(channel, format=representation.format)
        finally:
            del results  # results must die on this thread

    return job


def _dataset_options(parsed: SparqlRequest) -> dict[str, object]:
    if not parsed.has_dataset:
        return {"use_default_graph_as_union": True}
    try:
        return {
            "use_default_graph_as_union": False,
            "default_graph": [ox.NamedNode(iri) for iri in parsed.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in parsed.named_graphs],
        }
    except ValueError as error:
        raise MalformedRequestError(f"default-graph-uri / named-graph-uri: {error}") from None


def _form_of(results: object) -> QueryForm:
    if isinstance(results, ox.QuerySolutions):
        return QueryForm.SOLUTIONS
    if isinstance(results, ox.QueryBoolean):
        return QueryForm.BOOLEAN
    return QueryForm.GRAPH


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise MalformedRequestError(f"the '{name}' parameter is given {len(values)} times; give it once")
    return values[0] if values else None


def _body_text(req: Request) -> str:
    charset = req.mimetype_params.get("charset", "utf-8")
    try:
        return req.get_data(cache=False).decode(charset)
    except (LookupError, UnicodeDecodeError) as error:
        raise MalformedRequestError(f"the query body is not valid {charset}: {error}") from None
