"""Seeds → store, through the CLI: exact figures read back with SPARQL from the real store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.store import Store
from tests.conftest import SEED_FILES, SEEDS, run_cli

BASE = "https://w3id.org/metiers-kg/"
PREFIXES = """
PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


def select(store_dir: Path, query: str) -> list[dict[str, str]]:
    solutions = Store.open_current(store_dir).query(PREFIXES + query)
    variables = solutions.variables
    return [{v.value: s[v].value for v in variables if s[v] is not None} for s in solutions]


def scalar(store_dir: Path, query: str) -> str:
    rows = select(store_dir, query)
    assert len(rows) == 1, rows
    return next(iter(rows[0].values()))


def test_each_document_has_its_own_named_graph_with_provenance(built_store: Path) -> None:
    rows = select(
        built_store,
        """
        SELECT ?g ?file ?sha WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?src . ?src dcterms:title ?file ;
                                                   mkg:sha256 ?sha } } ORDER BY ?file""",
    )
    by_file = {row["file"]: row for row in rows}
    for path in SEED_FILES:
        assert by_file[path.name]["sha"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert by_file[Path(os.environ["METIERS_KG_ROME"]).name]["g"] == BASE + "graph/rome"  # the export (conftest)
    assert by_file["unix_referentiel_code_rome_v460_utf8.csv"]["g"] == BASE + "graph/rome"
    assert by_file["curation.sssom.tsv"]["g"] == BASE + "graph/alignment"
    assert by_file["esco_occupations_labels.csv"]["g"] == BASE + "graph/esco"
    graphs = {row["g"] for row in rows}
    assert {BASE + "graph/fiche/MET.717", BASE + "graph/fiche/MET.15"} <= graphs
    assert len(graphs) == len(SEED_FILES) + 3  # + ROME, the alignment (curation file) and the ESCO tables


def test_reference_graphs_are_present(built_store: Path) -> None:
    graphs = {g.value for g in Store.open_current(built_store).named_graphs()}
    assert {BASE + "graph/ontology", BASE + "graph/rome", BASE + "graph/niveaux"} <= graphs


def test_rome_scheme_holds_every_rome_4_fiche(built_store: Path) -> None:
    assert scalar(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?f a mkg:RomeFiche }") == "1584"
    assert scalar(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?f a mkg:RomeGrandDomaine }") == "14"
    assert (
        scalar(
            built_store,
            f"""SELECT ?label WHERE {{ <{BASE}rome/M1810> skos:broader/skos:broader ?gd .
                                    ?gd skos:prefLabel ?label }}""",
        )
        == "Support à l'entreprise"
    )


def test_default_graph_is_the_union_of_all_graphs(built_store: Path) -> None:
    rows = select(
        built_store,
        f"""
        SELECT ?label ?rome WHERE {{ <{BASE}metier/MET.717> skos:prefLabel ?label ; mkg:romeFiche ?r .
                                     ?r skos:prefLabel ?rome }}""",
    )
    assert rows == [
        {
            "label": "administrateur/trice de logiciels de laboratoire",
            "rome": "Technicien / Technicienne d'exploitation informatique",
        }
    ]


def test_fiche_figures(built_store: Path) -> None:
    assert (
        scalar(
            built_store,
            f"""SELECT (COUNT(?f) AS ?n) WHERE {{
        <{BASE}metier/MET.717> mkg:recommendedFormation ?f }}""",
        )
        == "11"
    )
    assert (
        scalar(
            built_store,
            f"""SELECT (COUNT(?f) AS ?n) WHERE {{
        <{BASE}metier/MET.15> mkg:recommendedFormation ?f }}""",
        )
        == "9"
    )
    assert (
        scalar(
            built_store,
            f"""SELECT ?v WHERE {{ <{BASE}metier/MET.15> mkg:startingSalary
        [ schema:value ?v ; schema:currency "EUR" ; schema:unitText "MONTH" ] }}""",
        )
        == "2415"
    )
    assert (
        scalar(
            built_store,
            f"""SELECT ?eqf WHERE {{ <{BASE}metier/MET.717> mkg:minimumAccessLevel ?l .
        ?l mkg:eqfLevel ?eqf }}""",
        )
        == "6"
    )
    shared = select(
        built_store,
        f"""SELECT ?f WHERE {{ <{BASE}metier/MET.717> mkg:recommendedFormation ?f .
        <{BASE}metier/MET.15> mkg:recommendedFormation ?f }} ORDER BY ?f""",
    )
    assert [row["f"] for row in shared] == [BASE + "formation/FOR.10363", BASE + "formation/FOR.5965"]


def test_referentiel_figures(built_store: Path) -> None:
    assert scalar(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a mkg:EmploiType }") == "36"
    assert scalar(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?f a mkg:Famille }") == "5"
    absent = select(built_store, """SELECT ?reason WHERE { ?e a mkg:EmploiType ; mkg:romeAbsenceReason ?reason }""")
    assert [row["reason"] for row in absent] == ["Non pertinent"] * 3
    assert (
        scalar(
            built_store,
            """SELECT (COUNT(*) AS ?n) WHERE {
        ?e a mkg:EmploiType . FILTER NOT EXISTS { ?e mkg:family ?f } }""",
        )
        == "0"
    )


def test_testimony_glossary(built_store: Path) -> None:
    rows = select(
        built_store,
        "SELECT ?t WHERE { ?d a mkg:Testimony ; mkg:glossary/^skos:inScheme/skos:prefLabel ?t } ORDER BY ?t",
    )
    assert [row["t"] for row in rows] == ["DSI", "PACS", "SIR", "SRC"]


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    result = run_cli("build", "--seeds", SEEDS, "--store", tmp_path / "s", "--base-iri", "http://example.org/kg/")
    assert result.returncode == 0, result.stderr
    store = Store.open_current(tmp_path / "s")
    assert bool(store.query(PREFIXES + "ASK { <http://example.org/kg/metier/MET.15> a mkg:FicheMetier }"))
    assert not bool(
        store.query(PREFIXES + f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), '{BASE}metier')) }}")
    )


