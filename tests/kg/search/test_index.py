"""The name index written by ``metiers-kg build`` into the build's directory, searched as the server does."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.search import INDEX_DIR, SearchIndex
from kg.search.abbreviations import mine_acronyms
from kg.search.index import CANDIDATE_DOCS
from kg.search.score import MATCH_GAP, MATCH_MIN, Title, best_name_score, fold, is_match, name_score, prepare, variants
from kg.search.types import OCCUPATION_TYPES
from kg.store import Store, current_build

ROME_FICHE_APPELLATION = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
SELECT ?label WHERE { ?a a mkg:RomeAppellation ; skos:broader <https://w3id.org/metiers-kg/rome/M1810> ;
  skos:prefLabel ?label } ORDER BY ?label"""


@pytest.fixture(scope="module")
def index(built_store: Path) -> SearchIndex:
    return SearchIndex(current_build(built_store) / INDEX_DIR)


def test_the_build_writes_its_index_inside_the_build(built_store: Path, index: SearchIndex) -> None:
    assert (current_build(built_store) / INDEX_DIR / "entities.json").is_file()
    assert len(index) > 10_000  # one document per name: ROME fiches, appellations, ESCO, fiches, emploi-types


def test_an_emploi_type_by_its_name(index: SearchIndex) -> None:
    top = index.search("Concepteur développeur", ("EmploiType",))
    assert top[0].id == "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
    assert top[0].score == 100.0 and top[0].match and top[0].features["exact_label"] is True


def test_every_appellation_of_a_fiche_finds_the_fiche(built_store: Path, index: SearchIndex) -> None:
    labels = [row["label"].value for row in Store.open_current(built_store).query(ROME_FICHE_APPELLATION)]
    assert len(labels) > 5
    for label in labels:
        top = index.search(label, ("RomeFiche",), 3)
        assert top[0].id == "https://w3id.org/metiers-kg/rome/M1810", (label, top[0])
        assert top[0].matched_kind in ("appellation", "prefLabel")


def test_both_gender_forms_and_no_accents(index: SearchIndex) -> None:
    masculine = index.search("administrateur de logiciels de laboratoire", ("FicheMetier",))[0]
    feminine = index.search("ADMINISTRATRICE DE LOGICIELS DE LABORATOIRE", ("FicheMetier",))[0]
    assert masculine.id == feminine.id == "https://w3id.org/metiers-kg/metier/MET.717"
    assert feminine.features["exact_label"] is True and feminine.score == 98.0  # an alternative label, exactly


def test_identifiers_are_looked_up(index: SearchIndex) -> None:
    assert [(c.id, c.match) for c in index.search("M1810")] == [("https://w3id.org/metiers-kg/rome/M1810", True)]
    assert index.search("met.717")[0].id == "https://w3id.org/metiers-kg/metier/MET.717"
    esco = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    assert index.search(esco)[0].type == "EscoOccupation"


def test_a_typo_still_finds_it_but_is_no_automatic_match(index: SearchIndex) -> None:
    top = index.search("Concepteur dévelopeur", ("EmploiType",))
    assert top[0].id.endswith("/concepteur-developpeur")
    assert 80 <= top[0].score < 100


def test_empty_and_huge_queries_answer_nothing_or_something(index: SearchIndex) -> None:
    assert index.search("") == [] and index.search("  / - ") == []
    assert isinstance(index.search("développeur " * 1000), list)


def test_skills_and_knowledge_have_their_own_types(index: SearchIndex) -> None:
    esco = index.search("gérer le personnel musical", ("EscoSkill",))[0]
    assert esco.id == "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab" and esco.match
    competence = index.search("administrer un systeme d'information", ("RomeCompetence",), 1)[0]
    savoir = index.search("audit sécurité informatique", ("RomeSavoir",), 1)[0]
    assert competence.id == "https://w3id.org/metiers-kg/rome/competence/300204"
    assert savoir.id == "https://w3id.org/metiers-kg/rome/savoir/478625" and savoir.score < 100
    # a job title is matched to occupations: a skill never comes first for the occupation types
    assert all(c.type in OCCUPATION_TYPES for c in index.search("développeur", OCCUPATION_TYPES, 20))


def test_a_qualifier_with_en_finds_the_fiche_of_its_appellation(index: SearchIndex) -> None:
    # "Vendeur / Vendeuse en boulangerie-pâtisserie" is an appellation of D1106, not of a vente fiche
    # that merely starts with "Vendeur en"; ESCO has the title itself
    assert index.search("vendeur en boulangerie", ("EscoOccupation",))[0].name.startswith("vendeur en boulangerie")
    assert index.search("Vendeur / Vendeuse en boulangerie", ("EscoOccupation",))[0].score == 100.0


