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

from kg.core.vocab import RDFS, SH
from kg.validation.shacl import Report, Violation

ROME_SHAPES_RESOURCE = "rome-shapes.ttl"
ONTOLOGY_RESOURCE = "metiers-kg.ttl"
SUPPORTED = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.pattern,
    SH.flags,
    SH["in"],
    SH.hasValue,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
}


@dataclass(frozen=True)
class Constraint:
    targets: tuple[str, ...]  # the target class and its subclasses
    path: str
    component: URIRef
    value: object
    message: str
    severity: str

    def value_test(self) -> str | None:
        """A SPARQL expression true when ``?value`` satisfies this value-type constraint (None for counts)."""
        c = self.component
        if c == SH["class"]:
            classes = " ".join(f"<{k}>" for k in self.value)
            return f"EXISTS {{ VALUES ?k {{ {classes} }} ?value a ?k }}"
        if c == SH.datatype:
            return f"(isLiteral(?value) && datatype(?value) = <{self.value}>)"
        if c == SH.pattern:
            pattern, flags = self.value
            return f"(!isBlank(?value) && REGEX(STR(?value), {pattern}, {flags}))"
        if c == SH["in"]:
            return f"(?value IN ({', '.join(self.value)}))"
        return None


def _group_query(targets: tuple[str, ...], path: str, group: list[Constraint]) -> str:
    """One pass over the focus nodes of a shape and their values on one path, returning only the focus
    nodes that break one of the group's constraints: counts and failed value tests are aggregated
    by the store, so a conforming graph costs no row in Python."""
    count = "COUNT(DISTINCT ?value)"
    aggregates, conditions = [f"({count} AS ?n)"], []
    for i, constraint in enumerate(group):
        test = constraint.value_test()
        if test is not None:
            failures = f"SUM(IF(BOUND(?value) && !COALESCE({test}, false), 1, 0))"
            aggregates.append(f"({failures} AS ?f{i})")
            conditions.append(f"{failures} > 0")
        elif constraint.component == SH.minCount:
            conditions.append(f"{count} < {constraint.value}")
        elif constraint.component == SH.maxCount:
            conditions.append(f"{count} > {constraint.value}")
        else:  # sh:hasValue
            present = f"SUM(IF(BOUND(?value) && ?value = {constraint.value}, 1, 0))"
            aggregates.append(f"({present} AS ?h{i})")
            conditions.append(f"{present} = 0")
    return (
        f"SELECT ?focus {' '.join(aggregates)} WHERE {{ "
        f"VALUES ?class {{ {' '.join(f'<{t}>' for t in targets)} }} ?focus a ?class . "
        f"OPTIONAL {{ ?focus <{path}> ?value }} }} GROUP BY ?focus HAVING ({' || '.join(conditions)})"
    )


def _failed_values(store: ox.Store, focus: str, constraint: Constraint) -> list[str]:
    query = (
        f"SELECT DISTINCT ?value WHERE {{ <{focus}> <{constraint.path}> ?value "
        f"FILTER(!COALESCE({constraint.value_test()}, false)) }}"
    )
    return [str(row["value"]) for row in store.query(query, use_default_graph_as_union=True)]


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
            raise ValueError(
                f"shape {prop} of {node_shape} uses {sorted(map(str, used - SUPPORTED))}, which "
                "kg.validation.store does not compile; validate that graph with pySHACL instead"
            )
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
    shapes = Graph().parse(
        data=(files("metiers_kg_data.shapes") / ROME_SHAPES_RESOURCE).read_text("utf-8"), format="turtle"
    )
    ontology = Graph().parse(
        data=(files("metiers_kg_data.ontology") / ONTOLOGY_RESOURCE).read_text("utf-8"), format="turtle"
    )
    node_shapes = sorted(set(shapes.subjects(SH.targetClass, None)))
    return tuple(c for shape in node_shapes for c in _constraints_of(shapes, ontology, shape))


def validate_store(store: ox.Store, constraints: tuple[Constraint, ...] | None = None) -> Report:
    """Every constraint over the union of the graphs of ``store``; never raises for invalid data.

    The constraints on one path of one shape are evaluated together, in one query that lists each
    focus node's values with the outcome of every value test (counts are taken in Python).
    """
    constraints = rome_constraints() if constraints is None else constraints
    groups: dict[tuple[tuple[str, ...], str], list[Constraint]] = {}
    for constraint in constraints:
        groups.setdefault((constraint.targets, constraint.path), []).append(constraint)
    results = set()
    for (targets, path), group in groups.items():
        for row in store.query(_group_query(targets, path, group), use_default_graph_as_union=True):
            focus, count = row["focus"].value, int(row["n"].value)
            for i, c in enumerate(group):
                if c.value_test() is not None:
                    hits = _failed_values(store, focus, c) if int(row[f"f{i}"].value) else []
                elif c.component == SH.minCount:
                    hits = [None] if count < c.value else []
                elif c.component == SH.maxCount:
                    hits = [None] if count > c.value else []
                else:
                    hits = [None] if int(row[f"h{i}"].value) == 0 else []
                results.update(
                    Violation(
                        severity=c.severity,
                        message=c.message,
                        focus=focus,
                        path=c.path,
                        value=value,
                        source=None,
                        line=None,
                    )
                    for value in hits
                )
    ordered = sorted(results, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    conforms = not any(r.severity == "Violation" for r in ordered)
    return Report(conforms=conforms, results=tuple(ordered), triples=len(store))
