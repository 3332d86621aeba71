"""The ontology at its own IRI: ``/ontology`` documents every term in HTML, or gives its Turtle.

``https://w3id.org/metiers-kg/ontology#Term`` is fixed whatever the data's base, and browsers
never send the fragment, so one document answers for every term: the page has an anchor per
term (``/ontology#FicheMetier``), the RDF is the ontology's named graph as stored (so it is what
SPARQL sees).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Response, render_template, request

from kg.core.vocab import MKG_NS, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS
from server.http.representations import Representation
from server.linked_data.answers import PAGE_OFFERS, choose, fetch, finish, make_linker, serialize
from server.linked_data.describe import Graph, PageBuilder, Row, Term, local_name, node_text
from server.runtime.services import services

KINDS = (  # (rdf:type, heading), in page order; a term goes under the first kind it has
    (str(OWL.Class), "Classes"),
    (str(OWL.ObjectProperty), "Propriétés d'objet"),
    (str(OWL.DatatypeProperty), "Propriétés de données"),
    (str(OWL.NamedIndividual), "Individus"),
)
OTHER = "Autres termes"
DOCUMENTED = frozenset({str(RDFS.label), str(SKOS.definition), str(RDF.type)})


@dataclass(frozen=True)
class TermDoc:
    anchor: str
    iri: str
    labels: dict[str, str]
    definitions: dict[str, str]
    types: tuple[Term, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class OntologyDoc:
    iri: str
    header: tuple[Row, ...]
    title: str
    sections: tuple[tuple[str, tuple[TermDoc, ...]], ...]


def ontology_query() -> str:
    """The graph that declares the ontology: its IRI is fixed, so it is found whatever the data's base."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ <{ONTOLOGY_IRI}> a <{OWL.Ontology}> . ?s ?p ?o }} }}"


def document(graph: Graph, builder: PageBuilder) -> OntologyDoc:
    """Group the ontology's terms by kind, each with its fr/en labels and definitions."""
    namespace = MKG_NS
    grouped: dict[str, list[TermDoc]] = {}
    for subject in sorted(s for s in graph.out if s.startswith(namespace)):
        typed = sorted(graph.out[subject].get(str(RDF.type), []), key=node_text)
        types = [node_text(o) for o in typed]
        heading = next((h for kind, h in KINDS if kind in types), OTHER)
        grouped.setdefault(heading, []).append(
            TermDoc(
                anchor=subject[len(namespace) :],
                iri=subject,
                labels={lang: text for lang in ("fr", "en") if (text := graph.text_in(subject, str(RDFS.label), lang))},
                definitions={
                    lang: text for lang in ("fr", "en") if (text := graph.text_in(subject, str(SKOS.definition), lang))
                },
                types=tuple(builder.term(o) if isinstance(o, ox.Triple) else builder.iri_term(o.value) for o in typed),
                rows=builder.rows(subject, DOCUMENTED),
            )
        )
    order = [h for _, h in KINDS] + [OTHER]
    sections = tuple((h, tuple(grouped[h])) for h in order if h in grouped)
    title = graph.text_in(ONTOLOGY_IRI, "http://purl.org/dc/terms/title", "fr") or local_name(ONTOLOGY_IRI)
    return OntologyDoc(ONTOLOGY_IRI, builder.rows(ONTOLOGY_IRI), title, sections)


def respond(forced: Representation | None) -> Response:
    """``/ontology`` (or ``/ontology.ttl`` …) in the negotiated or suffixed format."""
    base = services().config.base_iri
    fetched = fetch(ontology_query())
    offer = forced or choose(request.headers.get("Accept"), PAGE_OFFERS)
    path = f"{request.script_root}/ontology"
    if not fetched.triples:  # a store built without the ontology graph
        return Response(
            f"<{ONTOLOGY_IRI}> is not in this store\n", status=404, content_type="text/plain; charset=utf-8"
        )
    if offer.format is not None:
        response = Response(serialize(fetched.triples, offer), content_type=offer.content_type)
    else:
        graph = Graph(fetched.triples)
        doc = document(graph, PageBuilder(graph, make_linker(base, request.script_root)))
        response = Response(render_template("ontology.html", doc=doc, path=path), content_type=offer.content_type)
    return finish(response, request, negotiated=forced is None, path=path)
