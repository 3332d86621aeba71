"""The shapes compiled to SPARQL give pySHACL's report, result for result, on faults of every kind the shapes check.

Each fault is written into the seeds' own graphs (found by type, not by name), so every SHACL component that
shapes/ uses is broken at least once: value type, cardinality, range, string, language, sh:in, property pairs,
sh:or, sh:node and the targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from rdflib import Literal, URIRef
from rdflib.graph import Graph

from kg.build_batches import _references
from kg.core.graph import MappedGraph
from kg.core.vocab import MKG, MKG_NS, NIF, RDF, SCHEMA, SKOS, XSD
from kg.mapping import Iris, to_graph
from kg.sources import parse
from kg.validation.compile import ShapesError, compile_shapes, packaged_shapes
from kg.validation.mapped import validate
from kg.validation.shacl import validate_with_pyshacl
from tests.conftest import SEED_FILES

BASE = "https://w3id.org/metiers-kg/"
SKOSXL_LITERAL_FORM = URIRef("http://www.w3.org/2008/05/skos-xl#literalForm")
Triple = tuple
Fault = Callable[[list[Triple]], tuple[list[Triple], list[Triple]]]  # the graph's triples → (removed, added)


def _first(triples: list[Triple], cls: URIRef, skip: int = 0) -> URIRef:
    return sorted(s for s, p, o in triples if p == RDF.type and o == cls)[skip]


def _values(triples: list[Triple], subject: URIRef, predicate: URIRef) -> list[Triple]:
    return [t for t in triples if t[0] == subject and t[1] == predicate]


def _fiche(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    fiche = _first(triples, MKG.FicheMetier)
    salary = URIRef(f"{fiche}/salaire-faux")
    added = [
        (fiche, MKG.romeFiche, URIRef(f"{BASE}rome/Z9999")),  # sh:class
        (fiche, SKOS.prefLabel, Literal("second", lang="fr")),  # sh:maxCount
        (fiche, MKG.identifier, Literal("MET-1")),  # sh:pattern
        (fiche, MKG.startingSalary, salary),  # sh:node: the amount breaks SalaryShape
        (salary, RDF.type, SCHEMA.MonetaryAmount),
        (salary, SCHEMA.value, Literal("-5", datatype=XSD.decimal)),  # sh:minExclusive
        (salary, SCHEMA.currency, Literal("EURO")),
        (salary, SCHEMA.unitText, Literal("WEEK")),  # sh:in
    ]
    return [], added


def _sections(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    first, second = _first(triples, MKG.Section), _first(triples, MKG.Section, 1)
    item = _first(triples, SCHEMA.ListItem)
    removed = _values(triples, first, MKG.order) + _values(triples, second, MKG.order)
    removed += _values(triples, item, SCHEMA.name)
    added = [
        (first, MKG.order, Literal("un", datatype=XSD.integer)),  # ill-formed: sh:datatype
        (second, MKG.order, Literal(0)),  # sh:minInclusive
        (item, SCHEMA.name, Literal("sans langue")),  # sh:datatype rdf:langString
    ]
    return removed, added


def _appellations(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    appellation = _first(triples, MKG.Appellation)
    removed = _values(triples, appellation, SKOSXL_LITERAL_FORM)
    added = [
        (appellation, SKOSXL_LITERAL_FORM, Literal("in English", lang="en")),
        (appellation, MKG.gender, URIRef(f"{MKG_NS}neutral")),
    ]
    return removed, added


def _emploi_types(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    with_code = next(s for s, p, o in sorted(triples) if p == MKG.romeFiche)
    other = next(e for e in sorted(s for s, p, o in triples if p == MKG.subFamily) if e != with_code)
    family = _values(triples, other, MKG.family)
    families = sorted({o for s, p, o in triples if p == MKG.family} - {family[0][2]})
    removed = _values(triples, with_code, MKG.romeFiche) + _values(triples, with_code, MKG.romeAbsenceReason)
    removed += family
    famille = _first(triples, MKG.Famille)
    removed += _values(triples, famille, SKOS.prefLabel)  # sh:minCount
    return removed, [(other, MKG.family, families[0])]  # sh:or (no code, no reason); sh:equals (sous-famille)


def _mentions(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    mention = _first(triples, MKG.Mention)
    removed = _values(triples, mention, NIF.beginIndex) + _values(triples, mention, NIF.anchorOf)
    added = [(mention, NIF.beginIndex, Literal(10**6)), (mention, NIF.anchorOf, Literal(""))]  # sh:lessThan, minLength
    added.append((_first(triples, MKG.Mention, 1), NIF.endIndex, Literal(-1)))  # sh:minInclusive, sh:maxCount
    return removed, added


def _formations(triples: list[Triple]) -> tuple[list[Triple], list[Triple]]:
    formation = _first(triples, MKG.Formation)
    return [], [(formation, MKG.formationType, Literal("master"))]  # sh:targetSubjectsOf, sh:class


def _broken(name: str, fault: Fault, *extra: Fault) -> list[MappedGraph]:
    graphs = []
    for path in SEED_FILES:
        mapped = to_graph(parse(path), Iris(BASE))
        if path.name.startswith(name):
            triples = list(mapped.triples)
            for each in (fault, *extra):
                removed, added = each(triples)
                triples = [t for t in triples if t not in set(removed)] + added
            mapped = replace(mapped, triples=triples)
        graphs.append(mapped)
    return _references(BASE) + graphs


@pytest.mark.parametrize(
    ("name", "faults", "results", "messages"),
    [
        ("000", (_fiche, _formations), 9, 8),
        ("001", (_sections, _appellations), 6, 4),
        ("002", (_emploi_types,), 4, 3),
        ("004", (_mentions,), 5, 3),
    ],
)
def test_same_results_as_pyshacl(name: str, faults: tuple[Fault, ...], results: int, messages: int) -> None:
    graphs = _broken(name, *faults)
    ours, reference = validate(graphs), validate_with_pyshacl(graphs)
    # pySHACL may give a result twice (from two result nodes): a report is a set of results.
    assert set(ours.results) == set(reference.results) and len(set(ours.results)) == len(ours.results)
    assert not ours.conforms and not reference.conforms
    assert len(ours.results) == results and len({r.message for r in ours.results}) == messages


def test_the_seeds_conform_for_both() -> None:
    graphs = _broken("none", lambda triples: ([], []))
    assert validate(graphs) == validate_with_pyshacl(graphs) and validate(graphs).conforms


def test_every_shape_of_shapes_compiles() -> None:
    assert len(packaged_shapes("metiers-kg-shapes.ttl")) == 22  # the shapes with a target


def test_a_component_it_does_not_compile_is_refused() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message "closed" .""",
        format="turtle",
    )
    with pytest.raises(ShapesError, match=r"example\.org/S uses http://www.w3.org/ns/shacl#closed"):
        compile_shapes(shapes, Graph())


def test_a_reported_shape_needs_a_message() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .""",
        format="turtle",
    )
    with pytest.raises(ShapesError, match="has no sh:message"):
        compile_shapes(shapes, Graph())
