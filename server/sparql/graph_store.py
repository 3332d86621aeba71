"""The ``/store`` blueprint: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

``/store?graph=IRI`` names a graph, ``/store?default`` the store's default graph (the real one,
which ``PUT ?default`` writes; queries see the union of all graphs instead). ``GET``/``HEAD``
return the graph in the RDF format ``Accept`` prefers (404 for a graph that does not exist);
``PUT`` replaces it, ``POST`` adds to it (201 when either created it, else 204), ``DELETE``
drops it (404 if absent). Writes need the same permission as SPARQL Update and go through the
same copy-on-write writer (``server.sparql.update``): atomic, durable, visible to every worker at once.
Bodies: Turtle, N-Triples, RDF/XML or JSON-LD, by ``Content-Type`` (415 otherwise).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Request, Response, request
from werkzeug.exceptions import NotFound

from kg.build_records import DEFAULT_GRAPH
from kg.store import Store
from server.http.errors import MalformedRequestError, UnsupportedContentTypeError
from server.http.negotiation import Preferences, QueryForm
from server.http.representations import READABLE_GRAPHS
from server.runtime.channel import Channel
from server.runtime.services import services
from server.sparql.text import check_nesting
from server.sparql.update import authorize, write_job

MAX_UPLOAD_BYTES = 64 * 1024 * 1024

bp = Blueprint("graph_store", __name__)

Target = ox.NamedNode | ox.DefaultGraph


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    found = services()
    target = read_target(request)
    if request.method in ("GET", "HEAD"):
        return read_graph(target)
    authorize(request, found.config)
    if request.method == "DELETE":
        job = write_job(found.config.store_dir, lambda store: _drop(store, target))
    else:
        request.max_content_length = MAX_UPLOAD_BYTES
        fmt = READABLE_GRAPHS.get(request.mimetype)
        if fmt is None:
            raise UnsupportedContentTypeError(request.content_type or "", sorted(READABLE_GRAPHS))
        data = request.get_data(cache=False)
        if fmt is not ox.RdfFormat.RDF_XML:  # brackets of Turtle and JSON-LD: the parsers recurse on them
            check_nesting(data.decode("utf-8", errors="replace"), "body", chains=False)
        elif b"<!entity" in data.lower():  # entity expansion turns a few hundred bytes into gigabytes
            raise MalformedRequestError(
                "RDF/XML bodies with entity declarations (<!ENTITY …>) are refused; write the values out"
            )
        base = target.value if isinstance(target, ox.NamedNode) else found.config.base_iri
        replace = request.method == "PUT"
        job = write_job(found.config.store_dir, lambda store: _write(store, target, data, fmt, base, replace))
    status = found.runner.run(job).representation  # what write_job announces: the status to answer with
    if not isinstance(status, int):
        raise TypeError(f"a Graph Store write announced {type(status).__name__}, not a status")
    return Response(status=status)


def read_target(req: Request) -> Target:
    """``?graph=IRI`` or ``?default``, exactly one of them (400 otherwise)."""
    graphs = req.args.getlist("graph")
    if ("default" in req.args) == bool(graphs) or len(graphs) > 1:
        raise MalformedRequestError("name one graph: /store?graph=IRI or /store?default")
    if not graphs:
        return ox.DefaultGraph()
    try:
        return ox.NamedNode(graphs[0])
    except ValueError as error:
        raise MalformedRequestError(f"graph: {error}") from None


def read_graph(target: Target) -> Response:
    found = services()
    handle = found.stores.current()
    representation = Preferences(accept=request.headers.get("Accept")).choose(QueryForm.GRAPH)

    def job(channel: Channel) -> None:
        store = handle.store.oxigraph
        if isinstance(target, ox.NamedNode) and not store.contains_named_graph(target):
            raise NotFound(f"no graph <{target.value}> in the store")
        channel.begin(representation)
        ox.serialize(
            (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, target)),
            channel,
            format=representation.rdf_format,
        )

    stream = found.runner.run(job)
    body = stream.complete if stream.complete is not None else iter(stream)
    response = Response(body, content_type=representation.content_type)
    response.vary.add("Accept")
    response.call_on_close(found.runner.stop_if_runaway)
    return response


def _exists(store: ox.Store, target: Target) -> bool:
    return isinstance(target, ox.DefaultGraph) or store.contains_named_graph(target)


def _write(store: Store, target: Target, data: bytes, fmt: ox.RdfFormat, base: str, replace: bool) -> int:
    oxi = store.oxigraph
    existed = _exists(oxi, target) if isinstance(target, ox.NamedNode) else True
    try:
        triples = [ox.Quad(t.subject, t.predicate, t.object, target) for t in ox.parse(data, format=fmt, base_iri=base)]
    except SyntaxError as error:
        raise MalformedRequestError(f"the body is not valid {fmt.name}: {error}") from None
    store.touched.add(target.value if isinstance(target, ox.NamedNode) else DEFAULT_GRAPH)
    if replace and existed:
        oxi.clear_graph(target)
    if isinstance(target, ox.NamedNode):
        oxi.add_graph(target)
    oxi.extend(triples)
    return 204 if existed else 201


def _drop(store: Store, target: Target) -> int:
    oxi = store.oxigraph
    if isinstance(target, ox.NamedNode) and not oxi.contains_named_graph(target):  # the default graph always is
        raise NotFound(f"no graph <{target.value}> in the store")
    store.touched.add(target.value if isinstance(target, ox.NamedNode) else DEFAULT_GRAPH)
    if isinstance(target, ox.NamedNode):
        oxi.remove_graph(target)
    else:
        oxi.clear_graph(target)
    return 204
