"""``hoist_property_shapes`` only makes validation faster: pySHACL gives the same report with the
hoisted shapes as with the shapes as written, on the seeds and on a generated corpus full of faults."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from kg.core.graph import MappedGraph
from kg.core.vocab import DEFAULT_BASE_IRI, SH
from kg.mapping import Iris, reference_graphs, to_graph
from kg.sources import parse
from kg.validation.compile import DOCUMENT_SHAPES_RESOURCE, resource_graph
from kg.validation.shacl import shapes_graph

ROOT = Path(__file__).resolve().parents[3]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CORPUS = sorted((ROOT / "corpus" / "onisep" / "fiches-metiers").glob("*.md"))[:12]

pytestmark = pytest.mark.slow


def written_shapes() -> Graph:
    return resource_graph("metiers_kg_data.shapes", DOCUMENT_SHAPES_RESOURCE)


def report(data: Graph, shapes: Graph) -> tuple[bool, list[tuple[str, ...]]]:
    """What pySHACL says: conforms, and every result (focus, path, value, message, severity, shape kind)."""
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )

    def shown(node: Node | None) -> str:  # a blank node (a complex path) by its content, not its name
        if node is None:
            return ""
        if isinstance(node, BNode):
            return "[" + "; ".join(sorted(f"{p.n3()} {shown(o)}" for p, o in results.predicate_objects(node))) + "]"
        return node.n3()

    def one(result: Node, predicate: Node) -> str:
        return shown(results.value(result, predicate))

    rows = sorted(
        (
            one(r, SH.focusNode),
            one(r, SH.resultPath),
            one(r, SH.value),
            one(r, SH.resultMessage),
            one(r, SH.resultSeverity),
            one(r, SH.sourceConstraintComponent),
        )
        for r in results.subjects(None, SH.ValidationResult)
    )
    return bool(conforms), rows


def union(graphs: list[MappedGraph]) -> Graph:
    data = Graph()
    for mapped in graphs:
        for triple in mapped.triples:
            data.add(triple)
    return data


def faulty(graphs: list[MappedGraph]) -> list[MappedGraph]:
    """The same documents with faults the shapes exist to catch: every 7th triple dropped (missing
    fields), every 11th literal object replaced by an empty string (wrong datatype, empty label)."""
    broken = []
    for mapped in graphs:
        triples = []
        for index, (s, p, o) in enumerate(mapped.triples):
            if index % 7 == 3:
                continue
            triples.append((s, p, Literal("")) if index % 11 == 5 and isinstance(o, Literal) else (s, p, o))
        broken.append(MappedGraph(mapped.graph, mapped.source, triples))
    return broken


@pytest.fixture(scope="module")
def documents() -> list[MappedGraph]:
    iris = Iris(DEFAULT_BASE_IRI)
    return [to_graph(parse(path), iris) for path in SEEDS + CORPUS]


@pytest.fixture(scope="module")
def references() -> list[MappedGraph]:
    return reference_graphs(Iris(DEFAULT_BASE_IRI))


def test_the_hoisted_shapes_are_the_written_ones_with_targets_moved() -> None:
    hoisted, written = shapes_graph(), written_shapes()
    assert len(hoisted) >= len(written)  # links removed, targets added
    assert set(hoisted.subjects(SH.targetClass, None)) > set(written.subjects(SH.targetClass, None))


def test_same_report_on_the_seeds_and_corpus(documents: list[MappedGraph], references: list[MappedGraph]) -> None:
    data = union(references + documents)
    assert report(data, shapes_graph()) == report(data, written_shapes())


def test_same_report_on_a_corpus_full_of_faults(documents: list[MappedGraph], references: list[MappedGraph]) -> None:
    data = union(references + faulty(documents))
    hoisted = report(data, shapes_graph())
    assert not hoisted[0] and len(hoisted[1]) > 50  # the faults are seen
    assert hoisted == report(data, written_shapes())
