"""The dataset's DCAT-AP 3 record, for data portals: the catalogue, title, licence and publisher, the
SPARQL service, and each dump file as a distribution with its size and checksum."""

from __future__ import annotations

from kg.core.vocab import DCAT, DCTERMS, EU_AUTHORITY, FOAF, IANA_MEDIA_TYPES, MKG, MKG_NS, RDF, SPDX
from kg.publish.publication import FORMAT_INFO, Distribution, Publication, Triples
from kg.publish.void_stats import Statistics

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
KEYWORDS = ("métiers", "emploi", "compétences", "formations", "ROME", "ESCO", "ONISEP", "OPIIEC")
PUBLISHER_NAME = "métiers-kg contributors"


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


def dcat_catalogue(out: Triples, stats: Statistics, publication: Publication) -> None:
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


def distribution_record(
    out: Triples, node: str, url: str, distribution: Distribution, publication: Publication
) -> None:
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
