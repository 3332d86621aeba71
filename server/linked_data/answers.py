"""HTTP plumbing shared by the linked-data views: formats, negotiation, suffixes, links, 404s,
and :func:`fetch`, which runs a description on the SPARQL executor thread.

The representations and their negotiation are ``server.http``'s (one table, one Accept
parser); a dereferenced IRI adds the HTML page, ``application/json`` as JSON-LD, and the
``.ttl``/``.nt``/``.jsonld``/``.rdf``/``.html`` suffixes for people who cannot set headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from flask import Request, Response

from kg.core.vocab import MKG_NS, ONTOLOGY_IRI, PREFIXES
from server.http import negotiation
from server.http.representations import HTML, JSON_LD_ALIAS, RDF, Representation
from server.linked_data import jsonld
from server.linked_data.describe import Linker, sort_triples
from server.runtime.channel import Channel
from server.runtime.services import services

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PAGE_OFFERS = (HTML, *RDF)  # resources: a browser or */* gets the page
DATA_OFFERS = (*RDF, HTML)  # machine documents (/.well-known/void): */* gets Turtle
BY_SUFFIX = {offer.suffix: offer for offer in PAGE_OFFERS}


def choose(accept: str | None, offers: Sequence[Representation]) -> Representation:
    """The best offer for ``accept``; ``application/json`` gets JSON-LD when it is on offer (406 if none)."""
    has_json_ld = any(offer.format == ox.RdfFormat.JSON_LD for offer in offers)
    return negotiation.choose(accept, offers, (JSON_LD_ALIAS,) if has_json_ld else ())


def split_suffix(path: str) -> tuple[str, Representation] | None:
    """``metier/MET.717.ttl`` → (``metier/MET.717``, Turtle); None when no known suffix."""
    stem, dot, suffix = path.rpartition(".")
    offer = BY_SUFFIX.get(suffix) if dot else None
    return (stem, offer) if offer is not None and stem else None


def serialize(triples: Iterable[ox.Triple], offer: Representation) -> bytes:
    """Sorted triples in ``offer``'s format, with our prefixes where the format has them."""
    assert isinstance(offer.format, ox.RdfFormat)  # a page's offers are RDF formats
    if offer.format == ox.RdfFormat.JSON_LD:
        return jsonld.compact(triples, jsonld.context_url())
    prefixes = PREFIXES if offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body = ox.serialize(sort_triples(triples), format=offer.format, prefixes=prefixes)
    assert body is not None  # given no output, serialize returns the bytes
    return body


def empty_document(offer: Representation, message: str) -> bytes:
    """An empty graph in ``offer``'s format, with ``message`` as a comment where it allows one."""
    assert isinstance(offer.format, ox.RdfFormat)  # a page's offers are RDF formats
    body = ox.serialize([], format=offer.format)
    assert body is not None  # given no output, serialize returns the bytes
    if offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        line = CONTROL_CHARACTERS.sub("?", message)  # one comment line, whatever the path held
        body = f"# {line}\n".encode() + body
    return body


def make_linker(base_iri: str, script_root: str) -> Linker:
    """IRIs this server answers for → local hrefs: the ontology, and everything under the base."""
    ontology_ns = MKG_NS

    def link(iri: str) -> str | None:
        if iri.startswith(ontology_ns):
            return f"{script_root}/ontology#{iri[len(ontology_ns) :]}"
        if iri == ONTOLOGY_IRI:
            return f"{script_root}/ontology"
        if base_iri.endswith("/") and iri.startswith(base_iri) and len(iri) > len(base_iri):
            return f"{script_root}/" + quote(iri[len(base_iri) :], safe="/#:@!$&'()*+,;=-._~%")
        return None

    return link


def alternates(path: str) -> list[tuple[str, Representation]]:
    """(href, offer) of every suffixed variant of ``path`` (an absolute path without suffix)."""
    return [(f"{path}.{offer.suffix}", offer) for offer in PAGE_OFFERS]


def finish(response: Response, request: Request, *, negotiated: bool, path: str | None = None) -> Response:
    """Headers every linked-data answer carries: Vary, Link alternates, Content-Location, and the
    build's validators, as ``/sparql`` answers do (``server.http.caching``).

    ``public, no-cache``: caches may keep answers but revalidate them (a rebuild changes them),
    which costs a 304 (werkzeug's conditional-request rule).
    """
    if negotiated:
        response.vary.add("Accept")
    if path is not None:
        response.headers["Link"] = ", ".join(
            f'<{href}>; rel="alternate"; type="{offer.media_type}"' for href, offer in alternates(path)
        )
        if negotiated and response.status_code == 200:
            chosen = response.mimetype
            suffix = next((o.suffix for o in PAGE_OFFERS if o.media_type == chosen), None)
            if suffix:
                response.headers["Content-Location"] = f"{path}.{suffix}"
    if response.status_code == 200:
        found = services()
        for name, value in found.stores.current().validators(found.settings_tag)[1]:
            response.headers[name] = value
        response.make_conditional(request)
    return response


@dataclass(frozen=True)
class Fetched:
    """A description as it came back from the executor thread."""

    triples: list[ox.Triple]
    graphs: list[str]


def fetch(construct: str, select_graphs: str | None = None) -> Fetched:
    """Run a CONSTRUCT (and optionally a SELECT ?g) on the executor thread; parse here."""
    found = services()
    handle = found.stores.current()

    def job(channel: Channel) -> None:
        channel.begin(None)
        results = handle.store.construct(construct)
        data = results.serialize(format=ox.RdfFormat.N_TRIPLES)
        del results  # results must die on this thread
        graphs: list[str] = []
        if select_graphs is not None:
            solutions = handle.store.select(select_graphs, use_default_graph_as_union=False)
            graphs = [s["g"].value for s in solutions]
            del solutions
        channel.write(json.dumps({"ntriples": (data or b"").decode("utf-8"), "graphs": graphs}).encode("utf-8"))

    payload = json.loads(b"".join(found.runner.run(job)))
    triples = list(ox.parse(payload["ntriples"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return Fetched(triples, payload["graphs"])
