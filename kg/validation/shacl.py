"""SHACL validation of the mapped graphs → a Report whose violations point at source lines.

All graphs are validated together, once: cross-document constraints (a ROME code must be a
ROME 4.0 fiche, a passerelle must reach an existing emploi-type) need the union, and one
pyshacl run over the whole graph is linear in its size (≈ 7 µs per triple measured here),
where document-by-document runs cost about four times as much.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.core.errors import ValidationError
from kg.core.graph import MappedGraph
from kg.core.vocab import SH

SHAPES_RESOURCE = "metiers-kg-shapes.ttl"


@dataclass(frozen=True)
class Violation:
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    focus: str
    path: str | None
    value: str | None
    source: Path | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.source and self.line else str(self.source or "<generated>")
        return f"{where}: {self.reason()}"

    def reason(self) -> str:
        """The result without its location: what a rejection report says after ``FILE:LINE:``."""
        detail = f"focus <{self.focus}>"
        if self.path:
            detail += f", path <{self.path}>"
        if self.value:
            detail += f", value {self.value}"
        return f"{self.severity}: {self.message} ({detail})"


@dataclass(frozen=True)
class Rejection:
    """A document left out of a build, and why: one line ``FILE:LINE: reason`` of the rejection report."""

    source: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Violation, ...]
    triples: int

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    def raise_if_invalid(self) -> None:
        if self.violations:
            raise ValidationError(self)

    def __str__(self) -> str:
        if not self.results:
            return f"SHACL: {self.triples} triples conform to the shapes"
        head = (f"SHACL: {len(self.violations)} violation(s), "
                f"{len(self.results) - len(self.violations)} other result(s) in {self.triples} triples")
        return "\n".join([head, *(f"  {result}" for result in self.results)])


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """shapes/ as reviewed, with property shapes hoisted to their node shapes' targets (see below)."""
    text = (files("metiers_kg_data.shapes") / SHAPES_RESOURCE).read_text("utf-8")
    return hoist_property_shapes(Graph().parse(data=text, format="turtle"))


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def hoist_property_shapes(shapes: Graph) -> Graph:
    """Give each property shape of a targeted node shape that node shape's targets, and unlink it.

    Same constraints, same results (focus node, path, message): only faster. pyshacl runs a
    property shape nested under a node shape once per focus node, building its constraint
    components every time, but runs a targeted property shape once over all its focus nodes;
    on our fiches that is about twice as fast. The Turtle keeps the nested form humans review.
    """
    hoisted = Graph()
    for triple in shapes:
        hoisted.add(triple)
    referenced = _referenced_shapes(shapes)
    for node_shape in set(shapes.subjects(SH.property, None)):
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(node_shape, p)]
        if not targets or node_shape in referenced:
            continue  # reached through sh:node / sh:or…: its property shapes must stay nested
        for property_shape in shapes.objects(node_shape, SH.property):
            for predicate, target in targets:
                hoisted.add((property_shape, predicate, target))
            hoisted.remove((node_shape, SH.property, property_shape))
    return hoisted


def _referenced_shapes(shapes: Graph) -> set[Node]:
    """Shapes another shape applies (``sh:node``, ``sh:not``, ``sh:qualifiedValueShape``, or a member
    of ``sh:and``/``sh:or``/``sh:xone``): unlinking their property shapes would empty them there."""
    referenced = {o for p in (SH.node, SH["not"], SH.qualifiedValueShape) for o in shapes.objects(None, p)}
    for p in (SH["and"], SH["or"], SH.xone):
        for members in shapes.objects(None, p):
            referenced.update(Collection(shapes, members))
    return referenced


@lru_cache(maxsize=64)
def _prepared(query: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(query, initNs=dict(namespaces))


class _DataGraph(Graph):
    """The data graph handed to pyshacl, parsing each SPARQL query text once.

    pyshacl evaluates a SHACL-SPARQL constraint (``sh:select``) once per focus node, passing the
    same query text every time, and rdflib parses it anew each time (≈ 20 ms with pyparsing):
    on the ONISEP corpus, 2,520 ISCO links cost 56 s of parsing for 2 s of evaluation. Same
    query, same bindings, same results: only the parse is shared.
    """

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # type: ignore[override]  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str) and not initNs and "base" not in kwargs:
            # The namespaces rdflib would give the query (the graph's own bindings) are part of the key.
            namespaces = tuple(sorted((prefix, str(iri)) for prefix, iri in self.namespaces()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def validate(graphs: list[MappedGraph]) -> Report:
    """Validate the union of the graphs against shapes/; never raises for invalid data."""
    data = _DataGraph()
    for mapped in graphs:
        for triple in mapped.triples:
            data.add(triple)
    conforms, results_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True,
    )
    results = sorted(
        (_violation(results_graph, result, graphs) for result in results_graph.subjects(None, SH.ValidationResult)),
        key=_report_order,
    )
    return Report(conforms=bool(conforms), results=tuple(results), triples=len(data))


def _report_order(v: Violation) -> tuple:
    return (str(v.source or ""), v.line or 0, v.focus, v.path or "", v.message, v.value or "")


def merge_reports(reports: Iterable[Report]) -> Report:
    """One report for several batches; results about shared reference graphs are counted once."""
    reports = list(reports)
    results = sorted(set().union(*(r.results for r in reports)),
                     key=_report_order)
    return Report(conforms=all(r.conforms for r in reports), results=tuple(results),
                  triples=sum(r.triples for r in reports))


def _violation(results: Graph, result: Node, graphs: list[MappedGraph]) -> Violation:
    def one(predicate: Node) -> Node | None:
        return next(iter(results.objects(result, predicate)), None)

    focus, path, value = one(SH.focusNode), one(SH.resultPath), one(SH.value)
    severity = one(SH.resultSeverity)
    message = one(SH.resultMessage)
    path_text = str(path) if isinstance(path, URIRef) else None  # complex paths are blank nodes
    source, line = None, None
    for mapped in graphs:
        found = mapped.line_of(str(focus), path_text)
        if found is not None:
            source, line = mapped.source, found
            break
    return Violation(
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        message=str(message) if message is not None else "constraint violated",
        focus=str(focus),
        path=path_text,
        value=value.n3() if value is not None else None,
        source=source,
        line=line,
    )
