"""The dataset's own description: VoID (sizes, partitions, linksets) and a DCAT-AP 3 record.

Why both, on one node: linked-data tools read VoID (how big, which classes and properties,
where the dumps and the endpoint are, how many links to ROME and ESCO), data portals harvest
DCAT-AP (title, licence, distributions with size and checksum, the SPARQL service). Both
describe ``<base>dataset``, so one Turtle file (``void.ttl`` in the dumps, and
``/.well-known/void`` on the server) serves both.

Every figure comes from the store by SPARQL, so the description is true of what is served and
follows whatever the mapping adds (e.g. new ESCO links). Nothing reads the clock: the date is
the build's ``prov:endedAtTime`` (set from SOURCE_DATE_EPOCH at build time) or, failing that,
SOURCE_DATE_EPOCH now; without either there is no date. Same store → same bytes.

The parts: what is published and how the triples are collected (publication.py), the VoID
description (void.py), the DCAT-AP record (dcat.py); ``describe`` puts them on one node.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.core.vocab import DCAT, DCTERMS, RDF, VOID
from kg.publish.dcat import HOLDINGS, dcat_catalogue, distribution_record
from kg.publish.publication import (
    DESCRIPTION_PREFIXES,
    FORMAT_INFO,
    Distribution,
    Publication,
    Triples,
    content_version,
    sort_triples,
)
from kg.publish.void import graph_description, graph_descriptions, linksets, void_dataset
from kg.publish.void_stats import Statistics, compute_statistics, link_targets

__all__ = [
    "DESCRIPTION_PREFIXES",
    "FORMAT_INFO",
    "HOLDINGS",
    "Distribution",
    "Publication",
    "Statistics",
    "compute_statistics",
    "content_version",
    "describe",
    "link_targets",
    "sort_triples",
    "to_turtle",
]


def describe(stats: Statistics, publication: Publication) -> list[ox.Triple]:
    """VoID + DCAT-AP triples for the dataset, sorted."""
    out = Triples()
    dataset, part = publication.dataset, publication.part
    void_dataset(out, stats, publication)
    linksets(out, stats, publication)
    dcat_catalogue(out, stats, publication)
    described = {g for g, *_ in stats.graph_descriptions}
    for graph, count in stats.graphs:  # each named graph is a subset, with its own dump
        name = graph[len(publication.base_iri) :] if graph.startswith(publication.base_iri) else graph
        out.iri(dataset, VOID + "subset", graph)
        out.iri(graph, RDF.type, VOID + "Dataset")
        out.iri(graph, RDF.type, DCAT + "Dataset")
        out.typed(graph, VOID + "triples", count, "integer")
        if graph not in described:
            out.text(graph, DCTERMS + "title", f"métiers-kg, graphe nommé {name}", "fr")
            out.text(graph, DCTERMS + "description", graph_description(name, graph), "fr")
        out.iri(graph, DCTERMS + "isPartOf", dataset)
    graph_descriptions(out, stats, publication)
    for graph, source in stats.graph_sources:
        out.iri(graph, DCTERMS + "source", source)
    for distribution in publication.distributions:  # whole-dataset dumps, and each graph's own
        owner = distribution.graph or dataset
        node = part("dump-" + re.sub(r"[^A-Za-z0-9.-]+", "-", distribution.name))
        url = publication.dumps + distribution.name
        if FORMAT_INFO[distribution.format].feature:  # void:dataDump is for RDF dumps only
            out.iri(owner, VOID + "dataDump", url)
        out.iri(owner, DCAT + "distribution", node)
        distribution_record(out, node, url, distribution, publication)
    return out.sorted()


def to_turtle(triples: list[ox.Triple]) -> bytes:
    """Readable, deterministic Turtle (input already sorted)."""
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
    assert turtle is not None  # given no output, serialize returns the bytes
    return turtle
