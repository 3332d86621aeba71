"""ROME fiche candidates for the fiches métiers ONISEP files under no ROME code, against the complete ROME 4.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.alignment.align import merge_subjects
from kg.alignment.curation import CurationError, parse_curation
from kg.alignment.digest import digest
from kg.alignment.model import BROAD, LEXICAL, MANUAL, ROME_FICHE_TARGET
from kg.alignment.rome_candidates import needs_rome, rome_candidates, rome_fiche_matches
from kg.alignment.stage import align_corpus, rome_titles
from kg.alignment.workflow import candidates_tsv
from kg.mapping import Iris, to_graph
from kg.mapping.rome import rome_fiche_labels
from kg.sources import list_documents, parse
from tests.conftest import CORPUS, FULL_ROME
from tests.kg.alignment.conftest import BASE
from tests.kg.alignment.test_curation import HEADER_AND_COLUMNS

IRIS = Iris(BASE)
METIERS = CORPUS / "fiches-metiers"
# médiateur/trice scientifique: its title is a ROME appellation; astronaute: nothing in ROME is near;
# électromécanicien/ne en remontées mécaniques: the same title as a ROME appellation, but for "de" instead of "en".
SAMPLE = ("MET.108", "MET.7835", "MET.357")


@pytest.fixture(scope="module")
def titles():
    return rome_titles(FULL_ROME)


@pytest.fixture(scope="module")
def sample() -> dict:
    digests = [digest(to_graph(parse(METIERS / f"{name}.md"), IRIS)) for name in SAMPLE]
    return merge_subjects(s for d in digests for s in d.subjects)


def _fiche(subjects: dict, name: str):
    return subjects[f"{BASE}metier/{name}"]


def _matches(subjects: dict, titles, decisions: dict | None = None) -> list:
    labels = dict(rome_fiche_labels(FULL_ROME))
    return rome_fiche_matches(subjects, titles, decisions or {}, labels, IRIS, "2026-01-31")


def test_candidates_are_scored_and_explained(sample: dict, titles) -> None:
    found = rome_candidates(_fiche(sample, "MET.108"), titles, IRIS)
    assert [(c.object.rsplit("/", 1)[-1], c.score) for c in found] == [
        ("G1242", 1.0),
        ("E1112", 0.667),
        ("K1213", 0.667),
    ]
    assert found[0].evidence == (
        "fr 'médiateur scientifique' = ROME appellation 513590 'Médiateur / Médiatrice scientifique' of G1242"
    )
    assert found[1].evidence.startswith("fr 'chargé de médiation scientifique' ~ ROME appellation 11783 ")
    assert rome_candidates(_fiche(sample, "MET.7835"), titles, IRIS) == []
    # Only occupations without a ROME code get candidates; their appellations are matched through them.
    assert [s.iri.rsplit("/", 1)[-1] for s in sample.values() if needs_rome(s)] == ["MET.108", "MET.357", "MET.7835"]


def test_a_title_equal_to_a_rome_appellation_is_matched_to_its_fiche(sample: dict, titles) -> None:
    matches = _matches(sample, titles)
    assert [(m.subject.rsplit("/", 1)[-1], m.object.rsplit("/", 1)[-1]) for m in matches] == [
        ("MET.108", "G1242"),
        ("MET.357", "I1301"),
    ]
    first = matches[0]
    assert (first.predicate, first.justification, first.confidence, first.target) == (
        BROAD,
        LEXICAL,
        0.8,
        ROME_FICHE_TARGET,
    )
    assert first.comment == (
        "unreviewed: the title 'médiateur scientifique' is ROME appellation 513590 "
        "'Médiateur / Médiatrice scientifique' of fiche G1242; the source gives no ROME code"
    )
    assert (
        first.basis == (f"{BASE}rome/appellation/513590",)
        and first.object_label == "Médiateur / Médiatrice scientifique"
    )  # the fiche G1242


def _curation(rows: list[str]):
    return parse_curation(HEADER_AND_COLUMNS + "\n" + "\n".join(rows) + "\n", Path("curation.sssom.tsv"))


def test_reviewed_decisions_replace_the_matcher(sample: dict, titles) -> None:
    reviewed = _curation(
        [
            "kg:metier/MET.108\tmédiateur/trice scientifique\tskos:broadMatch\tNot\tkg:rome/G1242\t\t"
            "semapv:ManualMappingCuration\t0.9\tmkgagent:reviewer\tA reviewer\t2026-01-31\tnot this fiche, say",
            "kg:metier/MET.108\tmédiateur/trice scientifique\tskos:broadMatch\t\tkg:rome/E1112\t\t"
            "semapv:ManualMappingCuration\t0.7\tmkgagent:reviewer\tA reviewer\t2026-01-31\tcommunication scientifique",
            "kg:metier/MET.7835\tastronaute\tskos:broadMatch\t\tkg:rome/N2101\t\t"
            "semapv:ManualMappingCuration\t0.6\tmkgagent:reviewer\tA reviewer\t2026-01-31\tpilots, of a kind",
        ]
    )
    matches = _matches(sample, titles, reviewed.decisions(BASE))
    assert [
        (m.subject.rsplit("/", 1)[-1], m.object.rsplit("/", 1)[-1], m.negated, m.justification) for m in matches
    ] == [
        ("MET.108", "E1112", False, MANUAL),
        ("MET.108", "G1242", True, MANUAL),
        ("MET.357", "I1301", False, LEXICAL),
        ("MET.7835", "N2101", False, MANUAL),
    ]
    assert all(m.line is not None for m in matches if m.justification == MANUAL)
    # ROME decisions do not stand in for the ESCO ones: MET.108 keeps its ESCO alignment.
    alignment = align_corpus([digest(to_graph(parse(METIERS / "MET.108.md"), IRIS))], IRIS, reviewed, FULL_ROME)
    assert {m.target for m in alignment.mappings if m.subject == f"{BASE}metier/MET.108"} >= {ROME_FICHE_TARGET}
    rows = [line.split("\t") for line in candidates_tsv(alignment, IRIS, FULL_ROME).splitlines()]
    rome_rows = [r for r in rows if r[0] == "kg:metier/MET.108" and r[4].startswith("kg:rome/")]
    assert [(r[3], r[4], r[6], r[8]) for r in rome_rows] == [
        ("1", "kg:rome/G1242", "1.000", "reviewed: Not broadMatch"),
        ("2", "kg:rome/E1112", "0.667", "reviewed: broadMatch"),
        ("3", "kg:rome/K1213", "0.667", ""),
    ]


def test_a_rome_decision_must_name_a_rome_code() -> None:
    with pytest.raises(CurationError, match=r"curation.sssom.tsv:\d+: object_id 'kg:rome/M18' is not .* nor a ROME"):
        _curation(
            [
                "kg:metier/MET.108\tx\tskos:broadMatch\t\tkg:rome/M18\t\tsemapv:ManualMappingCuration\t0.7\t"
                "mkgagent:reviewer\tA reviewer\t2026-01-31\ta domaine, not a fiche"
            ]
        )


@pytest.mark.slow
def test_corpus_fiches_without_rome_code(titles) -> None:
    digests = []
    for path in list_documents(METIERS):
        if path.name != "MET.8099.md":  # the malformed fiche (tests/kg/test_corpus.py)
            digests.append(digest(to_graph(parse(path), IRIS)))
    subjects = merge_subjects(s for d in digests for s in d.subjects)
    without = [s for s in subjects.values() if needs_rome(s)]
    assert len(without) == 102
    with_candidates = [s for s in without if rome_candidates(s, titles, IRIS)]
    assert len(with_candidates) == 94
    assert len(_matches(subjects, titles)) == 25
