"""The dataset's own description: VoID (sizes, partitions, linksets) and a DCAT-AP 3 record.

Why both, on one node: linked-data tools read VoID (how big, which classes and properties,
where the dumps and the endpoint are, how many links to ROME and ESCO), data portals harvest
DCAT-AP (title, licence, distributions with size and checksum, the SPARQL service). Both
describe ``<base>dataset``, so one Turtle file (``void.ttl`` in the dumps, and
``/.well-known/void`` on the server) serves both.

Every figure comes from the store by SPARQL, so the description is true of what is served and
follows whatever the mapping adds (e.g. new ESCO links). Nothing reads the clock: the date is
the build's ``prov:endedAtTime`` (set from SOURCE_DATE_EPOCH at build time) or, failing that,
SOURCE_DATE_EPOCH now; without either there is no date. Same store → same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg import __version__
from kg.core.vocab import (
    DCAT,
    DCTERMS,
    EU_AUTHORITY,
    FOAF,
    FORMATS,
    IANA_MEDIA_TYPES,
    MKG,
    MKG_NS,
    OWL,
    PREFIXES,
    RDF,
    SPDX,
    VOID,
    XSD,
)
from kg.mapping.iris import Iris
from kg.publish.void_stats import Statistics, compute_statistics, link_targets

__all__ = ["Distribution", "Publication", "Statistics", "compute_statistics", "describe", "link_targets", "to_turtle"]

DESCRIPTION_PREFIXES = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "foaf": str(FOAF), "spdx": str(SPDX)}

LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
TITLE = {
    "fr": "métiers-kg — graphe de connaissances des métiers",
    "en": "métiers-kg — knowledge graph of French occupations",
}
DESCRIPTION = {
    "fr": "Fiches métiers et fiches formations de l'ONISEP, référentiel métiers OPIIEC de l'informatique, "
    "témoignages et ROME 4.0 complet, en RDF aligné sur le ROME 4.0 et le modèle ESCO, validé par SHACL.",
    "en": "ONISEP job descriptions and formation descriptions, the OPIIEC IT-sector job framework, testimonies "
    "and the complete ROME 4.0, as RDF aligned with ROME 4.0 and the ESCO model, validated with SHACL.",
}
# What the description counts: (class, French names, English names), each name (one, several).
HOLDINGS = (
    (MKG.FicheMetier, ("fiche métier", "fiches métiers"), ("job description", "job descriptions")),
    (MKG.Formation, ("formation", "formations"), ("formation", "formations")),
    (MKG.EmploiType, ("emploi-type", "emplois-types"), ("emploi-type", "emploi-types")),
    (MKG.Testimony, ("témoignage", "témoignages"), ("testimony", "testimonies")),
    (MKG.RomeFiche, ("fiche ROME", "fiches ROME"), ("ROME fiche", "ROME fiches")),
    (MKG.RomeAppellation, ("appellation ROME", "appellations ROME"), ("ROME appellation", "ROME appellations")),
)
# The named graphs of one document: what their description says they hold.
GRAPH_KINDS = (
    ("graph/fiche/", "Fiche métier ONISEP", "ONISEP fiche métier"),
    ("graph/formation/", "Fiche formation ONISEP", "ONISEP fiche formation"),
    ("graph/referentiel/", "Référentiel métiers", "Job framework"),
    ("graph/temoignage/", "Témoignage", "Testimony"),
)
KEYWORDS = ("métiers", "emploi", "compétences", "formations", "ROME", "ESCO", "ONISEP", "OPIIEC")
PUBLISHER_NAME = "métiers-kg contributors"


@dataclass(frozen=True)
class FormatInfo:
    media_type: str
    eu_file_type: str
    feature: str | None  # W3C format IRI name (void:feature); None for non-RDF files
    title: str


FORMAT_INFO = {
    "nquads": FormatInfo("application/n-quads", "RDF_N_QUADS", "N-Quads", "N-Quads"),
    "trig": FormatInfo("application/trig", "RDF_TRIG", "TriG", "TriG"),
    "turtle": FormatInfo("text/turtle", "RDF_TURTLE", "Turtle", "Turtle"),
    "sssom": FormatInfo(
        "text/tab-separated-values", "TSV", None, "Correspondances ROME/ESCO/ISCO-08 au format SSSOM TSV"
    ),
}


@dataclass(frozen=True)
class Distribution:
    """One dump file, as the dataset description lists it."""

    name: str  # path under dumps/, '/'-separated
    format: str  # a FORMAT_INFO key
    graph: str | None  # the named graph it holds; None: the whole dataset
    size: int  # bytes, as downloaded (gzip)
    sha256: str


@dataclass(frozen=True)
class Publication:
    """What the store cannot tell: where things are published, the version, the dump files."""

    base_iri: str
    version: str
    distributions: tuple[Distribution, ...] = ()

    @property
    def dataset(self) -> str:
        return self.base_iri + "dataset"

    def part(self, name: str) -> str:
        """IRIs of the description's parts: fragments of the dataset IRI (one document holds all)."""
        return f"{self.dataset}#{name}"

    @property
    def endpoint(self) -> str:
        return self.base_iri + "sparql"

    @property
    def dumps(self) -> str:
        return self.base_iri + "dumps/"


