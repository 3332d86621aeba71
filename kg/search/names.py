"""Every name the graph gives an occupation or a skill, read by SPARQL from the store (so the index says
what the graph says), plus the whole vendored ESCO occupation and skill tables (the graph holds only the
ESCO concepts the alignment reached; the index must find all of them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from kg.core.vocab import SPARQL_PREFIXES
from kg.sources.reference import esco_occupations, esco_skills
from kg.store import Store

# index type → the ontology classes whose members it holds (macro-compétences are ROME compétences too)
GRAPH_TYPES = {
    "RomeFiche": ("RomeFiche",),
    "RomeAppellation": ("RomeAppellation",),
    "FicheMetier": ("FicheMetier",),
    "EmploiType": ("EmploiType",),
    "RomeCompetence": ("RomeCompetence", "RomeMacroCompetence"),
    "RomeSavoir": ("RomeSavoir",),
}

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
# A ROME fiche is also named by the fiches métiers filed under it (ONISEP's own titles for the same job)
# and by the ESCO occupations the official ESCO–ROME mapping ties to its appellations: other words for it.
FICHE_METIER_PATTERNS = (
    "?m a mkg:FicheMetier ; mkg:romeFiche ?fiche ; skos:prefLabel ?label",
    "?m a mkg:FicheMetier ; mkg:romeFiche ?fiche ; skos:altLabel ?label",
    "?m a mkg:FicheMetier ; mkg:romeFiche ?fiche ; mkg:appellation ?x . ?x skosxl:literalForm ?label",
)
CROSSWALK = (
    SPARQL_PREFIXES
    + """SELECT ?appellation ?relation ?esco WHERE { ?m a mkg:CrosswalkMapping ; owl:annotatedSource ?appellation ;
  owl:annotatedProperty ?relation ; owl:annotatedTarget ?esco }"""
)
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
CODE_PATTERNS = ("?entity skos:notation ?code", "?entity mkg:codeOgr ?code")
FICHE_PATTERNS = ("?entity skos:broader ?fiche", "?entity mkg:romeFiche ?fiche")


def _select(class_name: str, pattern: str, variables: str, extra: str = "") -> str:
    return (
        SPARQL_PREFIXES + f"SELECT {variables} WHERE {{ ?entity a mkg:{class_name} . {pattern} {extra}"
        f' FILTER(!isLiteral(?label) || lang(?label) IN ("fr", "en", "")) }}'
    )


def _classes() -> Iterator[tuple[str, str]]:
    for type_id, classes in GRAPH_TYPES.items():
        for class_name in classes:
            yield type_id, class_name


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
    # (relation, value): "fiche" (the ROME fiche of an appellation), "esco" (its ESCO occupations by the
    # official mapping, exact matches first), "isco" (the ISCO-08 group of an ESCO occupation)
    links: tuple[tuple[str, str], ...] = ()


def _crosswalk(store: Store, held_out: frozenset[str]) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Appellation → its ESCO occupations by the official mapping (exact matches first), and whether
    the first is an exact match."""
    found: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for row in store.query(CROSSWALK):
        if row["appellation"].value not in held_out:
            found[row["appellation"].value].append((row["relation"].value != EXACT_MATCH, row["esco"].value))
    ordered = {a: sorted(set(pairs)) for a, pairs in found.items()}
    return {a: [uri for _, uri in pairs] for a, pairs in ordered.items()}, {a: not p[0][0] for a, p in ordered.items()}


def _labels(
    store: Store, held_out: frozenset[str], crosswalk: dict[str, list[str]], exact: dict[str, bool]
) -> Iterator[tuple[str, str, str, str, str]]:
    for type_id, class_name in _classes():
        for kind, pattern in LABEL_PATTERNS.items():
            for row in store.query(_select(class_name, pattern, "?entity ?label")):
                if row["entity"].value not in held_out:
                    yield row["entity"].value, type_id, row["label"].value, kind, row["label"].language or ""
    fiche_of = {}
    for pattern in FICHE_APPELLATION_PATTERNS:
        for row in store.query(_select("RomeAppellation", pattern, "?entity ?fiche ?label")):
            fiche_of[row["entity"].value] = row["fiche"].value
            if row["entity"].value not in held_out:
                yield row["fiche"].value, "RomeFiche", row["label"].value, "appellation", row["label"].language or ""
    for pattern in FICHE_METIER_PATTERNS:
        for row in store.query(
            SPARQL_PREFIXES + f"SELECT ?fiche ?label WHERE {{ {pattern} . ?fiche a mkg:RomeFiche }}"
        ):
            yield row["fiche"].value, "RomeFiche", row["label"].value, "ficheMetier", row["label"].language or ""
    occupations = esco_occupations()
    for appellation, uris in crosswalk.items():
        for uri in uris[:1] if exact.get(appellation) else ():  # only an exact match lends its names
            occupation = occupations.get(uri)
            if occupation is not None and appellation in fiche_of:
                for label in (occupation.label_fr, *occupation.alt_fr):
                    yield fiche_of[appellation], "RomeFiche", label, "esco", "fr"


