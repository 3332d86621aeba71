"""The complete ROME 4.0 in a built store: counts, model, the cache, SHACL over the store, failed builds."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef

from kg.core.vocab import DEFAULT_BASE_IRI, PREFIXES
from kg.mapping.rome import default_export
from kg.rome_stage import cache_key
from kg.store import Store, current_build
from kg.validation.compile import ROME_SHAPES_RESOURCE, packaged_shapes
from kg.validation.store import validate_store
from tests.conftest import SEEDS, run_cli

BASE = "https://w3id.org/metiers-kg/"
REPO = Path(__file__).resolve().parents[2]
FULL = REPO / "reference" / "rome4-v460.zip"
ROME_GRAPH = BASE + "graph/rome"
pytestmark = pytest.mark.slow
HEAD = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@pytest.fixture(scope="module")
def full_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store built from the seeds and the complete, vendored export (its ROME graph cached by checksum)."""
    store = tmp_path_factory.mktemp("rome") / "kg"
    result = run_cli("build", "--seeds", SEEDS, "--store", store, "--rome", FULL)
    assert result.returncode == 0, result.stderr
    return store


def count(store: Path, where: str) -> int:
    rows = list(Store.open_current(store).query(HEAD + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


def values(store: Path, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in Store.open_current(store).query(HEAD + query)]


def test_counts_in_the_graph(full_store: Path) -> None:
    for cls, expected in (
        ("mkg:RomeFiche", 1584),
        ("mkg:RomeGrandDomaine", 14),
        ("mkg:RomeDomaine", 110),
        ("mkg:RomeAppellation", 13120),
        ("mkg:RomeCompetence", 17810),
        ("mkg:RomeMacroCompetence", 507),
        ("mkg:RomeObjectif", 84),
        ("mkg:RomeEnjeu", 32),
        ("mkg:RomeDomaineCompetences", 6),
        ("mkg:RomeSavoir", 15354),
        ("mkg:RomeContexte", 179),
        ("mkg:RomeContexteType", 6),
        ("mkg:RomeSavoirCategorie", 32),
        ("mkg:Mobilite", 14912),
        ("mkg:CoeurDeMetier", 20631),
        ("mkg:RomeTheme", 17),
        ("mkg:RomeCentreInteret", 30),
    ):
        assert count(full_store, f"GRAPH <{ROME_GRAPH}> {{ ?x a {cls} }}") == expected, cls
    links = " ".join(f"{{ ?f mkg:{p} ?x }} UNION" for p in ("savoirFaire", "savoirEtre", "savoir"))
    assert count(full_store, f"{links} {{ ?f mkg:contexteTravail ?x }}") == 49440 + 5255 + 35861 + 13663
    assert 700_000 <= count(full_store, f"GRAPH <{ROME_GRAPH}> {{ ?s ?p ?o }}") <= 850_000


def test_domaines_have_their_real_names(full_store: Path) -> None:
    assert values(full_store, f"SELECT ?l WHERE {{ <{BASE}rome/M18> skos:prefLabel ?l }}") == [
        ("Systèmes d'information et de télécommunication",)
    ]


def test_a_fiche_as_france_travail_shows_it(full_store: Path) -> None:
    fiche = f"<{BASE}rome/A1101>"
    assert values(full_store, f"SELECT ?ogr WHERE {{ {fiche} mkg:codeOgr ?ogr }}") == [("6",)]
    [(definition,)] = values(full_store, f"SELECT ?d WHERE {{ {fiche} skos:definition ?d }}")
    assert definition.startswith("Réalise des travaux agricoles mécanisés.\nAménage et prépare les terrains")
    order = values(
        full_store,
        f"""SELECT ?to ?n WHERE {{ ?m mkg:linkFiche {fiche} ; mkg:mobiliteCible ?t ;
                                    mkg:order ?n . ?t skos:notation ?to }} ORDER BY ?n""",
    )
    assert [n for _, n in order] == [str(i) for i in range(1, len(order) + 1)] and ("A1102", "6") in order
    assert values(full_store, f"SELECT ?r WHERE {{ {fiche} mkg:riasecMajeur/skos:notation ?r }}") == [("R",)]


def test_gendered_labels_are_skos_xl_with_esco_roles(full_store: Path) -> None:
    rows = values(
        full_store,
        f"""SELECT ?form ?role WHERE {{ <{BASE}rome/appellation/11987> skosxl:altLabel ?l .
                                  ?l skosxl:literalForm ?form ; esco:hasLabelRole ?role ;
                                     prov:wasAttributedTo ?who }} ORDER BY ?form""",
    )
    assert rows == [
        ("Chauffeur de machines agricoles", "http://data.europa.eu/esco/label-role/male"),
        ("Chauffeuse de machines agricoles", "http://data.europa.eu/esco/label-role/female"),
    ]


def test_competence_tree_levels_say_their_labels_are_not_published(full_store: Path) -> None:
    assert count(full_store, "?o a mkg:RomeObjectif FILTER NOT EXISTS { ?o skos:prefLabel ?l }") == 84
    assert count(full_store, "?o a mkg:RomeObjectif ; skos:editorialNote ?n") == 84
    assert (
        count(
            full_store,
            """?c a mkg:RomeCompetence ; skos:broader/skos:broader/skos:broader/skos:broader
                                ?d . ?d a mkg:RomeDomaineCompetences""",
        )
        == 17810
    )


def test_graph_provenance_and_version(full_store: Path) -> None:
    rows = values(
        full_store,
        f"""SELECT ?v ?issued ?publisher WHERE {{ GRAPH <{ROME_GRAPH}> {{
                                  <{ROME_GRAPH}> dcterms:hasVersion ?v ; dcterms:issued ?issued ;
                                  dcterms:publisher ?publisher }} }}""",
    )
    assert rows == [("4.60", "2025-09-18", "France Travail")]
    assert count(full_store, f"<{ROME_GRAPH}> skos:editorialNote ?n") == 4


def test_the_rome_graph_is_reused_from_the_cache(full_store: Path, tmp_path: Path) -> None:
    cache = Path(os.environ["METIERS_KG_CACHE"])
    entries = sorted(p for p in cache.glob("rome-*") if p.is_dir())
    result = run_cli("build", "--seeds", SEEDS, "--store", tmp_path / "again", "--rome", FULL)
    assert result.returncode == 0, result.stderr
    assert sorted(p for p in cache.glob("rome-*") if p.is_dir()) == entries  # no new entry: same export, same key


def test_compiled_shapes_find_what_pyshacl_finds(tmp_path: Path) -> None:
    """Same focus nodes, paths and messages from the SPARQL-compiled shapes and from pySHACL."""
    data = f"""@prefix mkg: <https://w3id.org/metiers-kg/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix esco: <http://data.europa.eu/esco/model#> .
    <{BASE}rome/appellation/1> a mkg:RomeAppellation ; skos:notation "1", "x2" ; skos:broader <{BASE}rome/savoir/9> .
    <{BASE}rome/savoir/9> a mkg:RomeSavoir ; skos:prefLabel "Savoir"@fr, "Encore"@fr ; skos:notation "9" ;
        esco:skillType <http://data.europa.eu/esco/skill-type/skill> .
    <{BASE}rome/M1/mobilite/M2> a mkg:Mobilite ; mkg:order "un" ; mkg:linkFiche <{BASE}rome/savoir/9> .
    <{BASE}rome/coeur> a mkg:CoeurDeMetier ; mkg:coherence mkg:autre ."""
    graph = Graph().parse(data=data, format="turtle")
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ROME_GRAPH))
    ours = {(v.focus, v.path, v.message) for v in validate_store(store).results}
    shapes = Graph().parse(REPO / "shapes" / "rome-shapes.ttl")
    _, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=Graph().parse(REPO / "ontology" / "metiers-kg.ttl"), inference="none"
    )
    sh = "http://www.w3.org/ns/shacl#"
    theirs = {
        (
            str(results.value(r, URIRef(sh + "focusNode"))),
            str(results.value(r, URIRef(sh + "resultPath"))),
            str(results.value(r, URIRef(sh + "resultMessage"))),
        )
        for r in results.subjects(URIRef(sh + "focusNode"), None)
    }
    assert ours == theirs and len(ours) >= 8
    assert sum(len(shape.properties) for shape in packaged_shapes(ROME_SHAPES_RESOURCE)) == 52


