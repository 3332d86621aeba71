"""VoID statistics of a store, by SPARQL: sizes, partitions, named graphs, links to other datasets.

Counted over the *distinct* triples of the union of the named graphs (the same triple in two
graphs counts once, as in the Turtle dump), except named-graph sizes, which are per graph.
Links are triples whose object is in a target's namespaces and whose subject is not, grouped
by predicate: whatever the mapping adds (e.g. ESCO matches) is counted without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.core.dates import build_date
from kg.core.vocab import DCTERMS, ESCO_OCCUPATION, ESCO_SKILL, ISCO, MKG
from kg.store import Store

DCT = str(DCTERMS)


@dataclass(frozen=True)
class LinkTarget:
    """A dataset we link to, recognised by the namespaces of the link objects."""

    key: str
    title: str
    namespaces: tuple[str, ...]
    homepage: str | None = None


def link_targets(base_iri: str) -> tuple[LinkTarget, ...]:
    """ROME (our SKOS rendering of it, its own named graph) and ESCO occupations, skills and ISCO-08."""
    return (
        LinkTarget(
            "rome",
            "ROME 4.0",
            (base_iri + "rome/",),
            "https://www.francetravail.org/opendata/repertoire-operationnel-des-meti.html",
        ),
        LinkTarget("esco", "ESCO", (str(ESCO_OCCUPATION), str(ESCO_SKILL)), "https://esco.ec.europa.eu/"),
        LinkTarget("isco", "ISCO-08 (ESCO)", (str(ISCO),), "https://esco.ec.europa.eu/"),
    )


@dataclass(frozen=True)
class Statistics:
    """The VoID figures of a store (distinct triples of the union of its named graphs)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[tuple[str, int], ...]  # (class, instances), sorted
    properties: tuple[tuple[str, int], ...]  # (property, triples), sorted
    graphs: tuple[tuple[str, int], ...]  # (named graph, quads), sorted
    graph_sources: tuple[tuple[str, str], ...]  # (named graph, source document)
    links: tuple[tuple[str, str, int], ...]  # (target key, predicate, triples), sorted
    sources: tuple[tuple[str, str | None], ...]  # (source document, its file name)
    examples: tuple[str, ...]
    created: str | None
    # A named graph that describes itself (ROME: title, version, dates, licence, publisher, as its
    # source says): (graph, dcterms property, value, language or datatype), and its class sizes.
    graph_descriptions: tuple[tuple[str, str, str, str], ...] = ()
    graph_classes: tuple[tuple[str, str, int], ...] = ()  # (graph, class, instances in that graph)


DISTINCT = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
GRAPH_TERMS = ("title", "description", "hasVersion", "issued", "dateAccepted", "license", "publisher", "rights")
GRAPH_DESCRIPTIONS = (
    "SELECT ?g ?p ?o (COALESCE(LANG(?o), '') AS ?lang) (IF(isLiteral(?o), STR(DATATYPE(?o)), '') AS ?dt) "
    "WHERE { GRAPH ?g { ?g ?p ?o } VALUES ?p { "
    + " ".join(f"<{DCT}{t}>" for t in GRAPH_TERMS)
    + " } } ORDER BY ?g ?p ?o"
)
# A triple term (RDF 1.2 ``<<( s p o )>>``, which SPARQL Update can write) as an object of rdf:type is no class
# a class partition can name.
NAMED_CLASS = "FILTER(!isTRIPLE(?c))"
GRAPH_CLASSES = (
    f"SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?g <{DCT}title> ?t . ?s a ?c {NAMED_CLASS} }} }} "
    "GROUP BY ?g ?c ORDER BY ?g ?c"
)


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    """Plain strings from a SELECT ('' when unbound), consumed here: results are thread-bound."""
    solutions = store.select(query)
    names = [v.value for v in solutions.variables]
    return [tuple("" if s[n] is None else s[n].value for n in names) for s in solutions]


def _counts(store: Store, query: str) -> tuple[tuple[str, int], ...]:
    return tuple((key, int(count)) for key, count in _rows(store, query))


def _str_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def compute_statistics(store: Store, base_iri: str) -> Statistics:
    """Every figure by SPARQL over the union of the named graphs, sorted."""
    totals = [
        int(n)
        for n in _rows(
            store, f"SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?ds) (COUNT(DISTINCT ?o) AS ?do) WHERE {DISTINCT}"
        )[0]
    ]
    entities = _rows(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_str_literal(base_iri)})) }}",
    )[0][0]
    graph_sources = _rows(
        store,
        "SELECT DISTINCT ?g ?d WHERE { GRAPH ?g { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?d } } ORDER BY ?g ?d",
    )
    links: list[tuple[str, str, int]] = []
    for target in link_targets(base_iri):
        inside = " || ".join(f"STRSTARTS(STR(?o), {_str_literal(ns)})" for ns in target.namespaces)
        from_inside = inside.replace("?o", "?s")
        query = (
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o "
            f"FILTER(isIRI(?o) && ({inside}) && !({from_inside})) }} }} GROUP BY ?p ORDER BY ?p"
        )
        links += [(target.key, p, n) for p, n in _counts(store, query)]
    sources = _rows(
        store,
        f"SELECT ?d (MIN(?t) AS ?title) WHERE {{ ?d a <{MKG.SourceDocument}> "
        f"OPTIONAL {{ ?d <{DCT}title> ?t }} }} GROUP BY ?d ORDER BY ?d",
    )
    examples = [
        row[0]
        for cls in (MKG.FicheMetier, MKG.EmploiType)
        for row in _rows(store, f"SELECT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s LIMIT 1")
    ]
    created: str | None = _rows(
        store, "SELECT (MAX(?t) AS ?c) WHERE { ?a <http://www.w3.org/ns/prov#endedAtTime> ?t }"
    )[0][0]
    if not created:
        date = build_date()
        created = str(date) if date is not None else None
    return Statistics(
        triples=totals[0],
        entities=int(entities),
        distinct_subjects=totals[1],
        distinct_objects=totals[2],
        classes=_counts(
            store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c {NAMED_CLASS} }} GROUP BY ?c ORDER BY ?c"
        ),
        properties=_counts(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {DISTINCT} GROUP BY ?p ORDER BY ?p"),
        graphs=_counts(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"),
        graph_sources=tuple((g, d) for g, d in graph_sources),
        links=tuple(links),
        sources=tuple((d, t or None) for d, t in sources),
        examples=tuple(e for e in examples if e),
        created=created,
        graph_descriptions=tuple((g, p, o, lang or dt) for g, p, o, lang, dt in _rows(store, GRAPH_DESCRIPTIONS)),
        graph_classes=tuple((g, c, int(n)) for g, c, n in _rows(store, GRAPH_CLASSES)),
    )
