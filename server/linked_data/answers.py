"""HTTP plumbing shared by the linked-data views: formats, negotiation, suffixes, links, 404s,
and :func:`fetch`, which runs a description on the SPARQL executor thread.

Why not ``server.http.negotiation`` alone: that module negotiates SPARQL *results*; a dereferenced
IRI also offers ``text/html`` and answers ``.ttl``/``.nt``/``.jsonld``/``.rdf``/``.html``
suffixes for people who cannot set headers. Its Accept parsing (q-values, wildcards,
specificity) is reused as is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from flask import Request, Response

from server.linked_data.describe import Linker, sort_triples
from server.http.errors import NotAcceptableError
from kg.core.vocab import MKG_NS, ONTOLOGY_IRI, PREFIXES
from server.linked_data import jsonld
from server.http.caching import CACHE_CONTROL
from server.http.negotiation import parse_accept, quality
from server.runtime.query_runner import Channel
from server.runtime.services import services

HTML_TYPE = "text/html"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Offer:
    """One representation of a resource: media type, serialiser (None for HTML), file suffix."""

    media_type: str
    format: ox.RdfFormat | None
    suffix: str

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


HTML = Offer(HTML_TYPE, None, "html")
TURTLE = Offer("text/turtle", ox.RdfFormat.TURTLE, "ttl")
RDF_OFFERS = (
    TURTLE,
    Offer("application/n-triples", ox.RdfFormat.N_TRIPLES, "nt"),
    Offer("application/ld+json", ox.RdfFormat.JSON_LD, "jsonld"),
    Offer("application/rdf+xml", ox.RdfFormat.RDF_XML, "rdf"),
)
# ``Accept: application/json`` on an RDF answer gets the JSON-LD (labelled application/json); it
# is tried after every other offer, so it never wins a tie, and has no suffix or alternate link.
JSON_ALIAS = Offer("application/json", ox.RdfFormat.JSON_LD, "jsonld")
PAGE_OFFERS = (HTML, *RDF_OFFERS)  # resources: a browser or */* gets the page
DATA_OFFERS = (*RDF_OFFERS, HTML)  # machine documents (/.well-known/void): */* gets Turtle
BY_SUFFIX = {offer.suffix: offer for offer in PAGE_OFFERS}
# Media types a SPARQL client may want from /sparql or / (results, service description).
MACHINE_TYPES = tuple(o.media_type for o in RDF_OFFERS) + (
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "application/json", "application/xml",
)


def choose(accept: str | None, offers: Sequence[Offer]) -> Offer:
    """The best offer for ``accept`` (server order breaks ties); NotAcceptableError (406) if none."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for offer in (*offers, JSON_ALIAS) if any(o.format == ox.RdfFormat.JSON_LD for o in offers) else offers:
        q = quality(ranges, offer.media_type)
        if q > best_q:
            best, best_q = offer, q
    if best is None:
        raise NotAcceptableError(accept or "", [o.media_type for o in offers])
    return best


def prefers_html(accept: str | None) -> bool:
    """True when the client names text/html and likes nothing a machine client would want more.

    A browser (``text/html,…,*/*;q=0.8``) qualifies; curl (``*/*``) and SPARQL clients do not,
    so they keep getting data where they used to.
    """
    ranges = parse_accept(accept)
    if not any(r.type == "text" and r.subtype == "html" for r in ranges):
        return False
    html = quality(ranges, HTML_TYPE)
    return html > 0 and html >= max(quality(ranges, t) for t in MACHINE_TYPES)


def names_rdf(accept: str | None) -> bool:
    """True when the client asks for an RDF type by name (not just ``*/*``) and not for a page."""
    rdf = {o.media_type for o in RDF_OFFERS}
    named = any(f"{r.type}/{r.subtype}" in rdf and r.q > 0 for r in parse_accept(accept))
    return named and not prefers_html(accept)


def split_suffix(path: str) -> tuple[str, Offer] | None:
    """``metier/MET.717.ttl`` → (``metier/MET.717``, Turtle); None when no known suffix."""
    stem, dot, suffix = path.rpartition(".")
    offer = BY_SUFFIX.get(suffix) if dot else None
    return (stem, offer) if offer is not None and stem else None


def serialize(triples: Iterable[ox.Triple], offer: Offer) -> bytes:
    """Sorted triples in ``offer``'s format, with our prefixes where the format has them."""
    assert offer.format is not None
    if offer.format == ox.RdfFormat.JSON_LD:
        return jsonld.compact(triples, jsonld.context_url())
    prefixes = PREFIXES if offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(sort_triples(triples), format=offer.format, prefixes=prefixes)


def empty_document(offer: Offer, message: str) -> bytes:
    """An empty graph in ``offer``'s format, with ``message`` as a comment where it allows one."""
    assert offer.format is not None
    body = ox.serialize([], format=offer.format)
    if offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        line = CONTROL_CHARACTERS.sub("?", message)  # one comment line, whatever the path held
        body = f"# {line}\n".encode("utf-8") + body
    return body


def make_linker(base_iri: str, script_root: str) -> Linker:
    """IRIs this server answers for → local hrefs: the ontology, and everything under the base."""
    ontology_ns = MKG_NS

    def link(iri: str) -> str | None:
        if iri.startswith(ontology_ns):
            return f"{script_root}/ontology#{iri[len(ontology_ns):]}"
        if iri == ONTOLOGY_IRI:
            return f"{script_root}/ontology"
        if base_iri.endswith("/") and iri.startswith(base_iri) and len(iri) > len(base_iri):
            return f"{script_root}/" + quote(iri[len(base_iri):], safe="/#:@!$&'()*+,;=-._~%")
        return None

    return link


def alternates(path: str) -> list[tuple[str, Offer]]:
    """(href, offer) of every suffixed variant of ``path`` (an absolute path without suffix)."""
    return [(f"{path}.{offer.suffix}", offer) for offer in PAGE_OFFERS]


def finish(response: Response, request: Request, *, negotiated: bool, path: str | None = None) -> Response:
    """Headers every linked-data answer carries: Vary, Link alternates, Content-Location, ETag.

    ``public, no-cache``: caches may keep answers but revalidate them (a rebuild changes them),
    which costs a 304 thanks to the ETag.
    """
    if negotiated:
        response.vary.add("Accept")
    if path is not None:
        response.headers["Link"] = ", ".join(
            f'<{href}>; rel="alternate"; type="{offer.media_type}"' for href, offer in alternates(path))
        if negotiated and response.status_code == 200:
            chosen = response.mimetype
            suffix = next((o.suffix for o in PAGE_OFFERS if o.media_type == chosen), None)
            if suffix:
                response.headers["Content-Location"] = f"{path}.{suffix}"
    if response.status_code == 200:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        response.headers["Cache-Control"] = CACHE_CONTROL
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
        results = handle.store.query(construct)
        data = results.serialize(format=ox.RdfFormat.N_TRIPLES)
        del results  # results must die on this thread
        graphs: list[str] = []
        if select_graphs is not None:
            solutions = handle.store.query(select_graphs, use_default_graph_as_union=False)
            graphs = [s["g"].value for s in solutions]
            del solutions
        channel.write(json.dumps({"ntriples": (data or b"").decode("utf-8"), "graphs": graphs}).encode("utf-8"))

    payload = json.loads(b"".join(found.runner.run(job)))
    triples = list(ox.parse(payload["ntriples"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return Fetched(triples, payload["graphs"])
