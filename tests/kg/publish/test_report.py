"""``metiers-kg report`` and the server's /report page: exact figures on the seeds, computed over a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish.report import quality_report, render_text
from kg.store import Store
from tests.conftest import run_cli

BASE = "https://w3id.org/metiers-kg/"


@pytest.fixture(scope="module")
def report(built_store: Path):
    return quality_report(Store.open_current(built_store))


def test_rome_coverage_is_complete(report) -> None:
    assert report.rome["fiches"] == {
        "total": 2,
        "with_rome_link": 2,
        "with_explicit_reason": 0,
        "by_reason": {},
        "without_either": 0,
        "share_link_or_reason": 100.0,
        "without_code_matched_to_rome_fiche": {"total": 0},
    }
    assert report.rome["emploi_types"] == {
        "total": 36,
        "with_rome_link": 33,
        "with_explicit_reason": 3,
        "by_reason": {"Non pertinent": 3},
        "without_either": 0,
        "share_link_or_reason": 100.0,
        # their ROME candidates (share one word of two) are for a reviewer
        "without_code_matched_to_rome_fiche": {"total": 0},
    }


def test_esco_coverage_by_match_type(report) -> None:
    emplois = report.esco["emploi_types"]
    assert (emplois["total"], emplois["matched"], emplois["share_matched"]) == (36, 33, 91.7)
    assert emplois["by_match_type"] == {
        "exactMatch": 4,
        "closeMatch": 25,
        "broadMatch": 4,
        "narrowMatch": 1,
        "relatedMatch": 1,
    }
    assert emplois["by_justification"] == {"ManualMappingCuration": 33}
    assert emplois["reviewed_no_esco_equivalent"] == 3
    assert emplois["unmatched"] == ["Gestionnaire de contrats", "Gestionnaire de services", "Manager de ressources"]
    assert report.esco["fiches"]["matched"] == 2 and report.esco["fiches"]["by_match_type"]["broadMatch"] == 2
    appellations = report.esco["appellations"]
    assert (appellations["total"], appellations["matched"]) == (119, 14)
    assert appellations["by_justification"] == {"LexicalMatching": 10, "ManualMappingCuration": 4}


def test_isco_groups_are_consistent_with_esco(report) -> None:
    assert report.isco == {
        "with_isco_group": {"fiches": 2, "emploi_types": 32, "appellations": 14},
        "isco_links": 51,
        "consistent_with_esco": 51,
        "inconsistent": 0,
    }


def test_skills_are_deduplicated_and_partly_matched(report) -> None:
    assert report.skills == {
        "skills": 337,
        "phrases": 397,
        "with_esco_skill": 21,
        "with_rome_competence": 0,
        "with_rome_savoir": 9,
    }


def test_mapping_counts(report) -> None:
    # + 18 exactMatch (LexicalMatching) from our titles to the ROME appellations of the same title (and 8 rejected)
    assert report.mappings["by_predicate"] == {
        "broadMatch": 56,
        "closeMatch": 63,
        "exactMatch": 29,
        "narrowMatch": 4,
        "references": 29,
        "relatedMatch": 11,
    }
    assert report.mappings["by_justification"] == {
        "LexicalMatching": 66,
        "ManualMappingCuration": 67,
        "MappingChaining": 59,
    }
    assert report.mappings["rejected_candidates"] == {"count": 21}
    assert report.cross_source == {"relatedMatch": 8}


def test_rome_export_counts(report) -> None:
    """On the tests' smaller export (tests/rome_subset.py); tests/kg/test_rome.py has the complete one's."""
    figures = report.rome_export
    assert (
        figures["fiches"],
        figures["our_links_to_rome_appellations"],
        figures["our_titles_linked_to_rome_appellations"],
        figures["rejected_rome_appellation_candidates"],
    ) == (1584, 18, 18, 8)
    assert 0 < figures["appellations_with_official_esco_mapping"] < figures["appellations"]


def test_no_passerelle_is_silently_dropped(report) -> None:
    p = report.passerelles
    assert (p["resolved_to_emploi_type"], p["resolved_to_family_or_sous_famille"], p["unresolved"]) == (122, 16, 9)
    assert p["unresolved_list"][0] == "Métiers transverses (line 584, Urbaniste)"
    assert "Expert (line 4075, Intégrateur d'exploitation)" in p["unresolved_list"]


def test_passerelles_naming_a_group_point_at_it(built_store: Path) -> None:
    rows = Store.open_current(built_store).query("""
        PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label ?group WHERE { ?u a mkg:UnresolvedMention ; skos:prefLabel ?label ; mkg:refersToGroup ?group .
                                     FILTER(STR(?label) = "Famille : Conseil") }""")
    assert {row["group"].value for row in rows} == {BASE + "famille/conseil"}


def test_mentions_linked_and_unmatched(report) -> None:
    m = report.mentions
    assert (m["total"], m["linked"], m["unmatched"]) == (35, 19, 16)
    assert m["by_kind"]["termMention"] == {"total": 8, "linked": 8}
    assert m["by_kind"]["diplomaMention"] == {"total": 5, "linked": 2}
    assert "Licence 3 MIAGE [3694:3709] (diplomaMention)" in m["unmatched_list"]


def test_shacl_warnings_are_counted_from_the_store(report) -> None:
    assert report.shacl == {"Warning": 0}
    store = Store.in_memory()
    sh = "http://www.w3.org/ns/shacl#"
    graph = ox.NamedNode(BASE + "graph/validation")
    result = ox.NamedNode(BASE + "validation/result-1")
    store.bulk_add(
        [
            ox.Quad(
                result,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(sh + "ValidationResult"),
                graph,
            ),
            ox.Quad(result, ox.NamedNode(sh + "resultSeverity"), ox.NamedNode(sh + "Warning"), graph),
        ]
    )
    assert quality_report(store).shacl == {"Warning": 1}


def test_cli_prints_text_and_json(built_store: Path) -> None:
    text = run_cli("report", "--store", built_store)
    assert text.returncode == 0, text.stderr
    assert "ESCO  emploi_types: 33/36 matched (91.7%)" in text.stdout
    data = json.loads(run_cli("report", "--store", built_store, "--format", "json").stdout)
    assert data["esco"]["emploi_types"]["matched"] == 33
    assert run_cli("report", "--store", built_store.parent / "nothing").returncode == 1


def test_render_text_lists_every_section(report) -> None:
    text = render_text(report)
    for heading in ("ROME", "ESCO", "ISCO", "Skills", "Mappings", "Cross-source", "Passerelles", "Mentions", "SHACL"):
        assert heading in text


def test_server_report_page(built_store: Path, report) -> None:
    from server.app import create_app
    from server.config import ServerConfig

    client = create_app(ServerConfig.from_env(store_dir=built_store)).test_client()
    page = client.get("/report")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Gestionnaire de contrats" in page.get_data(as_text=True)
    data = client.get("/report", headers={"Accept": "application/json"})
    assert data.status_code == 200 and data.json["isco"] == report.isco
    assert client.get("/report?format=json").json["mentions"]["linked"] == 19