def test_a_broken_export_fails_the_build_and_leaves_the_store(full_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    assert run_cli("build", "--seeds", SEEDS, "--store", store).returncode == 0
    before = current_build(store)
    broken = tmp_path / "broken"
    shutil.copytree(os.environ["METIERS_KG_ROME"], broken)
    path = broken / "unix_referentiel_competence_v460_utf8.csv"
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join(lines[:3] + [lines[3].replace('"Compétence"', '"Compétance"')] + lines[4:]), "utf-8")
    result = run_cli("build", "--seeds", SEEDS, "--store", store, "--rome", broken)
    assert result.returncode == 1
    assert f"{path}:4: nature 'Compétance' is not one of Compétence, Macro-compétence" in result.stderr
    assert current_build(store) == before and len(Store.open_current(store)) > 0
    (broken / "unix_referentiel_savoir_v460_utf8.csv").unlink()
    result = run_cli("build", "--seeds", SEEDS, "--store", store, "--rome", broken)
    assert result.returncode == 1 and "unix_referentiel_savoir_v460_utf8.csv: missing" in result.stderr
    assert current_build(store) == before


def test_the_official_esco_rome_mapping_is_its_own_mapping_set(full_store: Path) -> None:
    graph = BASE + "graph/esco-rome"
    rows = values(
        full_store,
        f"""SELECT ?p (COUNT(?m) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?m a mkg:CrosswalkMapping ;
                                  owl:annotatedProperty ?p ; dcterms:isPartOf ?set ; pav:authoredBy ?who }} }}
                                  GROUP BY ?p ORDER BY ?p""",
    )
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert rows == [
        (skos + "broadMatch", "5086"),
        (skos + "closeMatch", "4597"),
        (skos + "exactMatch", "1144"),
        (skos + "narrowMatch", "291"),
    ]
    assert values(
        full_store,
        f"""SELECT ?v ?author WHERE {{ <{BASE}mapping-set/esco-rome> sssom:mapping_set_version ?v ;
                                  pav:authoredBy/rdfs:label ?author }}""",
    ) == [("V1.4", "Pôle emploi - France")]
    # Read ROME → ESCO: the bond manager is narrower than ESCO's wealth manager.
    assert (
        values(
            full_store,
            f"""SELECT ?p WHERE {{ <{BASE}rome/appellation/15305> ?p ?o .
                                  ?o skos:prefLabel "gestionnaire de patrimoine financier"@fr }}""",
        )
        == []
    )
    assert count(full_store, f"""<{BASE}rome/appellation/15305> skos:broadMatch ?o""") == 1
    assert count(full_store, "SELECT DISTINCT ?f WHERE { ?f mkg:escoOccupation ?o }") == 1421
    assert count(full_store, "SELECT DISTINCT ?f WHERE { ?f mkg:iscoGroup ?o }") == 1420
    # Its own SSSOM TSV (dumps/esco-rome.sssom.tsv.gz): every row of the publisher's file, once.
    from kg.alignment.sssom import crosswalk_tsv

    found = crosswalk_tsv(Store.open_current(full_store), BASE)
    assert found is not None and found[0] == graph
    rows = [line.split("\t") for line in found[1].splitlines()[1:] if not line.startswith("#")][1:]
    assert Counter(row[2] for row in rows) == {
        "skos:broadMatch": 5086,
        "skos:closeMatch": 4597,
        "skos:exactMatch": 1144,
        "skos:narrowMatch": 291,
    }
    assert len({row[8] for row in rows}) == 11118  # one per line of the file


