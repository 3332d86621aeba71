"""The same SHACL report from the shapes compiled to SPARQL (what builds run) and from pySHACL, whether pySHACL
reads every triple or only those a shape can read."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Literal, URIRef

from kg.build_batches import _references
from kg.core.vocab import ESCO, MKG, RDF, SCHEMA, SH, SKOS
from kg.mapping import Iris, to_graph
from kg.sources import list_documents, parse
from kg.validation.mapped import validate
from kg.validation.shacl import read_predicates, shapes_graph, validate_with_pyshacl
from tests.conftest import CORPUS, SEED_FILES

BASE = "https://w3id.org/metiers-kg/"
IRIS = Iris(BASE)
FORMATION_TYPE = "a fiche formation has exactly one type (master, BTS…), a mkg:FormationType"
CORPUS_SAMPLE = (
    "fiches-metiers/MET.108.md",
    "fiches-metiers/MET.357.md",
    "fiches-formations/FOR.10363.md",
    "fiches-formations/FOR.1000.md",
)


def _graphs(paths) -> list:
    return _references(BASE) + [to_graph(parse(path), IRIS) for path in paths]


def _broken(graphs: list) -> list:
    """The same graphs with one fault of each kind the shapes check, each in its own document."""
    fiche, formation = URIRef(f"{BASE}metier/MET.108"), URIRef(f"{BASE}formation/FOR.10363")
    faults = {
        f"{BASE}graph/fiche/MET.108": [
            (fiche, MKG.romeFiche, URIRef(f"{BASE}rome/Z9999")),  # sh:class
            (fiche, SKOS.prefLabel, Literal("second title", lang="fr")),  # sh:maxCount
            (fiche, MKG.identifier, Literal("MET-108")),
        ],  # sh:pattern
        f"{BASE}graph/formation/FOR.10363": [(formation, MKG.formationType, Literal("master"))],  # targetSubjectsOf
    }
    out = []
    for graph in graphs:
        extra = faults.get(str(graph.graph), [])
        out.append(replace(graph, triples=list(graph.triples) + extra) if extra else graph)
    return out


def _same(graphs: list) -> tuple:
    compiled = validate(graphs)
    fast, every = validate_with_pyshacl(graphs), validate_with_pyshacl(graphs, every_triple=True)
    assert fast.results == every.results and fast.conforms == every.conforms
    assert compiled.results == fast.results and compiled.conforms == fast.conforms
    return fast.results


def test_every_predicate_a_shape_reads_is_kept() -> None:
    predicates = read_predicates()
    shapes = shapes_graph()
    direct = {p for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)}
    assert direct <= predicates and {RDF.type, MKG.subFamily, MKG.family, SCHEMA.position} <= predicates
    assert {MKG.basis, ESCO.memberOfISCOGroup} <= predicates  # read by the ISCO constraint's SPARQL
    assert SCHEMA.description not in predicates and RDF.value not in predicates


def test_same_report_on_the_seeds() -> None:
    assert _same(_graphs(SEED_FILES)) == ()


@pytest.mark.slow
def test_same_report_on_the_corpus() -> None:
    paths = sorted(
        p
        for d in ("fiches-metiers", "fiches-formations")
        for p in list_documents(CORPUS / d)
        if p.name != "MET.8099.md"
    )  # the malformed fiche has no graph
    assert _same(_graphs(paths)) == ()


def test_same_report_on_broken_documents() -> None:
    graphs = _broken(_graphs([*SEED_FILES, *(CORPUS / name for name in CORPUS_SAMPLE)]))
    results = _same(graphs)
    # FOR.10363's results point at the first document that names it: the seed that recommends it.
    assert sorted((r.source.name, r.line, r.message, r.value or "") for r in results) == [
        ("000_56e8b163099291fd.txt", 90, FORMATION_TYPE, ""),
        ("000_56e8b163099291fd.txt", 90, FORMATION_TYPE, '"master"'),
        ("MET.108.md", 1, "needs exactly one skos:prefLabel, in French (@fr)", ""),
        ("MET.108.md", 2, "ROME code is not a ROME 4.0 fiche (unknown code)", f"<{BASE}rome/Z9999>"),
        ("MET.108.md", 2, "a fiche métier needs exactly one identifier of the form MET.n", ""),
        ("MET.108.md", 2, "a fiche métier needs exactly one identifier of the form MET.n", '"MET-108"'),
    ]
