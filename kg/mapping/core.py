"""What every named graph says of itself: which document it comes from, made by which tool version."""

from __future__ import annotations

from rdflib import Literal

from kg import __version__
from kg.core.dates import build_date
from kg.core.graph import GraphBuilder
from kg.core.vocab import DCTERMS, MKG, PROV, RDF, RDFS
from kg.mapping.iris import Iris
from kg.sources.common import Source


def add_provenance(builder: GraphBuilder, source: Source | None, iris: Iris) -> None:
    """PROV for a named graph: which file (and its sha256) it comes from, made by which tool version."""
    graph = builder.graph
    activity = iris.build_activity(__version__)
    software = iris.software(__version__)
    builder.add(graph, RDF.type, PROV.Entity)
    builder.add(graph, PROV.wasGeneratedBy, activity)
    builder.add(activity, RDF.type, PROV.Activity)
    builder.add(activity, PROV.wasAssociatedWith, software)
    builder.add(software, RDF.type, PROV.SoftwareAgent)
    builder.add(software, RDFS.label, Literal(f"métiers-kg {__version__}"))
    date = build_date()
    if date is not None:
        builder.add(activity, PROV.endedAtTime, date)
    if source is not None:
        document = iris.source_document(source.sha256)
        builder.add(graph, PROV.wasDerivedFrom, document)
        builder.add(graph, DCTERMS.source, document)
        builder.add(document, RDF.type, MKG.SourceDocument)
        builder.add(document, DCTERMS.title, Literal(source.name))
        builder.add(document, MKG.sha256, Literal(source.sha256))
