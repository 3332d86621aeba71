"""What the reconciliation service knows of entities besides their names (read from a real built store), how
queries give those properties, and how they refine candidates; and autocomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.search import INDEX_DIR, TYPES, SearchIndex
from kg.search.properties import Facets, Value, parse_value, property_values
from kg.search.refine import PROPERTY_MISS, Condition, refined_search
from kg.store import Store, current_build

ROME = "https://w3id.org/metiers-kg/rome/"
M1810 = ROME + "M1810"
MET717 = "https://w3id.org/metiers-kg/metier/MET.717"
CONCEPTEUR = "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX mkg: <https://w3id.org/metiers-kg/ontology#> "


@pytest.fixture(scope="module")
def store(built_store: Path) -> Store:
    return Store.open_current(built_store)


@pytest.fixture(scope="module")
def facets(store: Store) -> Facets:
    return Facets(store, TYPES)


@pytest.fixture(scope="module")
def index(built_store: Path) -> SearchIndex:
    return SearchIndex(current_build(built_store) / INDEX_DIR)


def iris(store: Store, where: str) -> set[str]:
    return {row["e"].value for row in store.query(PREFIXES + f"SELECT DISTINCT ?e WHERE {{ {where} }}")}


@pytest.mark.parametrize(
    ("property_id", "raw", "code"),
    [
        ("grandDomaine", "m", "M"),
        ("grandDomaine", {"id": ROME + "M", "name": "Support"}, "M"),
        ("domaine", ROME + "M18/", "M18"),
        ("romeFiche", "M1810", "M1810"),
        ("romeCode", " m1810 ", "M1810"),
        ("iscoGroup", 2512, "2512"),
        ("iscoGroup", "http://data.europa.eu/esco/isco/C25", "25"),
        ("escoOccupation", SOFTWARE_DEVELOPER, SOFTWARE_DEVELOPER),
        ("grandDomaine", "", None),
    ],
)
def test_query_values_are_read_as_codes(property_id: str, raw: object, code: str | None) -> None:
    assert parse_value(property_id, raw) == code


@pytest.mark.parametrize(
    ("property_id", "raw", "message"),
    [
        ("grandDomaine", "ZZ", "property 'grandDomaine': 'ZZ' is not a ROME grand domaine letter (M) or its IRI"),
        ("domaine", "M1810", "property 'domaine': 'M1810' is not a ROME domaine code (M18) or its IRI"),
        ("iscoGroup", "25111", "property 'iscoGroup': '25111' is not an ISCO-08 code of 1 to 4 digits"),
        ("romeCode", ["M1810"], "property 'romeCode': a value must be a string, a number or an object with an 'id'"),
    ],
)
def test_bad_query_values_say_what_is_expected(property_id: str, raw: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_value(property_id, raw)


def test_a_rome_code_covers_everything_filed_under_the_fiche(store: Store, facets: Facets) -> None:
    found = {iri for iri in facets.entities("romeCode", "M1810") if not iri.startswith("http://data.europa.eu/")}
    expected = (
        {M1810}
        | iris(store, f"?e a mkg:RomeAppellation ; skos:broader <{M1810}>")
        | iris(store, f"?e mkg:romeFiche <{M1810}>")
    )
    assert found == expected and MET717 in found and len(found) > 6
    # an ESCO occupation through the appellations the official crosswalk maps to it
    assert iris(store, f"?a skos:broader <{M1810}> ; skos:narrowMatch ?e") <= facets.entities("romeCode", "M1810")


def test_a_grand_domaine_covers_its_fiches_and_only_them(store: Store, facets: Facets) -> None:
    fiches = iris(store, "?e a mkg:RomeFiche ; skos:notation ?code")
    under_m = {iri for iri in fiches if iri[len(ROME) :].startswith("M")}
    assert len(under_m) > 50 and facets.entities("grandDomaine", "M") & fiches == under_m
    assert facets.entities("domaine", "M18") & fiches == {iri for iri in under_m if iri[len(ROME) :][:3] == "M18"}


def test_an_isco_group_covers_its_subgroups(facets: Facets) -> None:
    unit, minor = facets.entities("iscoGroup", "2512"), facets.entities("iscoGroup", "251")
    assert {SOFTWARE_DEVELOPER, CONCEPTEUR, ROME + "M1805"} <= unit < minor


def test_values_for_data_extension(store: Store) -> None:
    by_type: dict[str, list[str] | None] = {
        "RomeFiche": [M1810],
        "FicheMetier": [MET717],
        "EscoOccupation": [SOFTWARE_DEVELOPER],
    }
    assert property_values(store, "grandDomaine", by_type) == {
        iri: [Value("M Support à l'entreprise", ROME + "M")] for iri in (M1810, MET717, SOFTWARE_DEVELOPER)
    }
    assert property_values(store, "escoOccupation", {"EscoOccupation": [SOFTWARE_DEVELOPER]}) == {
        SOFTWARE_DEVELOPER: [Value("développeur de logiciels/développeuse de logiciels", SOFTWARE_DEVELOPER)]
    }
    appellations = property_values(store, "appellations", {"RomeFiche": [M1810]})[M1810]
    labels = iris(store, f"?x a mkg:RomeAppellation ; skos:broader <{M1810}> ; skos:prefLabel ?e")
    assert {v.name for v in appellations} == labels and all(v.id == "" for v in appellations)
    assert property_values(store, "romeCode", {"FicheMetier": []}) == {}


def test_a_property_raises_candidates_or_filters_them(index: SearchIndex, facets: Facets) -> None:
    plain = refined_search(index, facets, "développeur", ("EscoOccupation",), 5, ())
    boosted = refined_search(index, facets, "développeur", ("EscoOccupation",), 5, (Condition("iscoGroup", ("2512",)),))
    required = refined_search(
        index, facets, "développeur", ("EscoOccupation",), 5, (Condition("iscoGroup", ("2512",), required=True),)
    )
    unit = facets.entities("iscoGroup", "2512")
    assert [c.id in unit for c in required] == [True] * len(required) and required
    assert [c.id for c in boosted[: len(required)]] == [c.id for c in required]
    scores = {c.id: c.score for c in plain}
    for c in boosted:
        if c.id in scores:
            assert c.features["property_iscoGroup"] == (c.id in unit)
            if c.id in unit:  # keeps its score, or finds a better name among the agreeing entities' alone
                assert c.score >= scores[c.id]
            else:
                assert c.score == round(scores[c.id] * PROPERTY_MISS, 1)


def test_suggest_completes_the_last_word(index: SearchIndex) -> None:
    assert [c.id for c in index.suggest("concepteur dévelop", ("EmploiType",))] == [CONCEPTEUR]
    assert [c.id for c in index.suggest("ADMINISTRATRICE DE LOG", ("FicheMetier",))] == [MET717]
    assert [c.id for c in index.suggest("M1810")] == [M1810]
    assert index.suggest("") == [] and index.suggest("zzzqqq") == []
    first, second = index.suggest("boulang", limit=2), index.suggest("boulang", limit=2, offset=2)
    assert len(first) == len(second) == 2 and not {c.id for c in first} & {c.id for c in second}
