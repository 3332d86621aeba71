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

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Identifier, Node

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


# A constraint's parameter as the queries use it: sh:minCount and sh:maxCount an int, sh:datatype an IRI,
# sh:hasValue an N3 term; sh:class the classes (with their subclasses), sh:pattern (pattern, flags) and sh:in
# the members, as N3 terms.
ConstraintValue = int | str | tuple[str, ...]


@dataclass(frozen=True)
class Constraint:
    targets: tuple[str, ...]  # the target class and its subclasses
    path: str
    component: URIRef
    value: ConstraintValue
    message: str
    severity: str

    def value_test(self) -> str | None:
        """A SPARQL expression true when ``?value`` satisfies this value-type constraint (None for counts)."""
        c, value = self.component, self.value
        if isinstance(value, tuple):
            if c == SH["class"]:
                classes = " ".join(f"<{k}>" for k in value)
                return f"EXISTS {{ VALUES ?k {{ {classes} }} ?value a ?k }}"
            if c == SH.pattern:
                pattern, flags = value
                return f"(!isBlank(?value) && REGEX(STR(?value), {pattern}, {flags}))"
            if c == SH["in"]:
                return f"(?value IN ({', '.join(value)}))"
        elif c == SH.datatype:
            return f"(isLiteral(?value) && datatype(?value) = <{value}>)"
        return None

    def failures(self, store: ox.Store, row: ox.QuerySolution, i: int, count: int) -> list[str | None]:
        """The values of the focus node of ``row`` that break the constraint (``None`` for one that has too
        few or too many values, or lacks the value it must have), from the group query's aggregates."""
        if self.value_test() is not None:
            return _failed_values(store, row["focus"].value, self) if int(row[f"f{i}"].value) else []
        if self.component == SH.minCount and isinstance(self.value, int):
            return [None] if count < self.value else []
        if self.component == SH.maxCount and isinstance(self.value, int):
            return [None] if count > self.value else []
        return [None] if int(row[f"h{i}"].value) == 0 else []  # sh:hasValue


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


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return solutions


def _failed_values(store: ox.Store, focus: str, constraint: Constraint) -> list[str | None]:
    query = (
        f"SELECT DISTINCT ?value WHERE {{ <{focus}> <{constraint.path}> ?value "
        f"FILTER(!COALESCE({constraint.value_test()}, false)) }}"
    )
    return [str(row["value"]) for row in _select(store, query)]


def _subclasses(ontology: Graph, cls: Node) -> tuple[str, ...]:
    found, todo = {cls}, [cls]
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return tuple(sorted(str(c) for c in found))


def _constraints_of(shapes: Graph, ontology: Graph, node_shape: Node) -> Iterator[Constraint]:
    classes = shapes.objects(node_shape, SH.targetClass)
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
            found = shapes.value(prop, component)
            if isinstance(found, Identifier):
                value = _parameter(shapes, ontology, prop, component, found)
                yield Constraint(targets, str(path), component, value, message, severity)


def _parameter(shapes: Graph, ontology: Graph, prop: Node, component: URIRef, found: Identifier) -> ConstraintValue:
    """The value of ``component`` in property shape ``prop``, as the queries use it."""
    if component == SH["class"]:
        return _subclasses(ontology, found)
    if component == SH.pattern:
        return Literal(str(found)).n3(), Literal(str(shapes.value(prop, SH.flags) or "")).n3()
    if component == SH["in"]:
        return tuple(term.n3() for term in Collection(shapes, found))
    if component == SH.hasValue:
        return found.n3()
    if component in (SH.minCount, SH.maxCount):
        return int(str(found))  # a literal: its lexical form
    return str(found)  # sh:datatype: the IRI


@lru_cache(maxsize=1)
def rome_constraints() -> tuple[Constraint, ...]:
    shapes = Graph().parse(
        data=(files("metiers_kg_data.shapes") / ROME_SHAPES_RESOURCE).read_text("utf-8"), format="turtle"
    )
    ontology = Graph().parse(
        data=(files("metiers_kg_data.ontology") / ONTOLOGY_RESOURCE).read_text("utf-8"), format="turtle"
    )
    node_shapes = sorted({s for s in shapes.subjects(SH.targetClass, None) if isinstance(s, Identifier)})
    return tuple(c for shape in node_shapes for c in _constraints_of(shapes, ontology, shape))


def validate_store(store: ox.Store, constraints: tuple[Constraint, ...] | None = None) -> Report:
    """Every constraint over the union of the graphs of ``store``; never raises for invalid data.

    The constraints on one path of one shape are evaluated together, in one query that lists each
    focus node's values with the outcome of every value test (counts are taken in Python). Oxigraph
    evaluates outside the GIL, so the groups' queries run on every core (the results are sorted).
    """
    constraints = rome_constraints() if constraints is None else constraints
    groups: dict[tuple[tuple[str, ...], str], list[Constraint]] = {}
    for constraint in constraints:
        groups.setdefault((constraint.targets, constraint.path), []).append(constraint)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="shacl-sparql") as pool:
        found = pool.map(lambda item: _group_violations(store, *item), groups.items())
        results = set().union(*found)
    ordered = sorted(results, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    conforms = not any(r.severity == "Violation" for r in ordered)
    return Report(conforms=conforms, results=tuple(ordered), triples=len(store))


def _group_violations(
    store: ox.Store, shape_path: tuple[tuple[str, ...], str], group: list[Constraint]
) -> set[Violation]:
    targets, path = shape_path
    results: set[Violation] = set()
    for row in _select(store, _group_query(targets, path, group)):
        focus, count = row["focus"].value, int(row["n"].value)
        for i, c in enumerate(group):
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
                for value in c.failures(store, row, i, count)
            )
    return results
