"""The ONISEP corpus in the graph: exact figures, the rejection report, all-or-nothing and --keep-going builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.publish.report import quality_report
from kg.store import Store
from tests.conftest import CORPUS, run_cli

METIERS, FORMATIONS = CORPUS / "fiches-metiers", CORPUS / "fiches-formations"
K15 = f"{METIERS / 'MET.8099.md'}:19: invalid ROME code 'K15' (expected a letter A–N and 4 digits)"
PREFIXES = "PREFIX mkg: <https://w3id.org/metiers-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "


def _count(store: Store, where: str) -> int:
    rows = list(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


@pytest.mark.slow
def test_keep_going_build_of_seeds_and_corpus_leaves_out_only_the_malformed_fiche(corpus_build) -> None:
    store_dir, result, rejections = corpus_build
    assert rejections == K15 + "\n"
    assert "left out 1 document(s) (rejection report):\n" + K15 in result.stderr
    # The seeds 000 and 001 are MET.717 and MET.15 of the corpus, byte for byte: built once.
    assert result.stderr.count("skipped, byte-identical to") == 2
    store = Store.open_current(store_dir)
    documents = """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?d }
                   FILTER(REGEX(STR(?g), "/graph/(fiche|formation|referentiel|temoignage)/")) }"""
    assert _count(store, f"{{ {documents} }}") == 4 + (888 - 2 - 1) + 1982
    assert _count(store, "?f a mkg:FicheMetier") == 887
    assert _count(store, "GRAPH <https://w3id.org/metiers-kg/graph/fiche/MET.8099> { ?s ?p ?o }") == 0


@pytest.mark.slow
def test_quality_report_counts_the_corpus(corpus_build) -> None:
    report = quality_report(Store.open_current(corpus_build[0]))
    assert report.rome["fiches"] == {
        "total": 887,
        "with_rome_link": 785,
        "with_explicit_reason": 102,
        "by_reason": {"Code ROME non fourni par la source": 102},
        "without_either": 0,
        "share_link_or_reason": 100.0,
        # their titles are ROME appellations (kg.alignment.rome_candidates)
        "without_code_matched_to_rome_fiche": {"total": 25, "LexicalMatching": 25},
    }
    assert report.formations == {
        "described": 1982,
        "recommended_by_a_fiche": 1846,
        "named_occupations": 5435,
        "resolved_to_fiche": 4655,
        "unresolved": 780,
    }
    assert report.rejections == {
        "documents": 1,
        "reasons": 1,
        "list": ["MET.8099.md:19: invalid ROME code 'K15' (expected a letter A–N and 4 digits)"],
    }


@pytest.mark.slow
def test_formation_leads_to_fiches_and_keeps_unresolved_names_with_their_line(corpus_build) -> None:
    store = Store.open_current(corpus_build[0])
    formation = "<https://w3id.org/metiers-kg/formation/FOR.10363>"
    leads = {
        row["t"].value
        for row in store.query(
            PREFIXES
            + f"""SELECT ?t WHERE {{ {formation} mkg:leadsTo ?m .
        ?m <http://www.w3.org/2004/02/skos/core#prefLabel> ?t }}"""
        )
    }
    assert "ingénieur/e logiciel" in leads and len(leads) == _count(store, f"{formation} mkg:leadsTo ?m")
    unresolved = {
        (row["t"].value, int(row["l"].value))
        for row in store.query(
            PREFIXES
            + f"""SELECT ?t ?l WHERE {{
        {formation} mkg:associatedOccupation ?o . ?o a mkg:UnresolvedMention ;
        <http://www.w3.org/2004/02/skos/core#prefLabel> ?t ; mkg:sourceLine ?l }}"""
        )
    }
    assert len(leads) + len(unresolved) == 10
    assert _count(store, f"?fiche mkg:recommendedFormation {formation}") >= 1


def _bad_corpus(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three valid documents of the corpus, its malformed fiche, and two broken copies; their expected reasons."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (
        METIERS / "MET.717.md",
        METIERS / "MET.8099.md",
        FORMATIONS / "FOR.10363.md",
        FORMATIONS / "FOR.1000.md",
    ):
        shutil.copy(path, docs / path.name)
    unknown_code = (METIERS / "MET.15.md").read_text(encoding="utf-8").replace("- M1810", "- M9999", 1)
    assert unknown_code != (METIERS / "MET.15.md").read_text(encoding="utf-8")
    (docs / "MET.15.md").write_text(unknown_code, encoding="utf-8")
    (docs / "notes.md").write_text("code;libellé\nA1;x\nB2;y\n", encoding="utf-8")
    line = next(i for i, text in enumerate(unknown_code.split("\n"), 1) if "M9999" in text)
    reasons = [
        f"{docs / 'MET.15.md'}:{line}: Violation: ROME code is not a ROME 4.0 fiche (unknown code)",
        f"{docs / 'MET.8099.md'}:19: invalid ROME code 'K15'",
        f"{docs / 'notes.md'}:1: unknown document kind",
    ]
    return docs, reasons


def test_default_build_refuses_with_every_reason_and_writes_nothing(tmp_path: Path) -> None:
    docs, reasons = _bad_corpus(tmp_path)
    result = run_cli("build", "--seeds", docs, "--store", tmp_path / "store")
    assert result.returncode == 1
    listed = [line for line in result.stderr.splitlines() if line.startswith(str(docs))]
    assert len(listed) == 3 and all(line.startswith(reason) for line, reason in zip(sorted(listed), reasons))
    assert not (tmp_path / "store" / "current").exists()


def test_keep_going_build_holds_exactly_the_valid_documents(tmp_path: Path) -> None:
    docs, reasons = _bad_corpus(tmp_path)
    result = run_cli(
        "build",
        "--seeds",
        docs,
        "--keep-going",
        "--rejections",
        tmp_path / "rejected.txt",
        "--store",
        tmp_path / "store",
    )
    assert result.returncode == 3, result.stderr
    written = (tmp_path / "rejected.txt").read_text(encoding="utf-8").splitlines()
    assert len(written) == 3 and all(line.startswith(reason) for line, reason in zip(written, reasons))
    store = Store.open_current(tmp_path / "store")
    graphs = {
        row["g"].value.rsplit("/", 1)[-1]
        for row in store.query(
            PREFIXES
            + """SELECT DISTINCT ?g WHERE {
        GRAPH ?g { ?g prov:wasDerivedFrom ?d } FILTER(REGEX(STR(?g), "/graph/(fiche|formation)/")) }"""
        )
    }
    assert graphs == {"MET.717", "FOR.10363", "FOR.1000"}
    report = quality_report(store)
    assert report.rejections["documents"] == 3 and report.rejections["reasons"] == 3
