"""SHACL on mappings: evidence required, ISCO consistent with ESCO, violations located in the curation file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kg.alignment.model import (
    BROAD,
    CHAINING,
    CLOSE,
    ISCO_TARGET,
    MANUAL,
    OCCUPATION_TARGET,
    Mapping,
)
from kg.alignment.rdf import alignment_graph, esco_graph
from kg.mapping import Iris
from kg.sources.common import Source
from kg.validation.mapped import validate
from kg.validation.shacl import validate_with_pyshacl
from tests.kg.alignment.conftest import BASE

IRIS = Iris(BASE)
CURATION = Source(Path("alignment/curation.sssom.tsv"), "0" * 64)
TABLES = Source(Path("reference/esco_occupations_labels.csv"), "1" * 64)
DBA = "http://data.europa.eu/esco/occupation/8c57af09-719c-42b3-be40-6ed4946236cc"  # ISCO 2521
CURATED = Mapping(
    f"{BASE}emploi-type/x",
    CLOSE,
    DBA,
    MANUAL,
    0.9,
    "https://w3id.org/metiers-kg/agent/r",
    "r",
    "2026-01-31",
    "administers the databases",
    OCCUPATION_TARGET,
    source="curation.sssom.tsv",
    line=42,
)


def _report(*mappings: Mapping):
    mappings = list(mappings)
    graphs = [alignment_graph(mappings, IRIS, CURATION), esco_graph(mappings, IRIS, TABLES)]
    report = validate(graphs)
    assert report == validate_with_pyshacl(graphs)  # the compiled shapes find what pySHACL finds
    return report


def test_a_sound_mapping_conforms() -> None:
    assert not _report(CURATED).results


def test_a_bad_curated_mapping_is_reported_at_its_curation_line() -> None:
    report = _report(replace(CURATED, confidence=1.5))
    assert [str(v).split(": Violation")[0] for v in report.violations] == ["alignment/curation.sssom.tsv:42"]
    assert "confidence, from 0 to 1" in report.violations[0].message


def test_a_weak_mapping_is_a_warning_not_a_violation() -> None:
    report = _report(replace(CURATED, confidence=0.3))
    assert not report.violations and [r.severity for r in report.results] == ["Warning"]


def test_an_isco_link_inconsistent_with_its_esco_basis_is_a_violation() -> None:
    wrong = Mapping(
        CURATED.subject,
        BROAD,
        "http://data.europa.eu/esco/isco/C2512",
        CHAINING,
        0.9,
        "https://w3id.org/metiers-kg/agent/t",
        "t",
        None,
        "derived from the ESCO match",
        ISCO_TARGET,
        basis=(DBA,),
    )
    report = _report(CURATED, wrong)
    assert [v.message for v in report.violations] == [
        "an ISCO-08 link must be the ISCO group of an ESCO occupation it is derived from (mkg:basis)"
    ]
    right = replace(wrong, object="http://data.europa.eu/esco/isco/C2521")
    assert not _report(CURATED, right).results
