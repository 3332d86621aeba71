"""Compacted JSON-LD for the linked-data answers, with the ``@context`` published at ``/context.jsonld``.

pyoxigraph writes expanded JSON-LD (full IRIs, every value an array of objects), which is
correct but unreadable for the integrators who ask for JSON. This writes the same graph
compacted against one context made of the dataset's prefixes (``kg.core.vocab.PREFIXES``): keys and
``@id``s as CURIEs (``skos:prefLabel``, ``mkg:FicheMetier``), ``rdf:type`` as ``@type``, plain
strings as strings, one value unwrapped from its array, nodes in ``@graph`` sorted by ``@id``.
The context is referenced by URL, so every answer stays small and points at the same document;
any JSON-LD processor expands the answer back to exactly the triples (tested with rdflib).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
from flask import Blueprint, Response, request

from kg.core.vocab import PREFIXES, RDF, XSD
from kg.publish.dataset import sort_triples
from server.http.caching import CACHE_CONTROL
from server.http.errors import NotAcceptableError
from server.http.representations import RDF as RDF_OFFERS
from server.runtime.services import services

CONTEXT_PATH = "/context.jsonld"
MEDIA_TYPE = ox.RdfFormat.JSON_LD.media_type
TYPE, STRING = str(RDF.type), str(XSD.string)

bp = Blueprint("jsonld", __name__)


def context() -> dict[str, str]:
    """The prefixes every compacted answer uses (also the body of ``/context.jsonld``)."""
    return dict(sorted(PREFIXES.items()))


def context_url() -> str:
    """Where this server publishes the context, as the requesting client reaches it."""
    return services().config.root_seen_by(request.root_url) + CONTEXT_PATH


def compact_iri(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace) :].startswith("//"):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _node_id(node: ox.NamedNode | ox.BlankNode) -> str:
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else compact_iri(node.value)


def _value(node: object) -> object:
    if isinstance(node, ox.Literal):
        if node.language:
            return {"@value": node.value, "@language": node.language}
        if node.datatype.value == STRING:
            return node.value
        return {"@value": node.value, "@type": compact_iri(node.datatype.value)}
    if isinstance(node, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(node)}
    raise TypeError(f"not an RDF term JSON-LD writes: {node!r}")


def compact(triples: Iterable[ox.Triple], context_reference: object) -> bytes:
    """The triples as one compacted JSON-LD document whose ``@context`` is ``context_reference``."""
    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in sort_triples(triples):
        if isinstance(triple.object, ox.Triple):  # written through SPARQL Update: `<<( s p o )>>`
            raise NotAcceptableError(
                request.headers.get("Accept", MEDIA_TYPE),
                [offer.media_type for offer in RDF_OFFERS if offer.format != ox.RdfFormat.JSON_LD],
                f"JSON-LD 1.1 cannot express the RDF 1.2 triple term {triple.object} this description holds",
            )
        subject = triple.subject
        if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):  # RDF 1.2 has no triple term as subject
            raise TypeError(f"a triple term as subject: {subject}")
        node = nodes.setdefault(_node_id(subject), {})
        if triple.predicate.value == TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact_iri(triple.object.value))
        else:
            node.setdefault(compact_iri(triple.predicate.value), []).append(_value(triple.object))
    graph = [
        {"@id": node_id, **{key: values[0] if len(values) == 1 else values for key, values in sorted(node.items())}}
        for node_id, node in sorted(nodes.items())
    ]
    document = {"@context": context_reference, "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@bp.route(CONTEXT_PATH, methods=["GET"])
def context_document() -> Response:
    """The context every JSON-LD answer refers to: the dataset's prefixes."""
    body = json.dumps({"@context": context()}, ensure_ascii=False, indent=1) + "\n"
    response = Response(body, content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