@pytest.mark.parametrize("fmt,suffix", [("turtle", "ttl"), ("nquads", "nq"), ("trig", "trig")])
def test_dumps_of_two_builds_are_byte_identical_and_load_back(
    tmp_path: Path, built_store: Path, fmt: str, suffix: str
) -> None:
    other = tmp_path / "again"
    assert run_cli("build", "--seeds", SEEDS, "--store", other).returncode == 0
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    assert run_cli("dump", "--store", built_store, "--format", fmt, "--output", first).returncode == 0
    assert run_cli("dump", "--store", other, "--format", fmt, "--output", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    store = Store.open_current(built_store)
    if fmt == "turtle":
        assert len(Graph().parse(first, format="turtle")) == len(
            set((q.subject, q.predicate, q.object) for q in store.quads())
        )
    else:
        dataset = Dataset()
        dataset.parse(first, format=fmt)
        assert sum(len(g) for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier) == len(store)


def test_gzip_dump_is_reproducible(tmp_path: Path, built_store: Path) -> None:
    outputs = [tmp_path / f"{n}.nq.gz" for n in range(2)]
    for output in outputs:
        assert run_cli("dump", "--store", built_store, "--format", "nquads", "--output", output).returncode == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert outputs[0].read_bytes()[:2] == b"\x1f\x8b"


def test_parallel_batches_build_the_same_graph_as_one_process(tmp_path: Path) -> None:
    """Worker processes (used for large corpora) must not change a single quad, nor lose one."""
    from kg.build import build
    from kg.publish.dumps import serialize

    single = build(SEEDS, tmp_path / "single", BASE, workers=1)
    parallel = build(SEEDS, tmp_path / "parallel", BASE, batch_size=1, workers=2)
    assert parallel.quads == single.quads and parallel.graphs == single.graphs
    assert serialize(Store.open_current(tmp_path / "parallel"), "nquads") == serialize(
        Store.open_current(tmp_path / "single"), "nquads"
    )


def test_parallel_build_reports_a_bad_document_with_its_file_and_line(tmp_path: Path) -> None:
    from kg.build import build
    from kg.core.errors import DocumentsRejectedError

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEED_FILES:
        (seeds / path.name).write_bytes(path.read_bytes())
    bad = seeds / "999_bad.txt"
    bad.write_text(SEED_FILES[0].read_text(encoding="utf-8").replace("- M1810", "- Z9999", 1), encoding="utf-8")
    with pytest.raises(DocumentsRejectedError) as caught:
        build(seeds, tmp_path / "store", BASE, batch_size=1, workers=2)
    line = next(i for i, text in enumerate(bad.read_text(encoding="utf-8").split("\n"), 1) if "Z9999" in text)
    assert caught.value.reasons == [f"{bad}:{line}: invalid ROME code 'Z9999' (expected a letter A–N and 4 digits)"]
    assert not (tmp_path / "store" / "current").exists()


def test_batch_plan_gives_every_core_the_same_work() -> None:
    from kg.build_batches import batch_plan

    assert batch_plan([1] * 888, 2) == [444, 444]  # under 1,000 documents: still one batch per core
    assert batch_plan([1] * 2870, 2) == [718, 717, 718, 717]
    heavy_then_light = [10] * 888 + [1] * 1982  # fiches métiers cost about ten fiches formations
    plan = batch_plan(heavy_then_light, 2)
    assert sum(plan) == 2870 and len(plan) % 2 == 0 and max(plan) <= 1000
    costs, start = [], 0
    for size in plan:
        costs.append(sum(heavy_then_light[start : start + size]))
        start += size
    assert max(costs) - min(costs) <= 10  # even cost, to one heavy document
    assert batch_plan([1] * 5, 2) == [5] and batch_plan([], 2) == [0]


def test_name_index_written_beside_the_alignment_is_the_index_of_the_whole_store(
    tmp_path: Path, built_store: Path
) -> None:
    """The build writes the name index while it aligns (kg.build._finish): the graphs it adds after
    must give no name, so the index is the same as one written from the finished store."""
    from kg.build_records import INDEX_DIR
    from kg.search.name_rows import NAMES_FILE
    from kg.search.writing import ENTITIES_FILE, write_index

    store = Store.open_current(built_store)
    again = write_index(store, tmp_path / "index")
    for table in (ENTITIES_FILE, NAMES_FILE):
        built = (Path(store.path) / INDEX_DIR / table).read_bytes()
        assert (tmp_path / "index" / table).read_bytes() == built and again > 0, table
    names = (tmp_path / "index" / NAMES_FILE).read_text(encoding="utf-8").split("\n")
    assert len(names) == again  # one line per indexed name