def content_version(content_sha256: str) -> str:
    """The project's version plus a content hash (PEP 440 local label): same graph, same version."""
    return f"{__version__}+{content_sha256[:12]}"


def fragment(iri: str) -> str:
    """A readable, stable fragment name for a class or property: its prefixed name, else a hash."""
    for prefix, namespace in sorted(DESCRIPTION_PREFIXES.items()):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_-]+", local or "-"):
            return f"{prefix}-{local}"
    return "x-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


class _Triples:
    """Collects the description's triples; literals typed or tagged as the vocabularies want."""

    def __init__(self) -> None:
        self.triples: set[ox.Triple] = set()

    def iri(self, s: str, p: str, o: str) -> None:
        self.triples.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)))

    def text(self, s: str, p: str, value: str, language: str | None = None) -> None:
        literal = ox.Literal(value, language=language) if language else ox.Literal(value)
        self.triples.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), literal))

    def typed(self, s: str, p: str, value: object, datatype: str) -> None:
        self.triples.add(
            ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(str(value), datatype=ox.NamedNode(XSD[datatype])))
        )

    def sorted(self) -> list[ox.Triple]:
        return sort_triples(self.triples)


def sort_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Unique and in a fixed order, so that every serialisation is deterministic."""
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def describe(stats: Statistics, publication: Publication) -> list[ox.Triple]:
    """VoID + DCAT-AP triples for the dataset, sorted."""
    out = _Triples()
    dataset, part = publication.dataset, publication.part
    _void(out, stats, publication)
    _linksets(out, stats, publication)
    _catalogue(out, stats, publication)
    described = {g for g, *_ in stats.graph_descriptions}
    for graph, count in stats.graphs:  # each named graph is a subset, with its own dump
        name = graph[len(publication.base_iri) :] if graph.startswith(publication.base_iri) else graph
        out.iri(dataset, VOID + "subset", graph)
        out.iri(graph, RDF.type, VOID + "Dataset")
        out.iri(graph, RDF.type, DCAT + "Dataset")
        out.typed(graph, VOID + "triples", count, "integer")
        if graph not in described:
            out.text(graph, DCTERMS + "title", f"métiers-kg, graphe nommé {name}", "fr")
            out.text(graph, DCTERMS + "description", _graph_description(name, graph), "fr")
        out.iri(graph, DCTERMS + "isPartOf", dataset)
    _graph_descriptions(out, stats, publication)
    for graph, source in stats.graph_sources:
        out.iri(graph, DCTERMS + "source", source)
    for distribution in publication.distributions:  # whole-dataset dumps, and each graph's own
        owner = distribution.graph or dataset
        node = part("dump-" + re.sub(r"[^A-Za-z0-9.-]+", "-", distribution.name))
        url = publication.dumps + distribution.name
        if FORMAT_INFO[distribution.format].feature:  # void:dataDump is for RDF dumps only
            out.iri(owner, VOID + "dataDump", url)
        out.iri(owner, DCAT + "distribution", node)
        _distribution(out, node, url, distribution, publication)
    return out.sorted()


def _graph_descriptions(out: _Triples, stats: Statistics, publication: Publication) -> None:
    """What a self-describing graph (ROME) says of itself, and its class partitions (fiches, appellations…)."""
    for graph, predicate, value, tag in stats.graph_descriptions:
        term = predicate[len(str(DCTERMS)) :]
        if term == "publisher":  # DCAT-AP wants an agent: the export names its publisher
            agent = publication.part("publisher-" + re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").lower())
            out.iri(graph, DCTERMS + "publisher", agent)
            out.iri(agent, RDF.type, FOAF + "Agent")
            out.text(agent, FOAF + "name", value)
        elif term == "license":
            out.iri(graph, DCTERMS + "license", value)
        elif term == "hasVersion":
            out.text(graph, DCAT + "version", value)
            out.text(graph, OWL.versionInfo, value)
        elif tag.startswith(str(XSD)) and tag != str(XSD.string):
            out.typed(graph, predicate, value, tag[len(str(XSD)) :])
        else:
            out.text(graph, predicate, value, None if tag.startswith("http") else tag or None)
    for graph, cls, count in stats.graph_classes:
        name = re.sub(
            r"[^A-Za-z0-9.-]+",
            "-",
            graph[len(publication.base_iri) :] if graph.startswith(publication.base_iri) else graph,
        )
        node = publication.part(f"{name}-class-{fragment(cls)}")
        out.iri(graph, VOID + "classPartition", node)
        out.iri(node, VOID + "class", cls)
        out.typed(node, VOID + "entities", count, "integer")


def _graph_description(name: str, graph: str) -> str:
    """A document's graph says which document it is; the others are named."""
    for prefix, french, _english in GRAPH_KINDS:
        if name.startswith(prefix):
            return f"{french} {name[len(prefix) :]} : le graphe nommé <{graph}> de métiers-kg."
    return f"Le graphe nommé <{graph}> de métiers-kg."


