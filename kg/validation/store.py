"""Compiled SHACL shapes (``kg.validation.compile``) run as SPARQL over an Oxigraph store.

Each shape's counts and value tests on one path are evaluated together, in one query that
groups the focus nodes and returns only those breaking a constraint, so a conforming graph
costs no row in Python; then one query per failed value test lists the failing values.
Property pairs and SPARQL constraints are one query each; logical constraints (``sh:or``,
``sh:node``…) evaluate their member shapes on the value nodes and combine the sets.
Oxigraph evaluates outside the GIL, so the shapes' queries run on every core; results are sorted.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pyoxigraph as ox

from kg.validation.compile import ROME_SHAPES_RESOURCE, Logical, Pair, Select, Shape, Target, packaged_shapes
from kg.validation.report import Report, Violation, report_order

# One result before it is reported: focus node, value node (None for a count), the shape that gave it, and the
# message (a SPARQL constraint's own, else its shape's).
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Result = tuple[Term, Term | None, Shape, str]
PAIR_TESTS = {
    "disjoint": "?focus <{q}> ?value",
    "lessThan": "?focus <{q}> ?other FILTER(!COALESCE(?value < ?other, false))",
    "lessThanOrEquals": "?focus <{q}> ?other FILTER(!COALESCE(?value <= ?other, false))",
}


def validate_store(store: ox.Store, shapes: tuple[Shape, ...] | None = None) -> Report:
    """Every shape over the union of the graphs of ``store``; never raises for invalid data.

    Results have no file and line: the caller knows which document a focus node came from.
    """
    shapes = packaged_shapes(ROME_SHAPES_RESOURCE) if shapes is None else shapes
    tasks = [(part, shape.target) for shape in shapes if shape.target is not None for part in _parts(shape)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="shacl-sparql") as pool:
        found = list(pool.map(lambda task: violations(store, *task), tasks))
    results = {_violation(result) for part in found for result in part}
    ordered = sorted(results, key=report_order)
    conforms = not any(r.severity == "Violation" for r in ordered)
    return Report(conforms=conforms, results=tuple(ordered), triples=len(store))


def _parts(shape: Shape) -> list[Shape]:
    """A targeted shape as independent tasks: its own constraints, then each of its property shapes."""
    return [replace(shape, properties=()), *shape.properties]


def _violation(result: Result) -> Violation:
    focus, value, shape, message = result
    return Violation(
        severity=shape.severity,
        message=message,
        focus=focus.value,
        path=shape.path_iri,
        value=str(value) if value is not None else None,
        source=None,
        line=None,
    )


def violations(store: ox.Store, shape: Shape, target: Target) -> set[Result]:
    """The results of ``shape`` on the focus nodes of ``target``."""
    results: set[Result] = set()
    if shape.tests or shape.counts:
        results |= _grouped(store, shape, target)
    for pair in shape.pairs:
        results |= _pair(store, shape, target, pair)
    for logical in shape.logical:
        results |= _logical(store, shape, target, logical)
    for select in shape.selects:
        results |= _select(store, shape, target, select)
    for prop in shape.properties:
        results |= violations(store, prop, target)
    return results


def _values(shape: Shape) -> str:
    """The pattern binding ``?value`` to a value node of ``?focus`` (a node shape's is the focus node)."""
    return f"?focus {shape.path} ?value ." if shape.path is not None else "BIND(?focus AS ?value)"


def _group_query(shape: Shape, target: Target) -> str:
    count = "COUNT(DISTINCT ?value)"
    aggregates, conditions = [f"({count} AS ?n)"], []
    for i, test in enumerate(shape.tests):
        failures = f"SUM(IF(BOUND(?value) && !COALESCE({test.expression}, false), 1, 0))"
        aggregates.append(f"({failures} AS ?f{i})")
        conditions.append(f"{failures} > 0")
    for i, constraint in enumerate(shape.counts):
        if constraint.breaks == "has":
            present = f"SUM(IF(BOUND(?value) && sameTerm(?value, {constraint.value}), 1, 0))"
            aggregates.append(f"({present} AS ?h{i})")
            conditions.append(f"{present} = 0")
        else:
            conditions.append(f"{count} {constraint.breaks} {constraint.value}")
    values = f"OPTIONAL {{ {_values(shape)} }}" if shape.path is not None else _values(shape)
    return (
        f"SELECT ?focus {' '.join(aggregates)} WHERE {{ {target.pattern('focus')} {values} }} "
        f"GROUP BY ?focus HAVING ({' || '.join(conditions)})"
    )


def _grouped(store: ox.Store, shape: Shape, target: Target) -> set[Result]:
    """Counts and value tests: one grouped query, then the failing values of each test that failed."""
    results: set[Result] = set()
    failed_tests: set[int] = set()
    message = shape.message or ""
    for row in _select_rows(store, _group_query(shape, target)):
        focus, count = row["focus"], int(row["n"].value)
        failed_tests |= {i for i in range(len(shape.tests)) if int(row[f"f{i}"].value)}
        for i, constraint in enumerate(shape.counts):
            if constraint.breaks == "has":
                broken = int(row[f"h{i}"].value) == 0
            else:
                broken = count < int(constraint.value) if constraint.breaks == "<" else count > int(constraint.value)
            if broken:
                results.add((focus, None, shape, message))
    for i in sorted(failed_tests):
        query = (
            f"SELECT DISTINCT ?focus ?value WHERE {{ {target.pattern('focus')} {_values(shape)} "
            f"FILTER(!COALESCE({shape.tests[i].expression}, false)) }}"
        )
        results |= {(row["focus"], row["value"], shape, message) for row in _select_rows(store, query)}
    return results


def _pair(store: ox.Store, shape: Shape, target: Target, pair: Pair) -> set[Result]:
    focus_nodes, values = target.pattern("focus"), _values(shape)
    if pair.component == "equals":
        other = f"?focus <{pair.predicate}> ?value ."
        where = (
            f"{{ {focus_nodes} {values} FILTER NOT EXISTS {{ {other} }} }} "
            f"UNION {{ {focus_nodes} {other} FILTER NOT EXISTS {{ {values} }} }}"
        )
    else:
        where = f"{focus_nodes} {values} {PAIR_TESTS[pair.component].format(q=pair.predicate)}"
    rows = _select_rows(store, f"SELECT DISTINCT ?focus ?value WHERE {{ {where} }}")
    return {(row["focus"], row["value"], shape, shape.message or "") for row in rows}


def _logical(store: ox.Store, shape: Shape, target: Target, logical: Logical) -> set[Result]:
    """Each value node checked against the member shapes: it breaks the constraint as the component says."""
    value_nodes = target if shape.path is None else target.values_of(shape.path)
    failing = [{result[0] for result in violations(store, member, value_nodes)} for member in logical.members]
    query = f"SELECT DISTINCT ?focus ?value WHERE {{ {target.pattern('focus')} {_values(shape)} }}"
    results: set[Result] = set()
    for row in _select_rows(store, query):
        value = row["value"]
        fails = [value in members for members in failing]
        broken = {
            "node": fails[0] if fails else False,
            "not": not fails[0] if fails else False,
            "and": any(fails),
            "or": all(fails),
            "xone": fails.count(False) != 1,
        }[logical.component]
        if broken:
            results.add((row["focus"], value, shape, shape.message or ""))
    return results


def _select(store: ox.Store, shape: Shape, target: Target, select: Select) -> set[Result]:
    """A SHACL-SPARQL constraint with ``?this`` bound to each focus node (the target joined into its WHERE)."""
    solutions = _select_rows(store, select.bound_to(target))
    has_value = "value" in {v.value for v in solutions.variables}
    message = select.message or shape.message or ""
    return {(row["this"], row["value"] if has_value else None, shape, message) for row in solutions}


def _select_rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return solutions
