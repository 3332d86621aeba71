"""Mappings → SSSOM TSV (metadata block, then one row per mapping), read back from the store.

The published mapping set is written from the store's ``mkg:Mapping`` nodes, by SPARQL, so
the TSV says exactly what the graph serves; the same rows come out of the pipeline's own
records (``sssom_tsv(mappings)``), which the tests compare. Output is sorted and dated only
from SOURCE_DATE_EPOCH, so two builds give byte-identical files. Mention links are not
ontology mappings and stay in the graph only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg import __version__
from kg.alignment.model import MENTION_LINK, Mapping
from kg.core.vocab import DEFAULT_BASE_IRI
from kg.mapping.iris import AGENT_BASE
from kg.store import Store

COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "author_label",
    "mapping_date",
    "mapping_tool",
    "see_also",
    "comment",
)


def curie_map(base_iri: str) -> dict[str, str]:
    return {
        "kg": base_iri,
        "ESCO": "http://data.europa.eu/esco/occupation/",
        "ESCOSKILL": "http://data.europa.eu/esco/skill/",
        "ISCO": "http://data.europa.eu/esco/isco/C",
        "mkgagent": AGENT_BASE,
        "semapv": "https://w3id.org/semapv/vocab/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "sssom": "https://w3id.org/sssom/",
    }


def contract(iri: str, prefixes: dict[str, str]) -> str:
    """The CURIE of an IRI (longest matching namespace), or the IRI itself."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns) and len(iri) > len(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in sorted(prefixes.items()) if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _cell(text: str) -> str:
    return " ".join(str(text).split())  # no tab or newline may reach a TSV cell


def _row(m: Mapping, prefixes: dict[str, str]) -> list[str]:
    return [
        contract(m.subject, prefixes),
        m.subject_label,
        m.subject_kind or m.target,
        contract(m.predicate, prefixes),
        "Not" if m.negated else "",
        contract(m.object, prefixes),
        m.object_label,
        contract(m.justification, prefixes),
        f"{m.confidence:g}",
        contract(m.author_id, prefixes),
        m.author_label,
        m.date or "",
        m.tool or "",
        "|".join(contract(b, prefixes) for b in m.basis),
        m.comment,
    ]