def holdings_text(stats: Statistics) -> dict[str, str]:
    """The sentence the dataset's description ends with: how many of each main kind it holds (fr, en)."""
    counts = dict(stats.classes)
    present = [(counts[str(cls)], fr, en) for cls, fr, en in HOLDINGS if counts.get(str(cls))]
    if not present:
        return {}

    def listed(names: list[tuple[int, tuple[str, str]]], separator: str) -> str:
        return ", ".join(f"{n:,}".replace(",", separator) + f" {name[n > 1]}" for n, name in names)

    return {
        "fr": f" Contient {listed([(n, fr) for n, fr, _ in present], chr(0x202F))}.",
        "en": f" Holds {listed([(n, en) for n, _, en in present], ',')}.",
    }


def _void(out: _Triples, stats: Statistics, publication: Publication) -> None:
    dataset = publication.dataset
    out.iri(dataset, RDF.type, VOID + "Dataset")
    out.iri(dataset, VOID + "sparqlEndpoint", publication.endpoint)
    out.text(dataset, VOID + "uriSpace", publication.base_iri)
    for example in stats.examples:
        out.iri(dataset, VOID + "exampleResource", example)
    for name in sorted({FORMAT_INFO[d.format].feature for d in publication.distributions} - {None}):
        out.iri(dataset, VOID + "feature", FORMATS + name)
    for key, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("classes", len(stats.classes)),
        ("properties", len(stats.properties)),
        ("distinctSubjects", stats.distinct_subjects),
        ("distinctObjects", stats.distinct_objects),
    ):
        out.typed(dataset, VOID + key, value, "integer")
    used = {iri for iri, _ in stats.classes} | {iri for iri, _ in stats.properties}
    for namespace in sorted(set(PREFIXES.values())):
        if any(iri.startswith(namespace) for iri in used):
            out.iri(dataset, VOID + "vocabulary", namespace)
    for cls, count in stats.classes:
        node = publication.part("class-" + fragment(cls))
        out.iri(dataset, VOID + "classPartition", node)
        out.iri(node, VOID + "class", cls)
        out.typed(node, VOID + "entities", count, "integer")
    for prop, count in stats.properties:
        node = publication.part("property-" + fragment(prop))
        out.iri(dataset, VOID + "propertyPartition", node)
        out.iri(node, VOID + "property", prop)
        out.typed(node, VOID + "triples", count, "integer")
    for source, title in stats.sources:
        out.iri(dataset, DCTERMS + "source", source)
        if title:
            out.text(source, DCTERMS + "title", title)
    if stats.created:
        for key in ("created", "issued"):
            out.typed(dataset, DCTERMS + key, stats.created, "dateTime")
    out.text(dataset, OWL.versionInfo, publication.version)
    out.text(dataset, DCAT + "version", publication.version)


def _linksets(out: _Triples, stats: Statistics, publication: Publication) -> None:
    """One linkset per target (all predicates), with one subset per link predicate."""
    dataset = publication.dataset
    for target in link_targets(publication.base_iri):
        if target.key == "rome":
            target_iri = str(Iris(publication.base_iri).graph("rome"))  # our ROME graph is a subset
        else:
            target_iri = publication.part(target.key)
            out.iri(target_iri, RDF.type, VOID + "Dataset")
            out.text(target_iri, DCTERMS + "title", target.title)
            for namespace in target.namespaces:
                out.text(target_iri, VOID + "uriSpace", namespace)
        if target.homepage:
            out.iri(target_iri, FOAF + "homepage", target.homepage)
        linkset = publication.part("linkset-" + target.key)
        rows = [(p, n) for key, p, n in stats.links if key == target.key]
        out.iri(dataset, VOID + "subset", linkset)
        _linkset(out, linkset, dataset, target_iri, sum(n for _, n in rows))
        out.text(linkset, DCTERMS + "title", f"Liens vers {target.title}", "fr")
        for predicate, count in rows:
            sub = publication.part(f"linkset-{target.key}-{fragment(predicate)}")
            out.iri(linkset, VOID + "subset", sub)
            _linkset(out, sub, dataset, target_iri, count)
            out.iri(sub, VOID + "linkPredicate", predicate)


