"""SHACL shapes → SPARQL checks that ``kg.validation.store`` runs over an Oxigraph store.

pySHACL needs the data as an rdflib graph and costs seconds per 100,000 triples; Oxigraph
answers the same questions from its indexes, outside the GIL. Each shape becomes a
:class:`Shape`: its focus nodes as a SPARQL pattern (:class:`Target`), its value nodes as a
SPARQL property path, and its constraints as SPARQL expressions or queries. Supported: the
SHACL Core components (value type, cardinality, value range, string, property pair, logical,
shape-based and other constraints, except ``sh:closed``, the qualified value shapes and
``sh:uniqueLang``) and SHACL-SPARQL's ``sh:select`` constraints on node shapes. A shape
using anything else is refused when the shapes are read, so no constraint is silently skipped.
Classes follow ``rdfs:subClassOf`` in the ontology, as pySHACL does with the ontology in the
data graph. A differential test compares every result with pySHACL's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Identifier, Node

from kg.core.vocab import RDF, RDFS, SH

ROME_SHAPES_RESOURCE = "rome-shapes.ttl"
DOCUMENT_SHAPES_RESOURCE = "metiers-kg-shapes.ttl"
ONTOLOGY_RESOURCE = "metiers-kg.ttl"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
ANNOTATIONS = {RDF.type, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, RDFS.label}
ANNOTATIONS |= {RDFS.comment, SH.flags, SH.property, SH.path, *TARGETS}
COUNTS = {SH.minCount: "<", SH.maxCount: ">"}  # the comparison of the value count that breaks it
RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
LENGTHS = {SH.minLength: ">=", SH.maxLength: "<="}
PAIRS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
LOGICAL = (SH.node, SH["not"], SH["and"], SH["or"], SH.xone)
NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical form Oxigraph checks when casting: an ill-formed literal of one of them
# breaks sh:datatype, as it does in pySHACL.
CASTABLE = {XSD + t for t in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "duration")}
PATH_STEPS = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+", SH.zeroOrOnePath: "({})?"}
THIS = re.compile(r"[$?]this\b")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
PRE_BOUND = re.compile(r"\$(currentShape|shapesGraph|PATH|value)\b")


class ShapesError(ValueError):
    """A shape that ``kg.validation`` cannot compile; raised when the shapes are read."""


@dataclass(frozen=True)
class Target:
    """Focus nodes as a SPARQL group pattern binding ``?%v`` (the caller names the variable)."""

    template: str

    def pattern(self, var: str) -> str:
        return self.template.replace("%v", var)

    @staticmethod
    def union(targets: list[Target]) -> Target:
        if len(targets) == 1:
            return targets[0]
        return Target(" UNION ".join(f"{{ {t.template} }}" for t in targets))

    def values_of(self, path: str) -> Target:
        """The value nodes of ``path`` from these focus nodes: the focus nodes of a nested shape."""
        return Target(f"{{ SELECT DISTINCT ?%v WHERE {{ {self.pattern('%v_o')} ?%v_o {path} ?%v }} }}")


@dataclass(frozen=True)
class ValueTest:
    """A constraint that each value node passes or fails alone: a SPARQL expression over ``?value``."""

    expression: str


@dataclass(frozen=True)
class Count:
    """``sh:minCount`` / ``sh:maxCount`` (``breaks`` compares the count of values), or ``sh:hasValue``."""

    breaks: str  # "<", ">", or "has" for sh:hasValue
    value: str  # the count, or the N3 term that must be among the values


@dataclass(frozen=True)
class Pair:
    """A property-pair constraint: ``sh:equals``, ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``."""

    component: str  # the component's local name
    predicate: str


@dataclass(frozen=True)
class Logical:
    """``sh:node``, ``sh:not`` (one member), ``sh:and``, ``sh:or``, ``sh:xone`` (a list of members)."""

    component: str
    members: tuple[Shape, ...]


@dataclass(frozen=True)
class Select:
    """A SHACL-SPARQL constraint: its SELECT with ``?this`` free, cut where its WHERE clause opens (the
    focus nodes' pattern goes there), and its own message if it has one."""

    head: str
    body: str
    message: str | None

    def bound_to(self, target: Target) -> str:
        """The query with ``?this`` bound to each focus node of ``target``."""
        return f"{self.head} {target.pattern('this')} {self.body}"


@dataclass(frozen=True)
class Shape:
    name: str  # the shape's IRI or blank node id, for errors
    path: str | None  # a SPARQL property path; None for a node shape (its value node is the focus node)
    path_iri: str | None  # the result path pySHACL reports (an IRI path; None for node shapes and complex paths)
    message: str | None
    severity: str
    tests: tuple[ValueTest, ...] = ()
    counts: tuple[Count, ...] = ()
    pairs: tuple[Pair, ...] = ()
    logical: tuple[Logical, ...] = ()
    selects: tuple[Select, ...] = ()
    properties: tuple[Shape, ...] = ()
    target: Target | None = field(default=None, compare=False)


class _Compiler:
    """Reads one shapes graph; each shape node is compiled once (a property shape may be shared)."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.shapes, self.ontology = shapes, ontology
        self.done: dict[Node, Shape] = {}

    def subclasses(self, cls: Node) -> tuple[str, ...]:
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.ontology.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return tuple(sorted(str(c) for c in found))

    def values(self, node: Node, predicate: Node) -> list[Identifier]:
        """The objects of ``node``'s ``predicate`` in the shapes, in a stable order."""
        return sorted((o for o in self.shapes.objects(node, predicate) if isinstance(o, Identifier)), key=str)

    def target(self, node: Node) -> Target | None:
        found: list[Target] = []
        classes = sorted({c for cls in self.shapes.objects(node, SH.targetClass) for c in self.subclasses(cls)})
        if classes:
            found.append(Target(f"VALUES ?%v_c {{ {' '.join(f'<{c}>' for c in classes)} }} ?%v a ?%v_c ."))
        nodes = sorted(n.n3() for n in self.shapes.objects(node, SH.targetNode) if isinstance(n, Identifier))
        if nodes:
            found.append(Target(f"VALUES ?%v {{ {' '.join(nodes)} }}"))
        for p in self.values(node, SH.targetSubjectsOf):
            found.append(Target(f"?%v <{p}> ?%v_any ."))
        for p in self.values(node, SH.targetObjectsOf):
            found.append(Target(f"?%v_any <{p}> ?%v ."))
        return Target.union(found) if found else None

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL one."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if self.shapes.value(node, RDF.first) is not None:
            return "/".join(f"({self.path(step)})" for step in Collection(self.shapes, node))
        alternatives = self.shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            return "|".join(f"({self.path(step)})" for step in Collection(self.shapes, alternatives))
        for step, form in PATH_STEPS.items():
            inner = self.shapes.value(node, step)
            if inner is not None:
                return form.format(self.path(inner))
        raise ShapesError(f"shape path {node} is not a SHACL property path")

    def shape(self, node: Node) -> Shape:
        if node not in self.done:
            self.done[node] = self._compile(node)
        return self.done[node]

    def _compile(self, node: Node) -> Shape:
        shapes = self.shapes
        used = set(shapes.predicates(node, None))
        known = ANNOTATIONS | set(COUNTS) | set(RANGES) | set(LENGTHS) | set(PAIRS) | set(LOGICAL)
        known |= {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn, SH.hasValue, SH.sparql}
        if not used <= known:
            raise ShapesError(
                f"shape {node} uses {', '.join(sorted(map(str, used - known)))}, which kg.validation does not compile"
            )
        path_node = shapes.value(node, SH.path)
        path = None if path_node is None else self.path(path_node)
        if path is None and used & ({*COUNTS, SH.hasValue, *PAIRS}):
            raise ShapesError(f"shape {node}: counts, sh:hasValue and property pairs need a sh:path")
        if path is not None and SH.sparql in used:
            raise ShapesError(f"shape {node}: SPARQL constraints are compiled on node shapes only ($PATH is not bound)")
        message = shapes.value(node, SH.message)
        severity = shapes.value(node, SH.severity)
        return Shape(
            name=str(node),
            path=path,
            path_iri=str(path_node) if isinstance(path_node, URIRef) else None,
            message=str(message) if message is not None else None,
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            tests=tuple(self.tests(node)),
            counts=tuple(self.counts(node)),
            pairs=tuple(Pair(str(c).rsplit("#", 1)[-1], str(p)) for c in PAIRS for p in self.values(node, c)),
            logical=tuple(self.logical(node)),
            selects=tuple(self.select(s) for s in self.values(node, SH.sparql)),
            properties=tuple(self.shape(p) for p in self.values(node, SH.property)),
            target=self.target(node),
        )

    def tests(self, node: Node) -> list[ValueTest]:
        shapes, found = self.shapes, []
        for cls in self.values(node, SH["class"]):
            classes = " ".join(f"<{k}>" for k in self.subclasses(cls))
            found.append(ValueTest(f"EXISTS {{ VALUES ?k {{ {classes} }} ?value a ?k }}"))
        for datatype in self.values(node, SH.datatype):
            test = f"(isLiteral(?value) && datatype(?value) = <{datatype}>"
            well_formed = f" && isLiteral(<{datatype}>(?value))"  # the cast fails on an ill-formed literal
            found.append(ValueTest(f"{test}{well_formed if str(datatype) in CASTABLE else ''})"))
        for kind in self.values(node, SH.nodeKind):
            if not isinstance(kind, URIRef) or kind not in NODE_KINDS:
                raise ShapesError(f"shape {node}: {kind} is not a SHACL node kind")
            found.append(ValueTest(NODE_KINDS[kind]))
        for pattern in self.values(node, SH.pattern):
            flags = Literal(str(shapes.value(node, SH.flags) or "")).n3()
            found.append(ValueTest(f"(!isBlank(?value) && REGEX(STR(?value), {Literal(str(pattern)).n3()}, {flags}))"))
        for members in self.values(node, SH["in"]):
            terms = [t.n3() for t in Collection(shapes, members)]
            found.append(ValueTest("(" + (" || ".join(f"sameTerm(?value, {t})" for t in terms) or "false") + ")"))
        for languages in self.values(node, SH.languageIn):
            tags = [Literal(str(t)).n3() for t in Collection(shapes, languages)]
            matches = " || ".join(f"langMatches(lang(?value), {t})" for t in tags) or "false"
            found.append(ValueTest(f"(isLiteral(?value) && ({matches}))"))
        for component, compare in RANGES.items():
            for bound in self.values(node, component):
                found.append(ValueTest(f"(isLiteral(?value) && ?value {compare} {bound.n3()})"))
        for component, compare in LENGTHS.items():
            for length in self.values(node, component):
                found.append(ValueTest(f"(!isBlank(?value) && STRLEN(STR(?value)) {compare} {int(str(length))})"))
        return found

    def counts(self, node: Node) -> list[Count]:
        found = [Count(op, str(int(str(n)))) for c, op in COUNTS.items() for n in self.values(node, c)]
        found += [Count("has", v.n3()) for v in self.values(node, SH.hasValue)]
        return found

    def logical(self, node: Node) -> list[Logical]:
        found = []
        for component in LOGICAL:
            name = str(component).rsplit("#", 1)[-1]
            for value in self.values(node, component):
                members: list[Node] = (
                    [value] if component in (SH.node, SH["not"]) else list(Collection(self.shapes, value))
                )
                found.append(Logical(name, tuple(self.shape(m) for m in members)))
        return found

    def select(self, node: Node) -> Select:
        used = set(self.shapes.predicates(node, None)) - {RDF.type, SH.message, SH.select, SH.severity}
        text = self.shapes.value(node, SH.select)
        if used or text is None:
            raise ShapesError(f"SPARQL constraint {node}: only sh:select (and sh:message) are compiled")
        query = str(text)
        if PRE_BOUND.search(query):
            raise ShapesError(f"SPARQL constraint {node}: only $this is pre-bound here")
        query = THIS.sub("?this", query)
        opening = WHERE.search(query) or re.search(r"\{", query)
        if opening is None:
            raise ShapesError(f"SPARQL constraint {node}: no WHERE clause")
        message = self.shapes.value(node, SH.message)
        return Select(query[: opening.end()], query[opening.end() :], str(message) if message is not None else None)


def compile_shapes(shapes: Graph, ontology: Graph) -> tuple[Shape, ...]:
    """The shapes with targets (each with its nested shapes), in a stable order."""
    compiler = _Compiler(shapes, ontology)
    targeted = sorted({s for p in TARGETS for s in shapes.subjects(p, None) if isinstance(s, (URIRef, BNode))})
    compiled = tuple(compiler.shape(s) for s in targeted)
    for shape in compiled:
        _check_messages(shape)
    return compiled


def _check_messages(shape: Shape) -> None:
    """Every shape whose results are reported says in sh:message what to fix (pySHACL's fallbacks differ)."""
    reports = (
        shape.tests or shape.counts or shape.pairs or shape.logical or any(s.message is None for s in shape.selects)
    )
    if reports and shape.message is None:
        raise ShapesError(f"shape {shape.name} reports results but has no sh:message")
    for prop in shape.properties:
        _check_messages(prop)


def resource_graph(package: str, name: str) -> Graph:
    """A Turtle file the package ships (shapes/, ontology/), parsed."""
    return Graph().parse(data=(files(package) / name).read_text("utf-8"), format="turtle")


@lru_cache(maxsize=2)
def packaged_shapes(name: str) -> tuple[Shape, ...]:
    """One of shapes/ (``ROME_SHAPES_RESOURCE``, ``DOCUMENT_SHAPES_RESOURCE``), compiled."""
    ontology = resource_graph("metiers_kg_data.ontology", ONTOLOGY_RESOURCE)
    return compile_shapes(resource_graph("metiers_kg_data.shapes", name), ontology)
