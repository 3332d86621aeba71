"""What every mapper returns: the triples of one named graph, and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.core.vocab import XSD

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
    return (
        str(subject),
        str(predicate),
        str(obj),
        type(obj).__name__,
        f"{getattr(obj, 'language', None) or ''}^{getattr(obj, 'datatype', None) or ''}",
    )


@lru_cache(maxsize=1 << 14)
def integer(value: int) -> Literal:
    """An xsd:integer literal; cached, as positions, orders and lines repeat in every document."""
    return Literal(value, datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal(value, datatype=XSD.boolean)