def test_abbreviations_are_read_both_ways(index: SearchIndex) -> None:
    drh = index.search("DRH", ("EscoOccupation",))[0]  # ESCO has "DRH" itself
    assert drh.name.startswith("directeur des ressources humaines") and drh.matched_label == "DRH"
    rh = index.search("responsable RH", ("EscoOccupation",))[0]
    assert rh.id == drh.id and rh.features["abbreviations_expanded"]
    assert rh.matched_label == "responsable des ressources humaines"
    assert mine_acronyms(
        [
            "Directeur / Directrice des Ressources Humaines -DRH-",
            "Chef de projet BTP",
            "Conducteur de travaux Bâtiments et Travaux Publics - BTP",
        ]
    ) == {"btp": "batiments travaux publics", "drh": "directeur ressources humaines"}  # spelled out by a label
    assert index.abbreviations["dev"] == "developpeur"  # common usage, from the table


def test_an_acronym_a_label_spells_out_costs_nothing() -> None:
    title = prepare(
        "Directeur des ressources humaines -DRH-", lambda w: w, {}, 1.0, {"drh": "directeur ressources humaines"}
    )
    assert title.words == ("directeur", "ressources", "humaines")


def test_gender_halves_share_their_complement() -> None:
    assert variants("Vendeur / Vendeuse en boulangerie") == [
        "Vendeur / Vendeuse en boulangerie",
        "Vendeur en boulangerie",
        "Vendeuse en boulangerie",
    ]
    assert variants("Accessoiriste / Machiniste") == ["Accessoiriste / Machiniste", "Accessoiriste", "Machiniste"]
    assert fold("Développeur/Développeuse") == "developpeur developpeuse"


def test_a_match_needs_a_high_score_and_a_clear_lead() -> None:
    assert is_match([100.0]) and is_match([100.0, 85.0])
    assert not is_match([100.0, 98.0]) and not is_match([MATCH_MIN - 1]) and not is_match([])
    assert is_match([MATCH_MIN, MATCH_MIN - MATCH_GAP]) and not is_match([MATCH_MIN, MATCH_MIN - MATCH_GAP + 1])


def test_an_index_without_its_table_of_names_answers_the_same(
    built_store: Path, index: SearchIndex, tmp_path: Path
) -> None:
    """A search reads its hits' names from names.tsv; an index written before that table (its documents
    hold the names too) must give the same answers, features and all."""
    import shutil

    from kg.search.name_rows import NAMES_FILE

    older = tmp_path / "index"
    shutil.copytree(current_build(built_store) / INDEX_DIR, older)
    (older / NAMES_FILE).unlink()
    without = SearchIndex(older)
    queries = ["Exploitante informatique", "vendeur en boulangerie", "DRH", "Infirmier de bloc", "tech support"]
    for query in queries:
        for types in (("RomeFiche", "RomeAppellation"), ("EscoOccupation",), ()):
            assert without.search(query, types, 10) == index.search(query, types, 10), (query, types)
    assert without.suggest("infirm", ("RomeAppellation",)) == index.suggest("infirm", ("RomeAppellation",))
    assert without.search("Exploitante informatique", ("RomeFiche",))[0].id == "https://w3id.org/metiers-kg/rome/M1810"


def test_a_search_per_type_ranks_as_one_query_over_the_types(built_store: Path, index: SearchIndex) -> None:
    """The ROME search is run as one tantivy search per type, merged: the same hits, scores and order
    (ties by address) as the query over both types, which costs tantivy more."""
    labels = [row["label"].value for row in Store.open_current(built_store).query(ROME_FICHE_APPELLATION)]
    texts = [*labels, *(label.upper() for label in labels), "vendeur", "agent de", "Infirmier / Infirmière", "tech"]
    types = ("RomeFiche", "RomeAppellation", "EscoOccupation")
    queries = index._queries
    for text in texts:
        for any_word in (False, True):
            words = queries._by_words(text, any_word)
            assert words is not None, text
            union = queries._narrowed(words[0], types, words[1], None)
            expected = index._searcher.search(union, CANDIDATE_DOCS, count=False).hits
            got = index._hits(queries.by_name(text, types, any_word=any_word))
            assert [(s, a.segment_ord, a.doc) for s, a in got] == [(s, a.segment_ord, a.doc) for s, a in expected]


def test_the_best_score_over_a_querys_variants_is_the_best_of_its_scores() -> None:
    def prepared(text: str) -> Title:
        return prepare(text, lambda w: w[:6], {"vendeur": 2.0, "boulangerie": 5.0}, 3.0)

    labels = ["Vendeur / Vendeuse en boulangerie", "Vendeuse en boulangerie", "vendeur boulanger", "Boulanger", "x"]
    for query in labels:
        titles = [t for t in (prepared(v) for v in variants(query)) if t.words]
        for name in labels:
            for kind in ("prefLabel", "esco", "other"):
                best = max(name_score(title, prepared(name), kind) for title in titles)
                assert best_name_score(titles, prepared(name), kind) == best, (query, name, kind)
