"""SHACL Core shapes run as SPARQL over an Oxigraph store, for graphs too large for pySHACL.

pySHACL needs the data as an rdflib graph and costs seconds per 100,000 triples; the ROME
graph is 0.8 M. Its shapes (``shapes/rome-shapes.ttl``) use only the SHACL Core components
compiled here — ``sh:targetClass`` and property shapes with an IRI ``sh:path`` and
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:pattern``, ``sh:in``,
``sh:hasValue`` — each turned into one SELECT whose rows are the results pySHACL would give
(same focus node, path, value and message; a test compares both on a sample). A shape using
anything else is refused when the shapes are read, so no constraint is silently skipped.
Classes follow ``rdfs:subClassOf`` in the ontology, as pySHACL does with the ontology in
the data graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.validate import Report, Violation
from kg.vocab import RDFS, SH

ROME_SHAPES_RESOURCE = "rome-shapes.ttl"
ONTOLOGY_RESOURCE = "metiers-kg.ttl"
SUPPORTED = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH.flags, SH["in"],
             SH.hasValue, SH.message, SH.severity, SH.name, SH.description}


@dataclass(frozen=True)
class Constraint:
    targets: tuple[str, ...]  # the target class and its subclasses
    path: str
    component: URIRef
    value: object
    message: str
    severity: str

    def query(self, graph: str) -> str:
        """One SELECT ?focus ?value over the named graph; each row is one result."""
        targets = " ".join(f"<{t}>" for t in self.targets)
        head = f"SELECT DISTINCT ?focus ?value WHERE {{ GRAPH <{graph}> {{ VALUES ?class {{ {targets} }} ?focus a ?class ."
        path = f"<{self.path}>"
        c = self.component
        if c == SH.minCount:
            return (f"SELECT ?focus ?value WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ GRAPH <{graph}> {{ "
                    f"VALUES ?class {{ {targets} }} ?focus a ?class . OPTIONAL {{ ?focus {path} ?v }} }} }} GROUP BY ?focus }} "
                    f"FILTER(?n < {self.value}) }}")
        if c == SH.maxCount:
            return (f"SELECT ?focus ?value WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ GRAPH <{graph}> {{ "
                    f"VALUES ?class {{ {targets} }} ?focus a ?class ; {path} ?v }} }} GROUP BY ?focus }} "
                    f"FILTER(?n > {self.value}) }}")
        if c == SH.hasValue:
            return f"{head} FILTER NOT EXISTS {{ ?focus {path} {self.value} }} }} }}"
        if c == SH["class"]:
            classes = " ".join(f"<{k}>" for k in self.value)
            test = f"FILTER NOT EXISTS {{ VALUES ?k {{ {classes} }} ?value a ?k }}"
        elif c == SH.datatype:
            test = f"FILTER(!isLiteral(?value) || datatype(?value) != <{self.value}>)"
        elif c == SH.pattern:
            pattern, flags = self.value
            test = f"FILTER(isBlank(?value) || !REGEX(STR(?value), {pattern}, {flags}))"
        else:  # sh:in
            test = f"FILTER(?value NOT IN ({', '.join(self.value)}))"
        return f"{head} ?focus {path} ?value . {test} }} }}"


def _subclasses(ontology: Graph, cls: Node) -> tuple[str, ...]:
    found, todo = {cls}, [cls]
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return tuple(sorted(str(c) for c in found))


def _constraints_of(shapes: Graph, ontology: Graph, node_shape: Node) -> Iterator[Constraint]:
    classes = sorted(shapes.objects(node_shape, SH.targetClass))
    targets = tuple(sorted({t for cls in classes for t in _subclasses(ontology, cls)}))
    for prop in shapes.objects(node_shape, SH.property):
        used = set(shapes.predicates(prop, None))
        if not used <= SUPPORTED:
            raise ValueError(f"shape {prop} of {node_shape} uses {sorted(map(str, used - SUPPORTED))}, which "
                             "kg.validate_store does not compile; validate that graph with pySHACL instead")
        path = shapes.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise ValueError(f"shape {prop} of {node_shape}: only IRI paths are compiled")
        message = str(shapes.value(prop, SH.message) or "constraint violated")
        severity = str(shapes.value(prop, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        for component in (SH.minCount, SH.maxCount, SH.hasValue, SH["class"], SH.datatype, SH.pattern, SH["in"]):
            value = shapes.value(prop, component)
            if value is None:
                continue
            if component == SH["class"]:
                value = _subclasses(ontology, value)
            elif component == SH.pattern:
                value = (Literal(str(value)).n3(), Literal(str(shapes.value(prop, SH.flags) or "")).n3())
            elif component == SH["in"]:
                value = tuple(term.n3() for term in Collection(shapes, value))
            elif component == SH.hasValue:
                value = value.n3()
            elif component in (SH.minCount, SH.maxCount):
                value = int(value)
            yield Constraint(targets, str(path), component, value, message, severity)


@lru_cache(maxsize=1)
def rome_constraints() -> tuple[Constraint, ...]:
    shapes = Graph().parse(data=(files("metiers_kg_data.shapes") / ROME_SHAPES_RESOURCE).read_text("utf-8"),
                           format="turtle")
    ontology = Graph().parse(data=(files("metiers_kg_data.ontology") / ONTOLOGY_RESOURCE).read_text("utf-8"),
                             format="turtle")
    node_shapes = sorted(set(shapes.subjects(SH.targetClass, None)))
    return tuple(c for shape in node_shapes for c in _constraints_of(shapes, ontology, shape))


def validate_store(store: ox.Store, graph: str, constraints: tuple[Constraint, ...] | None = None) -> Report:
    """Every constraint over one named graph of ``store``; never raises for invalid data."""
    constraints = rome_constraints() if constraints is None else constraints
    results = []
    for constraint in constraints:
        for row in store.query(constraint.query(graph)):
            value = row["value"]
            results.append(Violation(
                severity=constraint.severity, message=constraint.message, focus=row["focus"].value,
                path=constraint.path, value=str(value) if value is not None else None, source=None, line=None))
    results.sort(key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    count = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))
    triples = int(count["n"].value)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms=conforms, results=tuple(results), triples=triples)