def _linkset(out: _Triples, node: str, subjects: str, objects: str, count: int) -> None:
    out.iri(node, RDF.type, VOID + "Linkset")
    out.iri(node, VOID + "subjectsTarget", subjects)
    out.iri(node, VOID + "objectsTarget", objects)
    out.typed(node, VOID + "triples", count, "integer")


def _catalogue(out: _Triples, stats: Statistics, publication: Publication) -> None:
    """DCAT-AP 3: the catalogue, the dataset's metadata, the SPARQL service and its access."""
    dataset, part = publication.dataset, publication.part
    catalogue, publisher, service = part("catalogue"), part("publisher"), part("sparql")
    held = holdings_text(stats)
    out.iri(catalogue, RDF.type, DCAT + "Catalog")
    out.iri(catalogue, DCAT + "dataset", dataset)
    out.iri(catalogue, DCAT + "service", service)
    out.iri(catalogue, FOAF + "homepage", publication.base_iri)
    out.iri(publisher, RDF.type, FOAF + "Agent")
    out.text(publisher, FOAF + "name", PUBLISHER_NAME)
    out.iri(LICENCE, RDF.type, DCTERMS + "LicenseDocument")
    out.text(LICENCE, DCTERMS + "title", "Licence Ouverte / Open Licence 2.0 (Etalab)", "fr")
    for node in (catalogue, dataset):
        out.iri(node, DCTERMS + "publisher", publisher)
        out.iri(node, DCTERMS + "license", LICENCE)
        out.iri(node, DCTERMS + "language", EU_AUTHORITY + "language/FRA")
        for lang in ("fr", "en"):
            out.text(node, DCTERMS + "title", TITLE[lang], lang)
            out.text(node, DCTERMS + "description", DESCRIPTION[lang] + held.get(lang, ""), lang)
    out.iri(dataset, RDF.type, DCAT + "Dataset")
    out.iri(dataset, DCAT + "landingPage", publication.base_iri)
    out.iri(dataset, DCTERMS + "conformsTo", MKG_NS.rstrip("#"))
    out.iri(dataset, DCTERMS + "spatial", EU_AUTHORITY + "country/FRA")
    out.text(dataset, DCTERMS + "identifier", dataset)
    for theme in ("SOCI", "EDUC"):
        out.iri(dataset, DCAT + "theme", EU_AUTHORITY + "data-theme/" + theme)
    for keyword in KEYWORDS:
        out.text(dataset, DCAT + "keyword", keyword, "fr")
    out.iri(service, RDF.type, DCAT + "DataService")
    out.text(service, DCTERMS + "title", "Point d'accès SPARQL de métiers-kg", "fr")
    out.iri(service, DCAT + "endpointURL", publication.endpoint)
    out.iri(service, DCAT + "endpointDescription", publication.endpoint)
    out.iri(service, DCAT + "servesDataset", dataset)
    out.iri(service, DCTERMS + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")
    out.iri(service, DCTERMS + "license", LICENCE)
    access = part("sparql-access")
    out.iri(dataset, DCAT + "distribution", access)
    out.iri(access, RDF.type, DCAT + "Distribution")
    out.iri(access, DCAT + "accessURL", publication.endpoint)
    out.iri(access, DCAT + "accessService", service)
    out.iri(access, DCTERMS + "license", LICENCE)
    out.text(access, DCTERMS + "title", "Interrogation SPARQL 1.1", "fr")


def _distribution(out: _Triples, node: str, url: str, distribution: Distribution, publication: Publication) -> None:
    info = FORMAT_INFO[distribution.format]
    what = f"graphe <{distribution.graph}>" if distribution.graph else "graphe complet"
    checksum = node + "-sha256"
    out.iri(node, RDF.type, DCAT + "Distribution")
    title = f"{info.title} ({what})" if info.feature or distribution.graph else info.title
    out.text(node, DCTERMS + "title", f"{title}, gzip", "fr")
    out.iri(node, DCAT + "accessURL", publication.dumps)
    out.iri(node, DCAT + "downloadURL", url)
    out.iri(node, DCAT + "mediaType", IANA_MEDIA_TYPES + info.media_type)
    out.iri(node, DCAT + "compressFormat", IANA_MEDIA_TYPES + "application/gzip")
    out.iri(node, DCTERMS + "format", EU_AUTHORITY + "file-type/" + info.eu_file_type)
    out.typed(node, DCAT + "byteSize", distribution.size, "nonNegativeInteger")
    out.iri(node, DCTERMS + "license", LICENCE)
    out.iri(node, SPDX + "checksum", checksum)
    out.iri(checksum, RDF.type, SPDX + "Checksum")
    out.iri(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
    out.typed(checksum, SPDX + "checksumValue", distribution.sha256, "hexBinary")


def to_turtle(triples: list[ox.Triple]) -> bytes:
    """Readable, deterministic Turtle (input already sorted)."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
