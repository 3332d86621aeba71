"""Every name the graph gives an occupation or a skill, read by SPARQL from the store (so the index says
what the graph says), plus the whole vendored ESCO occupation and skill tables (the graph holds only the
ESCO concepts the alignment reached; the index must find all of them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

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


# The classes whose members only the ROME graphs describe (kg.search.rome_names caches their rows per export).
ROME_CLASSES = ("RomeFiche", "RomeAppellation", "RomeCompetence", "RomeMacroCompetence", "RomeSavoir")
Rows = list[tuple[str, ...]]


@dataclass(frozen=True)
class Query:
    """One query of the index: its key, text, the columns of each row and whether only ROME answers it."""

    key: str
    sparql: str
    columns: tuple[str, ...]  # a trailing "@label" column is the language of ?label
    rome: bool


def queries() -> list[Query]:
    """Every query the index reads the graph with, in the order their rows are used."""
    found = [Query("crosswalk", CROSSWALK, ("appellation", "relation", "esco"), True)]
    for _, class_name in _classes():
        for kind, pattern in LABEL_PATTERNS.items():
            found.append(
                Query(
                    f"label {class_name} {kind}",
                    _select(class_name, pattern, "?entity ?label"),
                    ("entity", "label", "@label"),
                    class_name in ROME_CLASSES,
                )
            )
    for i, pattern in enumerate(FICHE_APPELLATION_PATTERNS):
        found.append(
            Query(
                f"fiche-appellation {i}",
                _select("RomeAppellation", pattern, "?entity ?fiche ?label"),
                ("entity", "fiche", "label", "@label"),
                True,
            )
        )
    for i, pattern in enumerate(FICHE_METIER_PATTERNS):
        sparql = SPARQL_PREFIXES + f"SELECT ?fiche ?label WHERE {{ {pattern} . ?fiche a mkg:RomeFiche }}"
        found.append(Query(f"fiche-metier {i}", sparql, ("fiche", "label", "@label"), False))
    for _, class_name in _classes():
        rome = class_name in ROME_CLASSES
        for i, pattern in enumerate(CODE_PATTERNS):
            sparql = _select(class_name, pattern, "?entity ?code", "").replace("?label", "?code")
            found.append(Query(f"code {class_name} {i}", sparql, ("entity", "code"), rome))
        for i, pattern in enumerate(FICHE_PATTERNS):
            sparql = _select(
                class_name,
                pattern,
                "?entity ?fiche ?code ?label",
                ". ?fiche a mkg:RomeFiche ; skos:notation ?code ; skos:prefLabel ?label",
            )
            found.append(Query(f"fiche {class_name} {i}", sparql, ("entity", "fiche", "code", "label"), rome))
    return found


def query_rows(store: Store, query: Query) -> Rows:
    """The query's solutions as tuples of plain strings (a language column: "" for none)."""
    return [
        tuple(row[c[1:]].language or "" if c[0] == "@" else row[c].value for c in query.columns)
        for row in store.select(query.sparql)
    ]


def build_rows(store: Store) -> dict[str, Rows]:
    """The rows of the queries ROME alone does not answer (the documents'): a fraction of a second."""
    return {q.key: query_rows(store, q) for q in queries() if not q.rome}


def graph_rows(store: Store, cached: dict[str, Rows] | None = None) -> dict[str, Rows]:
    """The rows of every query over ``store``; those of the ROME queries taken from ``cached`` if given
    (kg.search.rome_names: the same rows, read once per ROME export)."""
    return {q.key: cached[q.key] if cached is not None and q.rome else query_rows(store, q) for q in queries()}


def _crosswalk(rows: dict[str, Rows], held_out: frozenset[str]) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Appellation → its ESCO occupations by the official mapping (exact matches first), and whether
    the first is an exact match."""
    found: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for appellation, relation, esco in rows["crosswalk"]:
        if appellation not in held_out:
            found[appellation].append((relation != EXACT_MATCH, esco))
    ordered = {a: sorted(set(pairs)) for a, pairs in found.items()}
    return {a: [uri for _, uri in pairs] for a, pairs in ordered.items()}, {a: not p[0][0] for a, p in ordered.items()}


def _labels(
    rows: dict[str, Rows], held_out: frozenset[str], crosswalk: dict[str, list[str]], exact: dict[str, bool]
) -> Iterator[tuple[str, str, str, str, str]]:
    for type_id, class_name in _classes():
        for kind in LABEL_PATTERNS:
            for entity, label, language in rows[f"label {class_name} {kind}"]:
                if entity not in held_out:
                    yield entity, type_id, label, kind, language
    fiche_of = {}
    for i in range(len(FICHE_APPELLATION_PATTERNS)):
        for entity, fiche, label, language in rows[f"fiche-appellation {i}"]:
            fiche_of[entity] = fiche
            if entity not in held_out:
                yield fiche, "RomeFiche", label, "appellation", language
    for i in range(len(FICHE_METIER_PATTERNS)):
        for fiche, label, language in rows[f"fiche-metier {i}"]:
            yield fiche, "RomeFiche", label, "ficheMetier", language
    occupations = esco_occupations()
    for appellation, uris in crosswalk.items():
        for uri in uris[:1] if exact.get(appellation) else ():  # only an exact match lends its names
            occupation = occupations.get(uri)
            if occupation is not None and appellation in fiche_of:
                for label in (occupation.label_fr, *occupation.alt_fr):
                    yield fiche_of[appellation], "RomeFiche", label, "esco", "fr"


def _link_order(link: tuple[str, str]) -> tuple[bool, str]:
    return link[0] == "esco", "" if link[0] == "esco" else link[1]  # ESCO links keep the mapping's order


def graph_entities(
    store: Store, held_out: frozenset[str] = frozenset(), cached: dict[str, Rows] | None = None
) -> Iterator[Entity]:
    """The entities of the store; ``held_out`` IRIs (appellations) are left out with every name they lend;
    ``cached``: the rows of the ROME queries, if the caller knows the store's other graphs change none."""
    return entities_of(graph_rows(store, cached), held_out)