def sssom_tsv(mappings: Iterable[Mapping], base_iri: str = DEFAULT_BASE_IRI, date: str | None = None) -> str:
    """The SSSOM TSV of the mappings (mention links left out), metadata first."""
    prefixes = curie_map(base_iri)
    rows = sorted(
        (_row(m, prefixes) for m in mappings if m.target != MENTION_LINK),
        key=lambda row: (row[0], row[5], row[3], row[4]),
    )
    header = [
        "# curie_map:",
        *(f"#   {p}: {ns}" for p, ns in sorted(prefixes.items())),
        f"# mapping_set_id: {base_iri}alignment/mappings.sssom.tsv",
        f'# mapping_set_version: "{__version__}"',
        "# mapping_set_title: métiers-kg alignment of French occupations with ESCO and ISCO-08",
        "# mapping_set_description: Reviewed decisions (semapv:ManualMappingCuration), unreviewed exact-title"
        " matches (semapv:LexicalMatching), ISCO-08 groups derived from ESCO and links between sources"
        " (semapv:MappingChaining).",
        "# license: https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ]
    if date:
        header.append(f"# publication_date: {date}")
    lines = [*header, "\t".join(COLUMNS), *("\t".join(_cell(c) for c in row) for row in rows)]
    return "\n".join(lines) + "\n"


MAPPINGS_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX pav: <http://purl.org/pav/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
SELECT ?m ?s ?p ?o ?just ?conf ?author ?authorLabel ?date ?comment ?mod ?tool ?sl ?ol ?cat
       (GROUP_CONCAT(STR(?basis); separator=" ") AS ?bases)
WHERE {
  ?m a mkg:Mapping ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
     sssom:mapping_justification ?just ; sssom:confidence ?conf ; pav:authoredBy ?author ; rdfs:comment ?comment .
  OPTIONAL { ?m sssom:author_label ?authorLabel }
  OPTIONAL { ?m dcterms:created ?date }
  OPTIONAL { ?m sssom:predicate_modifier ?mod }
  OPTIONAL { ?m sssom:mapping_tool ?tool }
  OPTIONAL { ?m sssom:subject_label ?sl }
  OPTIONAL { ?m sssom:object_label ?ol }
  OPTIONAL { ?m sssom:subject_category ?cat }
  OPTIONAL { ?m mkg:basis ?basis }
  FILTER(?p != dcterms:references)
}
GROUP BY ?m ?s ?p ?o ?just ?conf ?author ?authorLabel ?date ?comment ?mod ?tool ?sl ?ol ?cat
"""


def mappings_from_store(store: Store) -> list[Mapping]:
    """Every (non-mention) mapping the store serves, rebuilt from its mkg:Mapping nodes."""
    out = []
    for row in store.select(MAPPINGS_QUERY):

        def value(name: str, row: ox.QuerySolution = row) -> str:
            term = row[name]
            return term.value if term is not None else ""

        out.append(
            Mapping(
                subject=value("s"),
                predicate=value("p"),
                object=value("o"),
                justification=value("just"),
                confidence=float(value("conf")),
                author_id=value("author"),
                author_label=value("authorLabel"),
                date=value("date") or None,
                comment=value("comment"),
                target="",
                subject_label=value("sl"),
                object_label=value("ol"),
                subject_kind=value("cat"),
                negated=value("mod") == "Not",
                basis=tuple(sorted(value("bases").split())),
                tool=value("tool") or None,
            )
        )
    return out


OWL, SSSOM = "http://www.w3.org/2002/07/owl#", "https://w3id.org/sssom/"
PAV_AUTHORED, MKG_SOURCE_LINE = "http://purl.org/pav/authoredBy", "https://w3id.org/metiers-kg/ontology#sourceLine"
CROSSWALK_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_id",
    "author_label",
    "comment",
)
LABELS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?l WHERE { { ?s a <https://w3id.org/metiers-kg/ontology#RomeAppellation> ; skos:prefLabel ?l }
                     UNION { ?s a <http://www.w3.org/ns/prov#Agent> ; rdfs:label ?l } }"""
CROSSWALK_NODE = "https://w3id.org/metiers-kg/ontology#CrosswalkMapping"
CROSSWALK_SET_QUERY = """
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
SELECT ?g ?set ?title ?version ?created ?objectVersion ?note ?doc WHERE {
  GRAPH ?g { ?set a sssom:MappingSet }
  ?set dcterms:title ?title ; sssom:mapping_set_version ?version .
  FILTER EXISTS { ?m a mkg:CrosswalkMapping ; dcterms:isPartOf ?set }
  OPTIONAL { ?set dcterms:created ?created }
  OPTIONAL { ?set sssom:object_source_version ?objectVersion }
  OPTIONAL { ?set rdfs:comment ?note }
  OPTIONAL { ?set dcterms:source/dcterms:title ?doc }
} ORDER BY ?set LIMIT 1"""


def crosswalk_tsv(store: Store, base_iri: str = DEFAULT_BASE_IRI) -> tuple[str, str] | None:
    """(named graph, SSSOM TSV) of the official ESCO–ROME mapping set the store holds; None when it holds none.

    Written from the store's ``mkg:CrosswalkMapping`` nodes, like the alignment's set: the publisher as
    author, its version and date, each row's line in the publisher's file as its comment.
    """
    found = list(store.select(CROSSWALK_SET_QUERY))
    if not found:
        return None
    meta = {
        name: (found[0][name].value if found[0][name] is not None else "")
        for name in ("g", "set", "title", "version", "created", "objectVersion", "note", "doc")
    }
    prefixes = curie_map(base_iri)
    nodes: dict[str, dict[str, str]] = {}  # the set's graph read whole: one pass, not a join per node
    for quad in store.quads(ox.NamedNode(meta["g"])):
        term, value = quad.subject, quad.object
        if isinstance(term, ox.Triple) or isinstance(value, ox.Triple):
            continue  # an RDF 1.2 triple term (SPARQL Update can write one) is no row of the mapping set
        nodes.setdefault(term.value, {})[quad.predicate.value] = value.value
        if value.value == CROSSWALK_NODE:
            nodes[term.value]["is"] = "yes"
    labels = {row["s"].value: row["l"].value for row in store.select(LABELS_QUERY)}
    rows = []
    for node in (n for n in nodes.values() if n.get("is") and n.get(OWL + "annotatedSource")):
        subject, target, author = node[OWL + "annotatedSource"], node[OWL + "annotatedTarget"], node[PAV_AUTHORED]
        line = node.get(MKG_SOURCE_LINE, "")
        rows.append(
            [
                contract(subject, prefixes),
                labels.get(subject, ""),
                contract(node[OWL + "annotatedProperty"], prefixes),
                contract(target, prefixes),
                "",
                contract(node[SSSOM + "mapping_justification"], prefixes),
                contract(author, prefixes),
                labels.get(author, ""),
                f"{meta['doc']} line {line}" if meta["doc"] else f"line {line}",
            ]
        )
    rows.sort(key=lambda r: (r[0], r[3], r[2]))
    header = [
        "# curie_map:",
        *(f"#   {p}: {ns}" for p, ns in sorted(prefixes.items())),
        f"# mapping_set_id: {meta['set']}",
        f'# mapping_set_version: "{meta["version"]}"',
        f"# mapping_set_title: {_cell(meta['title'])}",
        "# mapping_set_description: France's official mapping of ROME appellations to ESCO occupations, as"
        " its publisher gives it; relations read from the ROME appellation to the ESCO occupation.",
        f"# subject_source: {base_iri}rome/appellations",
        "# object_source: http://data.europa.eu/esco/occupation",
    ]
    if meta["objectVersion"]:
        header.append(f"# object_source_version: {_cell(meta['objectVersion'])}")
    if meta["created"]:
        header.append(f"# mapping_date: {meta['created']}")
    if meta["note"]:
        header.append(f"# comment: {_cell(meta['note'])}")
    lines = [*header, "\t".join(CROSSWALK_COLUMNS), *("\t".join(_cell(c) for c in row) for row in rows)]
    return meta["g"], "\n".join(lines) + "\n"
