"""What every mapper returns: the triples of one named graph, and where each came from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg import __version__
from kg.mapping.iris import Iris
from kg.sources.common import Source
from kg.vocab import DCTERMS, MKG, PROV, RDF, RDFS, XSD

Triple = tuple[Node, Node, Node]


@dataclass
class MappedGraph:
    """One named graph and a source map (subject, predicate) → line for error reports."""

    graph: URIRef
    source: Path | None
    triples: list[Triple]
    locations: dict[tuple[str, str | None], int] = field(default_factory=dict)

    def line_of(self, subject: str, predicate: str | None) -> int | None:
        """The source line of a field, falling back to the line of its subject."""
        return self.locations.get((subject, predicate), self.locations.get((subject, None)))


class GraphBuilder:
    """Collects triples for one named graph, remembering the source line of each field."""

    def __init__(self, graph: URIRef, source: Path | None = None) -> None:
        self.graph = graph
        self.source = source
        self._triples: set[Triple] = set()
        self._locations: dict[tuple[str, str | None], int] = {}

    def add(self, subject: Node, predicate: Node, obj: Node, line: int | None = None) -> None:
        self._triples.add((subject, predicate, obj))
        if line is not None:
            self._locations.setdefault((str(subject), str(predicate)), line)

    def fr(self, subject: Node, predicate: Node, text: str | None, line: int | None = None) -> None:
        """Add a French literal, skipping empty text (absent fields stay absent)."""
        if text and text.strip():
            self.add(subject, predicate, Literal(text.strip(), lang="fr"), line)

    def locate(self, subject: Node, line: int | None) -> None:
        if line is not None:
            self._locations.setdefault((str(subject), None), line)

    def result(self) -> MappedGraph:
        """The triples in a fixed order (the store and the dumps do not depend on it; a run's N-Quads do)."""
        return MappedGraph(self.graph, self.source, sorted(self._triples, key=_triple_order), dict(self._locations))


def _triple_order(triple: Triple) -> tuple[str, str, str, str, str]:
    # Plain strings, so that sorting never runs rdflib's rich comparisons; kind, language and
    # datatype tell apart the terms that share a text (an IRI and a literal, "1" and "1"@fr).
    subject, predicate, obj = triple
    return (str(subject), str(predicate), str(obj), type(obj).__name__,
            f"{getattr(obj, 'language', None) or ''}^{getattr(obj, 'datatype', None) or ''}")


@lru_cache(maxsize=1 << 14)
def integer(value: int) -> Literal:
    """An xsd:integer literal; cached, as positions, orders and lines repeat in every document."""
    return Literal(value, datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal(value, datatype=XSD.boolean)


def source_date() -> datetime | None:
    """The build moment from SOURCE_DATE_EPOCH when set, never from the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    except (ValueError, OverflowError):
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None


def build_date() -> Literal | None:
    """The build date as an xsd:dateTime literal (see ``source_date``)."""
    moment = source_date()
    if moment is None:
        return None
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


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
