"""What the reconciliation service knows of an entity beyond its names: its ROME fiche(s), domaine, grand
domaine, ESCO occupations, ISCO-08 groups, appellations and main compétences.

Each property is read from the store by SPARQL, for the entity's type (``PATHS``): a ROME appellation
reaches its fiche by ``skos:broader``, a fiche métier or emploi-type by ``mkg:romeFiche``, an ESCO
occupation through the appellations the official ESCO–ROME crosswalk maps to it. ESCO occupations and
ISCO-08 groups are named from the vendored tables (the graph holds only the concepts the alignment
reached). Queries may give some of these properties to refine candidates (``FILTERABLE``); data
extension returns all of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.core.vocab import ESCO_ISCO, ESCO_OCCUPATION, SPARQL_PREFIXES
from kg.sources.reference import esco_occupations, isco_groups
from kg.store import Store

ISCO_GROUP = str(ESCO_ISCO)  # ESCO's IRIs of ISCO-08 groups: this, then the code
OCCUPATION = str(ESCO_OCCUPATION)

MATCH_PREDICATES = "skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch"
MATCHES = f"VALUES ?match {{ {MATCH_PREDICATES} }}"
# ?entity → ?fiche, its ROME fiche(s), by type
FICHE_PATHS = {
    "RomeFiche": "BIND(?entity AS ?fiche)",
    "RomeAppellation": "?entity skos:broader ?fiche .",
    "FicheMetier": "?entity mkg:romeFiche ?fiche .",
    "EmploiType": "?entity mkg:romeFiche ?fiche .",
    "EscoOccupation": f"?appellation a mkg:RomeAppellation ; ?match ?entity ; skos:broader ?fiche . {MATCHES}",
}
# ?entity → ?esco, its ESCO occupations: a fiche's from the crosswalk, others' from their own mappings
ESCO_PATHS = {
    "RomeFiche": "?entity mkg:escoOccupation ?esco .",
    **{
        t: f'?entity ?match ?esco . {MATCHES} FILTER(STRSTARTS(STR(?esco), "{OCCUPATION}"))'
        for t in ("RomeAppellation", "FicheMetier", "EmploiType")
    },
}


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    description: str
    value: str  # "str" or "entity": the form of its values in a data extension
    filterable: bool  # whether a query may give it (``properties`` / 1.0 ``conditions``)


PROPERTIES: dict[str, Property] = {
    p.id: p
    for p in (
        Property("romeCode", "Code ROME", "the code of the ROME fiche(s) (M1810)", "str", True),
        Property("romeTitle", "Intitulé ROME", "the title of the ROME fiche(s)", "str", False),
        Property("romeFiche", "Fiche ROME", "the ROME fiche(s), as entities (code or IRI in queries)", "entity", True),
        Property("domaine", "Domaine professionnel ROME", "the ROME domaine (M18) of the fiche(s)", "entity", True),
        Property("grandDomaine", "Grand domaine ROME", "the ROME grand domaine (M) of the fiche(s)", "entity", True),
        Property(
            "escoOccupation",
            "Occupation ESCO",
            "the ESCO occupation(s): an appellation's from the official "
            "ESCO–ROME mapping, a fiche's from its appellations'",
            "entity",
            True,
        ),
        Property(
            "iscoGroup",
            "Groupe ISCO-08",
            "the ISCO-08 group(s) of its ESCO occupations (a query's code matches its subgroups: 25 matches 2511)",
            "entity",
            True,
        ),
        Property(
            "appellations",
            "Appellations",
            "the names it is known by: a fiche's ROME appellations, an "
            "appellation's gender forms, an ESCO occupation's mapped ROME appellations",
            "str",
            False,
        ),
        Property(
            "competences",
            "Compétences principales",
            "the savoir-faire at the heart of its ROME fiche(s) (cœur de métier principal)",
            "entity",
            False,
        ),
    )
}
FILTERABLE = tuple(p.id for p in PROPERTIES.values() if p.filterable)


def _scope(type_id: str, iris: Iterable[str] | None) -> str:
    """The given entities, or (None) every entity of the type; an ESCO occupation is bound by its path."""
    if iris is not None:
        return "VALUES ?entity { " + " ".join(f"<{iri}>" for iri in iris) + " }"
    return "" if type_id == "EscoOccupation" else f"?entity a mkg:{type_id} ."


def _fiche_query(type_id: str, iris: Iterable[str] | None, tail: str, variables: str) -> str:
    return (
        SPARQL_PREFIXES + f"SELECT DISTINCT ?entity {variables} WHERE {{ {_scope(type_id, iris)} "
        f"{FICHE_PATHS[type_id]} {tail} }}"
    )


CODE_AND_NAME = 'skos:notation ?code ; skos:prefLabel ?name . BIND(CONCAT(?code, " ", ?name) AS ?label)'
CORE_ITEMS = (
    "?core mkg:linkFiche ?fiche ; mkg:linkItem ?value ; mkg:coherence mkg:coeurDeMetierPrincipal . "
    "?value skos:prefLabel ?label"
)
# property → (what follows the fiche path, the variables it binds: ?value and ?label)
FICHE_PROPERTIES = {
    "romeCode": ("?fiche skos:notation ?label . BIND(?label AS ?value)", "?value ?label"),
    "romeTitle": ("?fiche skos:prefLabel ?label . BIND(?label AS ?value)", "?value ?label"),
    "romeFiche": (f"BIND(?fiche AS ?value) ?fiche {CODE_AND_NAME}", "?value ?label"),
    "domaine": (f"?fiche skos:broader ?value . ?value {CODE_AND_NAME}", "?value ?label"),
    "grandDomaine": (f"?fiche skos:broader/skos:broader ?value . ?value {CODE_AND_NAME}", "?value ?label"),
    "competences": (CORE_ITEMS, "?value ?label"),
}
APPELLATION_PATTERNS = {
    "RomeFiche": "?a skos:broader ?entity ; a mkg:RomeAppellation ; skos:prefLabel ?label .",
    "RomeAppellation": "?entity skosxl:altLabel/skosxl:literalForm ?label .",
    "FicheMetier": "?entity mkg:appellation/skosxl:literalForm ?label .",
    "EmploiType": "{ ?entity mkg:appellation/skosxl:literalForm ?label } UNION { ?entity skos:altLabel ?label }",
    "EscoOccupation": f"?a a mkg:RomeAppellation ; ?match ?entity ; skos:prefLabel ?label . {MATCHES}",
}


@dataclass(frozen=True, order=True)
class Value:
    """One value of a property: an entity (id and name) or a string (id empty)."""

    name: str
    id: str = ""


def _esco_name(uri: str) -> str:
    occupation = esco_occupations().get(uri)
    return (occupation.label_fr or occupation.label_en) if occupation else uri


def _isco_name(code: str) -> str:
    english, french = isco_groups().get(code, ("", ""))
    return f"{code} {french or english}".strip()


Scope = dict[str, list[str] | None]  # type id → its entities (None: all of them)


def _esco_of(store: Store, by_type: Scope) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for type_id, iris in by_type.items():
        if type_id == "EscoOccupation":
            for iri in iris if iris is not None else esco_occupations():
                found[iri].add(iri)
        elif type_id in ESCO_PATHS:
            query = (
                SPARQL_PREFIXES
                + f"SELECT DISTINCT ?entity ?esco WHERE {{ {_scope(type_id, iris)} {ESCO_PATHS[type_id]} }}"
            )
            for row in store.select(query):
                found[row["entity"].value].add(row["esco"].value)
    return found


def _isco_of(store: Store, by_type: Scope, esco: dict[str, set[str]]) -> dict[str, set[str]]:
    """ISCO-08 codes: those of the entity's ESCO occupations ``esco`` (vendored table), and those the graph
    gives it (``mkg:iscoGroup``, a mapping to an ISCO group)."""
    occupations = esco_occupations()
    found: dict[str, set[str]] = defaultdict(set)
    for iri, escos in esco.items():
        found[iri].update(occupations[e].isco_group for e in escos if e in occupations)
    for type_id, iris in by_type.items():
        if type_id == "EscoOccupation" or iris == []:
            continue
        query = SPARQL_PREFIXES + (
            f"SELECT ?entity ?isco WHERE {{ {_scope(type_id, iris)} ?entity ?match ?isco . "
            f"VALUES ?match {{ mkg:iscoGroup {MATCH_PREDICATES} }} "
            f'FILTER(STRSTARTS(STR(?isco), "{ISCO_GROUP}")) }}'
        )
        for row in store.select(query):
            found[row["entity"].value].add(row["isco"].value[len(ISCO_GROUP) :])
    return found


def property_values(store: Store, property_id: str, by_type: Scope) -> dict[str, list[Value]]:
    """The values of one property for the entities given by type, sorted; entities without any are absent."""
    found: dict[str, set[Value]] = defaultdict(set)
    if property_id == "escoOccupation":
        for iri, escos in _esco_of(store, by_type).items():
            found[iri].update(Value(_esco_name(e), e) for e in escos)
    elif property_id == "iscoGroup":
        for iri, codes in _isco_of(store, by_type, _esco_of(store, by_type)).items():
            found[iri].update(Value(_isco_name(c), ISCO_GROUP + c) for c in codes)
    else:
        entity_kind = PROPERTIES[property_id].value == "entity"
        for type_id, iris in by_type.items():
            if property_id == "appellations":
                query = (
                    SPARQL_PREFIXES + f"SELECT DISTINCT ?entity ?label WHERE {{ {_scope(type_id, iris)} "
                    f"{APPELLATION_PATTERNS[type_id]} }}"
                )
            else:
                tail, variables = FICHE_PROPERTIES[property_id]
                query = _fiche_query(type_id, iris, tail, variables)
            for row in store.select(query):
                value = row["value"].value if entity_kind else ""
                found[row["entity"].value].add(Value(row["label"].value, value))
    return {iri: sorted(values) for iri, values in found.items()}


CODE_SHAPES = {  # what a query may give for a filterable property, once an IRI is cut to its last segment
    "romeCode": (r"[A-N][0-9]{4}", "a ROME code (M1810)"),
    "romeFiche": (r"[A-N][0-9]{4}", "a ROME code (M1810) or the fiche's IRI"),
    "domaine": (r"[A-N][0-9]{2}", "a ROME domaine code (M18) or its IRI"),
    "grandDomaine": (r"[A-N]", "a ROME grand domaine letter (M) or its IRI"),
    "iscoGroup": (r"[0-9]{1,4}", "an ISCO-08 code of 1 to 4 digits (2511) or its ESCO IRI"),
    "escoOccupation": (OCCUPATION + r"[0-9a-f-]{36}", "an ESCO occupation URI"),
}


def parse_value(property_id: str, raw: object) -> str | None:
    """The code a query gives for a property (None when blank); ValueError saying what is expected."""
    if isinstance(raw, dict):
        raw = raw.get("id")
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValueError(f"property {property_id!r}: a value must be a string, a number or an object with an 'id'")  # noqa: TRY004 (one error type for what a query got wrong)
    text = str(raw).strip()
    if not text:
        return None
    if property_id != "escoOccupation":
        text = text.rstrip("/").rsplit("/", 1)[-1]
        text = text[1:] if property_id == "iscoGroup" and text[:1] == "C" else text.upper()
    shape, expected = CODE_SHAPES[property_id]
    if not re.fullmatch(shape, text):
        raise ValueError(f"property {property_id!r}: {str(raw)[:80]!r} is not {expected}")
    return text


class Facets:
    """For every entity (of the store and the ESCO table), the codes queries filter on; read once per build."""

    def __init__(self, store: Store, type_ids: Iterable[str]) -> None:
        everything: Scope = {t: None for t in type_ids}
        self._fiches: dict[str, set[str]] = defaultdict(set)
        for type_id in everything:
            if type_id in FICHE_PATHS:
                for row in store.select(_fiche_query(type_id, None, "?fiche skos:notation ?code", "?code")):
                    self._fiches[row["entity"].value].add(row["code"].value)
        self._esco = _esco_of(store, everything)
        self._isco = _isco_of(store, everything, self._esco)
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def entities(self, property_id: str, code: str) -> frozenset[str]:
        """The entities whose property has ``code`` (a domaine, grand domaine or ISCO group: under it)."""
        key = (property_id, code)
        if key not in self._cache:
            if property_id == "escoOccupation":
                found = {iri for iri, uris in self._esco.items() if code in uris}
            elif property_id == "iscoGroup":
                found = {iri for iri, codes in self._isco.items() if any(c.startswith(code) for c in codes)}
            else:
                found = {iri for iri, codes in self._fiches.items() if any(c.startswith(code) for c in codes)}
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[key] = frozenset(found)
        return self._cache[key]
