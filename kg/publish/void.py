"""The dataset's VoID description: sizes, class and property partitions, linksets, and the named graphs
as subsets (a self-describing graph, ROME, with what it says of itself)."""

from __future__ import annotations

import re

from kg.core.vocab import DCAT, DCTERMS, FOAF, FORMATS, OWL, PREFIXES, RDF, VOID, XSD
from kg.mapping.iris import Iris
from kg.publish.publication import FORMAT_INFO, Publication, Triples, fragment
from kg.publish.void_stats import Statistics, link_targets

# The named graphs of one document: what their description says they hold.
GRAPH_KINDS = (
    ("graph/fiche/", "Fiche métier ONISEP", "ONISEP fiche métier"),
    ("graph/formation/", "Fiche formation ONISEP", "ONISEP fiche formation"),
    ("graph/referentiel/", "Référentiel métiers", "Job framework"),
    ("graph/temoignage/", "Témoignage", "Testimony"),
)


def void_dataset(out: Triples, stats: Statistics, publication: Publication) -> None:
    dataset = publication.dataset
    out.iri(dataset, RDF.type, VOID + "Dataset")
    out.iri(dataset, VOID + "sparqlEndpoint", publication.endpoint)
    out.text(dataset, VOID + "uriSpace", publication.base_iri)
    for example in stats.examples:
        out.iri(dataset, VOID + "exampleResource", example)
    features = {FORMAT_INFO[d.format].feature for d in publication.distributions}
    for name in sorted(f for f in features if f is not None):
        out.iri(dataset, VOID + "feature", FORMATS + name)
    for key, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("classes", len(stats.classes)),
        ("properties", len(stats.properties)),
        ("distinctSubjects", stats.distinct_subjects),
        ("distinctObjects", stats.distinct_objects),
    ):
        out.typed(dataset, VOID + key, value, "integer")
    used = {iri for iri, _ in stats.classes} | {iri for iri, _ in stats.properties}
    for namespace in sorted(set(PREFIXES.values())):
        if any(iri.startswith(namespace) for iri in used):
            out.iri(dataset, VOID + "vocabulary", namespace)
    for cls, count in stats.classes:
        node = publication.part("class-" + fragment(cls))
        out.iri(dataset, VOID + "classPartition", node)
        out.iri(node, VOID + "class", cls)
        out.typed(node, VOID + "entities", count, "integer")
    for prop, count in stats.properties:
        node = publication.part("property-" + fragment(prop))
        out.iri(dataset, VOID + "propertyPartition", node)
        out.iri(node, VOID + "property", prop)
        out.typed(node, VOID + "triples", count, "integer")
    for source, title in stats.sources:
        out.iri(dataset, DCTERMS + "source", source)
        if title:
            out.text(source, DCTERMS + "title", title)
    if stats.created:
        for key in ("created", "issued"):
            out.typed(dataset, DCTERMS + key, stats.created, "dateTime")
    out.text(dataset, OWL.versionInfo, publication.version)
    out.text(dataset, DCAT + "version", publication.version)


def linksets(out: Triples, stats: Statistics, publication: Publication) -> None:
    """One linkset per target (all predicates), with one subset per link predicate."""
    dataset = publication.dataset
    for target in link_targets(publication.base_iri):
        if target.key == "rome":
            target_iri = str(Iris(publication.base_iri).graph("rome"))  # our ROME graph is a subset
        else:
            target_iri = publication.part(target.key)
            out.iri(target_iri, RDF.type, VOID + "Dataset")
            out.text(target_iri, DCTERMS + "title", target.title)
            for namespace in target.namespaces:
                out.text(target_iri, VOID + "uriSpace", namespace)
        if target.homepage:
            out.iri(target_iri, FOAF + "homepage", target.homepage)
        linkset = publication.part("linkset-" + target.key)
        rows = [(p, n) for key, p, n in stats.links if key == target.key]
        out.iri(dataset, VOID + "subset", linkset)
        _linkset(out, linkset, dataset, target_iri, sum(n for _, n in rows))
        out.text(linkset, DCTERMS + "title", f"Liens vers {target.title}", "fr")
        for predicate, count in rows:
            sub = publication.part(f"linkset-{target.key}-{fragment(predicate)}")
            out.iri(linkset, VOID + "subset", sub)
            _linkset(out, sub, dataset, target_iri, count)
            out.iri(sub, VOID + "linkPredicate", predicate)


def _linkset(out: Triples, node: str, subjects: str, objects: str, count: int) -> None:
    out.iri(node, RDF.type, VOID + "Linkset")
    out.iri(node, VOID + "subjectsTarget", subjects)
    out.iri(node, VOID + "objectsTarget", objects)
    out.typed(node, VOID + "triples", count, "integer")


def graph_descriptions(out: Triples, stats: Statistics, publication: Publication) -> None:
    """What a self-describing graph (ROME) says of itself, and its class partitions (fiches, appellations…)."""
    for graph, predicate, value, tag in stats.graph_descriptions:
        term = predicate[len(str(DCTERMS)) :]
        if term == "publisher":  # DCAT-AP wants an agent: the export names its publisher
            agent = publication.part("publisher-" + re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").lower())
            out.iri(graph, DCTERMS + "publisher", agent)
            out.iri(agent, RDF.type, FOAF + "Agent")
            out.text(agent, FOAF + "name", value)
        elif term == "license":
            out.iri(graph, DCTERMS + "license", value)
        elif term == "hasVersion":
            out.text(graph, DCAT + "version", value)
            out.text(graph, OWL.versionInfo, value)
        elif tag.startswith(str(XSD)) and tag != str(XSD.string):
            out.typed(graph, predicate, value, tag[len(str(XSD)) :])
        else:
            out.text(graph, predicate, value, None if tag.startswith("http") else tag or None)
    for graph, cls, count in stats.graph_classes:
        name = re.sub(
            r"[^A-Za-z0-9.-]+",
            "-",
            graph[len(publication.base_iri) :] if graph.startswith(publication.base_iri) else graph,
        )
        node = publication.part(f"{name}-class-{fragment(cls)}")
        out.iri(graph, VOID + "classPartition", node)
        out.iri(node, VOID + "class", cls)
        out.typed(node, VOID + "entities", count, "integer")


def graph_description(name: str, graph: str) -> str:
    """A document's graph says which document it is; the others are named."""
    for prefix, french, _english in GRAPH_KINDS:
        if name.startswith(prefix):
            return f"{french} {name[len(prefix) :]} : le graphe nommé <{graph}> de métiers-kg."
    return f"Le graphe nommé <{graph}> de métiers-kg."
