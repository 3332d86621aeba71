"""Dereferenceable IRIs: ``GET /<path>`` answers for ``<base><path>``, as HTML or RDF.

The graph's IRIs live under a base (default ``https://w3id.org/metiers-kg/``) that need not be
this server's host: a redirect service or reverse proxy sends ``<base>metier/MET.717`` here as
``/metier/MET.717`` (or as ``/<base path>metier/MET.717``; both work). Each answer is one
SPARQL CONSTRUCT (``server.linked_data.describe``) run on the executor thread of ``server.runtime.query_runner``, like
every query, so the time limit applies and results never leave that thread; what crosses is
N-Triples bytes. ``text/html`` gets a page, ``text/turtle``, ``application/n-triples``,
``application/ld+json`` and ``application/rdf+xml`` the triples; a ``.html``/``.ttl``/``.nt``/
``.jsonld``/``.rdf`` suffix picks the format without headers. Unknown IRIs get 404 in the
requested format. ``/ontology`` documents every class and property of the ontology.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, render_template, request

from kg.publish.dumps import graph_file_name
from server.http.errors import NotAcceptableError
from server.http.representations import Representation
from server.linked_data import ontology as ontology_page
from server.linked_data.answers import (
    PAGE_OFFERS,
    choose,
    empty_document,
    fetch,
    finish,
    make_linker,
    serialize,
    split_suffix,
)
from server.linked_data.describe import resource_page
from server.linked_data.description_query import description_query, graphs_query
from server.runtime.services import services

bp = Blueprint("resources", __name__)
IRI_CHARACTERS = re.compile(r'[^\x00-\x20<>"{}|\\^`]+')  # what may stand between < and > in SPARQL


def base_path() -> str:
    """The base IRI's path without slashes ('' for a base at a host's root), e.g. 'metiers-kg'."""
    return urlsplit(services().config.base_iri).path.strip("/")


def candidates(path: str) -> list[tuple[str, Representation | None]]:
    """(path relative to the base, format forced by a suffix) to try, most specific first."""
    prefix = base_path()
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) + 1 :]
    found: list[tuple[str, Representation | None]] = []
    suffixed = split_suffix(path)
    if suffixed is not None:
        found.append(suffixed)
    found.append((path, None))
    return found


@bp.route("/<path:path>", methods=["GET"])
def resource(path: str) -> Response:
    """Describe ``<base><path>``: negotiate, run the description, render or serialise it."""
    base = services().config.base_iri
    tried = candidates(path)
    for relative, offer in tried:
        if relative == "ontology" or relative.startswith("ontology/"):  # fixed IRI (and versionIRI)
            return ontology_page.respond(offer)
    if not base.endswith("/"):  # a '#' base: its IRIs differ only by fragment, which never reaches us
        return not_found(base + path, tried[-1][1], "/" + path)
    fetched, iri, forced = None, base + tried[0][0], tried[0][1]  # a 404 keeps the suffix's format
    for relative, offer in tried:
        if not IRI_CHARACTERS.fullmatch(base + relative):  # never let a path inject into the query
            continue
        fetched = fetch(description_query(base + relative), graphs_query(base + relative))
        if fetched.triples:
            iri, forced = base + relative, offer
            break
    local = request.script_root + "/" + quote(iri[len(base) :], safe="/:@!$&'()*+,;=-._~%")
    if fetched is None or not fetched.triples:
        return not_found(iri, forced, local)
    offer = forced or choose(request.headers.get("Accept"), PAGE_OFFERS)
    if offer.format is None:
        linker = make_linker(base, request.script_root)
        page = resource_page(iri, fetched.triples, linker, base)
        query = description_query(iri)
        graphs = [(g, linker(g), _graph_dump(g, base)) for g in fetched.graphs]
        body = render_template(
            "resource.html", page=page, graphs=graphs, path=local, query=query, query_href=editor_link(query)
        )
        response = Response(body, content_type=offer.content_type)
    else:
        response = Response(serialize(fetched.triples, offer), content_type=offer.content_type)
    return finish(response, request, negotiated=forced is None, path=local)


def not_found(iri: str, forced: Representation | None, path: str) -> Response:
    """404 in the format asked for (an empty graph with a comment, or a page)."""
    try:
        offer: Representation | None = forced or choose(request.headers.get("Accept"), PAGE_OFFERS)
    except NotAcceptableError:  # nothing acceptable: a plain 404 says more than a 406
        offer = None
    message = f"<{iri}> is not described in this dataset"
    if offer is None:
        response = Response(message + "\n", status=404, content_type="text/plain; charset=utf-8")
    elif offer.format is None:
        body = render_template("not_found.html", iri=iri, path=path)
        response = Response(body, status=404, content_type=offer.content_type)
    else:
        response = Response(empty_document(offer, message), status=404, content_type=offer.content_type)
    return finish(response, request, negotiated=forced is None)


def editor_link(query: str) -> str:
    """A link that opens the query editor with ``query`` loaded (YASGUI reads the fragment)."""
    return f"{request.script_root}/#query={quote(query, safe='')}"


def _graph_dump(graph: str, base: str) -> str:
    """Where the named graph's own Turtle dump is downloaded."""
    return f"{request.script_root}/dumps/{graph_file_name(graph, base)}"


@bp.after_request
def _after(response: Response) -> Response:
    """Like /sparql: a description that outran its limit may leave a runaway to stop."""
    response.call_on_close(services().runner.stop_if_runaway)
    return response