def test_quality_report_counts_the_rome_export(full_store: Path) -> None:
    from kg.publish.report import quality_report

    assert quality_report(Store.open_current(full_store)).rome_export == {
        "fiches": 1584,
        "appellations": 13120,
        "fiches_with_official_esco_mapping": 1421,
        "appellations_with_official_esco_mapping": 11118,
        "our_links_to_rome_appellations": 18,
        "our_titles_linked_to_rome_appellations": 18,
        "rejected_rome_appellation_candidates": 8,
    }


def test_an_occupation_filed_under_a_rome_fiche_inherits_its_official_esco_candidates() -> None:
    from kg.alignment.candidates import candidates
    from kg.alignment.digest import Subject
    from kg.alignment.lexicon import lexicon
    from kg.mapping.esco_rome import official_by_fiche
    from kg.mapping.iris import Iris
    from kg.mapping.rome import rome_appellation_fiches
    from kg.sources.reference import occupation_index

    official = official_by_fiche(rome_appellation_fiches(FULL), Iris())
    subject = Subject(
        iri=BASE + "emploi-type/x",
        kind="emploi-type",
        label="Zzz",
        labels_fr=("Zzz",),
        labels_en=(),
        rome=(BASE + "rome/M1805",),
        owners=(),
        document="x",
        line=None,
    )
    found = candidates(subject, occupation_index(), lexicon(), {}, limit=50, official=official)
    assert found and all(c.evidence.startswith("official ESCO–ROME mapping: ROME M1805 appellation ") for c in found)
    assert {c.object for c in found} <= {esco for esco, _, _ in official[BASE + "rome/M1805"]}
    assert max(c.score for c in found) == 0.9  # an exactMatch of one of its appellations


def test_the_rome_cache_is_keyed_by_the_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ROME graph's provenance carries the build date: a build with another SOURCE_DATE_EPOCH (or
    none) must not reuse it, or two builds of the same input and date would differ by cache history."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = cache_key(default_export(), DEFAULT_BASE_IRI)
    assert cache_key(default_export(), DEFAULT_BASE_IRI) == dated
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert cache_key(default_export(), DEFAULT_BASE_IRI) != dated
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert cache_key(default_export(), DEFAULT_BASE_IRI) != dated