def _link_order(link: tuple[str, str]) -> tuple[bool, str]:
    return link[0] == "esco", "" if link[0] == "esco" else link[1]  # ESCO links keep the mapping's order


def graph_entities(store: Store, held_out: frozenset[str] = frozenset()) -> Iterator[Entity]:
    """The entities of the store; ``held_out`` IRIs (appellations) are left out with every name they lend."""
    names: dict[str, list[Name]] = defaultdict(list)
    types: dict[str, str] = {}
    crosswalk, exact = _crosswalk(store, held_out)
    for entity, type_id, label, kind, language in _labels(store, held_out, crosswalk, exact):
        types.setdefault(entity, type_id)
        names[entity].append(Name(entity, type_id, label, kind, language))
    codes: dict[str, set[str]] = defaultdict(set)
    fiches: dict[str, set[str]] = defaultdict(set)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, class_name in _classes():
        for pattern in CODE_PATTERNS:
            for row in store.query(_select(class_name, pattern, "?entity ?code", "").replace("?label", "?code")):
                codes[row["entity"].value].add(row["code"].value)
        for pattern in FICHE_PATTERNS:
            query = _select(
                class_name,
                pattern,
                "?entity ?fiche ?code ?label",
                ". ?fiche a mkg:RomeFiche ; skos:notation ?code ; skos:prefLabel ?label",
            )
            for row in store.query(query):
                fiches[row["entity"].value].add(f"{row['code'].value} {row['label'].value}")
                links[row["entity"].value].append(("fiche", row["fiche"].value))
    for appellation, uris in crosswalk.items():
        links[appellation] += [("esco", uri) for uri in uris]
    for entity in sorted(names):
        own = sorted(names[entity], key=lambda n: (n.kind != "prefLabel", n.language != "fr", n.label))
        yield Entity(
            entity,
            types[entity],
            own[0].label,
            tuple(sorted(codes[entity])),
            " · ".join(sorted(codes[entity]) + sorted(fiches[entity])),
            tuple(sorted(set(names[entity]), key=lambda n: (n.kind, n.language, n.label))),
            tuple(dict.fromkeys(sorted(links[entity], key=_link_order))),
        )


def esco_entities() -> Iterator[Entity]:
    for uri, occupation in sorted(esco_occupations().items()):
        labels = [(occupation.label_fr, "prefLabel", "fr"), (occupation.label_en, "prefLabel", "en")]
        labels += [(alt, "altLabel", "fr") for alt in occupation.alt_fr]
        labels += [(alt, "altLabel", "en") for alt in occupation.alt_en]
        names = tuple(Name(uri, "EscoOccupation", label, kind, lang) for label, kind, lang in labels if label)
        yield Entity(
            uri,
            "EscoOccupation",
            occupation.label_fr or occupation.label_en,
            (uri,),
            f"ISCO-08 {occupation.isco_group}",
            names,
            (("isco", occupation.isco_group),),
        )


def esco_skill_entities() -> Iterator[Entity]:
    for uri, skill in sorted(esco_skills().items()):
        labels = [(skill.label_fr, "prefLabel")] + [(alt, "altLabel") for alt in skill.alt_fr]
        names = tuple(Name(uri, "EscoSkill", label, kind, "fr") for label, kind in labels if label)
        if names:
            yield Entity(
                uri,
                "EscoSkill",
                skill.label_fr or names[0].label,
                (uri,),
                "ESCO " + ("connaissance" if skill.skill_type == "knowledge" else "aptitude/compétence"),
                names,
            )


def all_entities(store: Store, held_out: frozenset[str] = frozenset()) -> Iterator[Entity]:
    yield from graph_entities(store, held_out)
    yield from esco_entities()
    yield from esco_skill_entities()