def entities_of(rows: dict[str, Rows], held_out: frozenset[str] = frozenset()) -> Iterator[Entity]:
    """The entities the rows of ``queries()`` describe."""
    return gather(rows, held_out).entities()


@dataclass
class Parts:
    """What the rows say of each entity, gathered before the entities are made: the rows of two sets of
    queries (ROME's, the documents') give the parts of each set's rows added together (``add``), as
    every row is about the entity it names (a fiche's names lent by its appellations and ESCO's included)."""

    names: dict[str, list[Name]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, str] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    fiches: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    links: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def iris(self) -> set[str]:
        """Every entity the rows say something of."""
        return set(self.names) | set(self.types) | set(self.codes) | set(self.fiches) | set(self.links)

    def add(self, other: Parts, only: set[str]) -> Parts | None:
        """Both parts together for the entities ``only``, or None when one of them has another type on
        each side (then gather all the rows together)."""
        if any(self.types.get(iri, other.types[iri]) != other.types[iri] for iri in only & other.types.keys()):
            return None
        both = Parts()
        for source in (self, other):
            for iri in only:
                both.names[iri] += source.names.get(iri, [])
                both.codes[iri] |= source.codes.get(iri, set())
                both.fiches[iri] |= source.fiches.get(iri, set())
                both.links[iri] += source.links.get(iri, [])
                if iri in source.types:
                    both.types.setdefault(iri, source.types[iri])
        return both

    def entities(self, only: set[str] | None = None) -> Iterator[Entity]:
        """The entities with a name (``only``: those among these IRIs), in IRI order."""
        for entity in sorted(self.names if only is None else only & self.names.keys()):
            own = sorted(self.names[entity], key=lambda n: (n.kind != "prefLabel", n.language != "fr", n.label))
            codes = sorted(self.codes.get(entity, ()))
            yield Entity(
                entity,
                self.types[entity],
                own[0].label,
                tuple(codes),
                " · ".join(codes + sorted(self.fiches.get(entity, ()))),
                tuple(sorted(set(self.names[entity]), key=lambda n: (n.kind, n.language, n.label))),
                tuple(dict.fromkeys(sorted(self.links.get(entity, ()), key=_link_order))),
            )


def gather(rows: dict[str, Rows], held_out: frozenset[str] = frozenset()) -> Parts:
    """The parts of every entity the rows of ``queries()`` describe."""
    parts = Parts()
    crosswalk, exact = _crosswalk(rows, held_out)
    for entity, type_id, label, kind, language in _labels(rows, held_out, crosswalk, exact):
        parts.types.setdefault(entity, type_id)
        parts.names[entity].append(Name(entity, type_id, label, kind, language))
    for _, class_name in _classes():
        for i in range(len(CODE_PATTERNS)):
            for entity, code in rows[f"code {class_name} {i}"]:
                parts.codes[entity].add(code)
        for i in range(len(FICHE_PATTERNS)):
            for entity, fiche, code, label in rows[f"fiche {class_name} {i}"]:
                parts.fiches[entity].add(f"{code} {label}")
                parts.links[entity].append(("fiche", fiche))
    for appellation, uris in crosswalk.items():
        parts.links[appellation] += [("esco", uri) for uri in uris]
    return parts


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


def all_entities(
    store: Store, held_out: frozenset[str] = frozenset(), cached: dict[str, Rows] | None = None
) -> Iterator[Entity]:
    return entities_from_rows(graph_rows(store, cached), held_out)


def entities_from_rows(rows: dict[str, Rows], held_out: frozenset[str] = frozenset()) -> Iterator[Entity]:
    """Every entity of the index: the graph's (from the rows of ``queries()``), then ESCO's."""
    yield from entities_of(rows, held_out)
    yield from esco_entities()
    yield from esco_skill_entities()
