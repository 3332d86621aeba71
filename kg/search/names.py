"""Every name the graph gives an occupation, read by SPARQL from the store (so the index says what the
graph says), plus the whole vendored ESCO occupation table (the graph holds only the ESCO concepts the
alignment reached; the index must find all of them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from kg.sources.reference import esco_occupations
from kg.search.types import TYPES
from kg.store import Store

PREFIXES = """PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>
"""
GRAPH_TYPES = ("RomeFiche", "RomeAppellation", "FicheMetier", "EmploiType")

# kind says which label matched: its own preferred / alternative / short label, a gender form, or the
# label of one of its appellations (a ROME fiche is found by its appellations' names too). One plain
# pattern per query: Oxigraph plans these far better than one query of unions.
LABEL_PATTERNS = {
    "prefLabel": "?entity skos:prefLabel ?label",
    "altLabel": "?entity skos:altLabel ?label",
    "shortLabel": "?entity mkg:shortLabel ?label",
    "genderForm": "?entity skosxl:altLabel ?x . ?x skosxl:literalForm ?label",
    "appellation": "?entity mkg:appellation ?x . ?x skosxl:literalForm ?label",
}
FICHE_APPELLATION_PATTERNS = (
    "?entity skos:broader ?fiche ; skos:prefLabel ?label",
    "?entity skos:broader ?fiche ; mkg:shortLabel ?label",
    "?entity skos:broader ?fiche ; skosxl:altLabel ?x . ?x skosxl:literalForm ?label",
)
CODE_PATTERNS = ("?entity skos:notation ?code", "?entity mkg:codeOgr ?code")
FICHE_PATTERNS = ("?entity skos:broader ?fiche", "?entity mkg:romeFiche ?fiche")


def _select(type_id: str, pattern: str, variables: str, extra: str = "") -> str:
    return (PREFIXES + f"SELECT {variables} WHERE {{ ?entity a mkg:{type_id} . {pattern} {extra}"
            f" FILTER(!isLiteral(?label) || lang(?label) IN (\"fr\", \"en\", \"\")) }}")


@dataclass(frozen=True)
class Name:
    entity: str
    type: str  # a key of kg.search.types.TYPES
    label: str
    kind: str  # prefLabel, altLabel, shortLabel, genderForm, appellation
    language: str


@dataclass(frozen=True)
class Entity:
    """What the index stores about an entity, once per entity."""

    iri: str
    type: str
    label: str  # its preferred label (French first)
    codes: tuple[str, ...]  # identifiers it is looked up by (ROME code, code OGR, MET.n, ISCO group)
    description: str
    names: tuple[Name, ...]


def _type_id(iri: str) -> str:
    return next(t.id for t in TYPES.values() if t.iri == iri)


def _labels(store: Store) -> Iterator[tuple[str, str, str, str, str]]:
    for type_id in GRAPH_TYPES:
        for kind, pattern in LABEL_PATTERNS.items():
            for row in store.query(_select(type_id, pattern, "?entity ?label")):
                yield row["entity"].value, type_id, row["label"].value, kind, row["label"].language or ""
    for pattern in FICHE_APPELLATION_PATTERNS:
        for row in store.query(_select("RomeAppellation", pattern, "?fiche ?label")):
            yield row["fiche"].value, "RomeFiche", row["label"].value, "appellation", row["label"].language or ""


def graph_entities(store: Store) -> Iterator[Entity]:
    names: dict[str, list[Name]] = defaultdict(list)
    types: dict[str, str] = {}
    for entity, type_id, label, kind, language in _labels(store):
        types.setdefault(entity, type_id)
        names[entity].append(Name(entity, type_id, label, kind, language))
    codes: dict[str, set[str]] = defaultdict(set)
    fiches: dict[str, set[str]] = defaultdict(set)
    for type_id in GRAPH_TYPES:
        for pattern in CODE_PATTERNS:
            for row in store.query(_select(type_id, pattern, "?entity ?code", "").replace("?label", "?code")):
                codes[row["entity"].value].add(row["code"].value)
        for pattern in FICHE_PATTERNS:
            query = _select(type_id, pattern, "?entity ?code ?label",
                            ". ?fiche a mkg:RomeFiche ; skos:notation ?code ; skos:prefLabel ?label")
            for row in store.query(query):
                fiches[row["entity"].value].add(f"{row['code'].value} {row['label'].value}")
    for entity in sorted(names):
        own = sorted(names[entity], key=lambda n: (n.kind != "prefLabel", n.language != "fr", n.label))
        yield Entity(entity, types[entity], own[0].label, tuple(sorted(codes[entity])),
                     " · ".join(sorted(codes[entity]) + sorted(fiches[entity])),
                     tuple(sorted(set(names[entity]), key=lambda n: (n.kind, n.language, n.label))))


def esco_entities() -> Iterator[Entity]:
    for uri, occupation in sorted(esco_occupations().items()):
        labels = [(occupation.label_fr, "prefLabel", "fr"), (occupation.label_en, "prefLabel", "en")]
        labels += [(alt, "altLabel", "fr") for alt in occupation.alt_fr]
        labels += [(alt, "altLabel", "en") for alt in occupation.alt_en]
        names = tuple(Name(uri, "EscoOccupation", label, kind, lang) for label, kind, lang in labels if label)
        yield Entity(uri, "EscoOccupation", occupation.label_fr or occupation.label_en, (uri,),
                     f"ISCO-08 {occupation.isco_group}", names)


def all_entities(store: Store) -> Iterator[Entity]:
    yield from graph_entities(store)
    yield from esco_entities()
