"""The mapped graphs validated by pySHACL, the reference implementation of SHACL.

Builds validate with the shapes compiled to SPARQL (``kg.validation.mapped``); this module is the
reference they are compared with (same results, tested), and keeps what pySHACL needs to run fast
on our graphs: the property shapes hoisted to their targets, only the triples a shape can read, and
each SPARQL constraint's text parsed once. One pyshacl run over the whole graph is linear in its size
(≈ 7 µs per triple measured here), where document-by-document runs cost about four times as much.
"""

from __future__ import annotations

from functools import lru_cache

import pyshacl
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.core.graph import MappedGraph
from kg.core.vocab import RDF, RDFS, SH
from kg.validation.compile import DOCUMENT_SHAPES_RESOURCE, resource_graph
from kg.validation.report import Report, Violation, located, report_order


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """shapes/ as reviewed, with property shapes hoisted to their node shapes' targets (see below)."""
    return hoist_property_shapes(resource_graph("metiers_kg_data.shapes", DOCUMENT_SHAPES_RESOURCE))


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

    def query(
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,  # noqa: N803
        initBindings=None,
        use_store_provided=True,
        **kwargs,
    ):  # noqa: N803
        if isinstance(query_object, str) and not initNs and "base" not in kwargs:
            # The namespaces rdflib would give the query (the graph's own bindings) are part of the key.
            namespaces = tuple(sorted((prefix, str(iri)) for prefix, iri in self.namespaces()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


_PATH_STEPS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_PREDICATE_PARAMETERS = (
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
)
# Constraints that may read any predicate of a node: with one of these, every triple is validated.
_OPEN_ENDED = (SH.closed, SH.ask, SH.validator, SH.nodeValidator, SH.propertyValidator, SH.target, SH.js)


@lru_cache(maxsize=1)
def read_predicates() -> frozenset[URIRef] | None:
    """Every predicate a shape of shapes/ can read, or None when one may read any.

    SHACL Core reads the data only through property paths, the property-pair parameters, the
    targets, and ``rdf:type`` / ``rdfs:subClassOf`` (for ``sh:targetClass`` and ``sh:class``); a
    SPARQL constraint through the IRIs of its triple patterns. So a triple with any other
    predicate cannot change a result (focus, path, value, message), and ``validate`` leaves it
    out of pyshacl's data graph: the same report, without the cost of indexing text that no
    shape reads (section texts, provenance, list positions' names of unconstrained paths).
    """
    shapes = shapes_graph()
    if any(True for p in _OPEN_ENDED for _ in shapes.subject_objects(p)):
        return None
    found: set[URIRef] = {RDF.type, RDFS.subClassOf}
    for path in shapes.objects(None, SH.path):
        found |= _path_predicates(shapes, path)
    found |= {o for p in _PREDICATE_PARAMETERS for o in shapes.objects(None, p) if isinstance(o, URIRef)}
    for select in shapes.objects(None, SH.select):
        predicates = _query_predicates(str(select))
        if predicates is None:
            return None
        found |= predicates
    return frozenset(found)


def _path_predicates(shapes: Graph, path: Node) -> set[URIRef]:
    if isinstance(path, URIRef):
        return {path}
    found: set[URIRef] = set()
    for step in shapes.items(path) if shapes.value(path, RDF.first) is not None else ():
        found |= _path_predicates(shapes, step)  # a sequence path
    for link in _PATH_STEPS:
        for inner in shapes.objects(path, link):
            found |= _path_predicates(shapes, inner)
    return found


def _query_predicates(text: str) -> set[URIRef] | None:
    """The predicates of a SPARQL query's triple patterns; None if one is a variable or a path."""
    found: set[URIRef] = set()

    def walk(node: object) -> bool:
        if isinstance(node, CompValue):
            if node.name in ("BGP", "TriplesBlock"):  # TriplesBlock: inside EXISTS, left untranslated
                for _s, predicate, _o in node["triples"]:  # both always carry their triples
                    if not isinstance(predicate, URIRef):
                        return False
                    found.add(predicate)
            return all(walk(value) for value in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(value) for value in node)
        return True

    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # noqa: BLE001 -- e.g. prefixes declared by sh:prefixes: then read every triple
        return None
    return found if walk(algebra) else None


def validate_with_pyshacl(graphs: list[MappedGraph], every_triple: bool = False) -> Report:
    """Validate the union of the graphs against shapes/; never raises for invalid data.

    Only the triples whose predicate a shape can read go to pyshacl (``read_predicates``), unless
    ``every_triple`` (the tests compare both).
    """
    data = _DataGraph()
    predicates = None if every_triple else read_predicates()
    for mapped in graphs:
        for triple in mapped.triples:
            if predicates is None or triple[1] in predicates:
                data.add(triple)
    conforms, results_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=False,
        allow_warnings=True,
    )
    results = sorted(
        (_violation(results_graph, result, graphs) for result in results_graph.subjects(None, SH.ValidationResult)),
        key=report_order,
    )
    return Report(conforms=bool(conforms), results=tuple(results), triples=sum(len(m.triples) for m in graphs))


def _violation(results: Graph, result: Node, graphs: list[MappedGraph]) -> Violation:
    def one(predicate: Node) -> Node | None:
        return next(iter(results.objects(result, predicate)), None)

    focus, path, value = one(SH.focusNode), one(SH.resultPath), one(SH.value)
    severity = one(SH.resultSeverity)
    message = one(SH.resultMessage)
    found = Violation(
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        message=str(message) if message is not None else "constraint violated",
        focus=str(focus),
        path=str(path) if isinstance(path, URIRef) else None,  # complex paths are blank nodes
        value=value.n3() if value is not None else None,
        source=None,
        line=None,
    )
    return located(found, graphs)
