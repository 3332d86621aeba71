"""What every mapper returns: the triples of one named graph, and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
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
        ordered = sorted(self._triples, key=lambda triple: tuple(term.n3() for term in triple))
        return MappedGraph(self.graph, self.source, ordered, dict(self._locations))


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal(value, datatype=XSD.boolean)
