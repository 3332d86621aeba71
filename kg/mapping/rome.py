"""The ROME 4.0 concept scheme (grand domaine → domaine → fiche) and our other shared schemes."""

from __future__ import annotations

import csv
import hashlib
import io
from importlib.resources import files
from pathlib import Path

from rdflib import Literal, URIRef

from kg.mapping.core import GraphBuilder, MappedGraph, add_provenance
from kg.mapping.iris import Iris
from kg.sources.common import Source
from kg.vocab import DCTERMS, MKG, RDF, SKOS

ROME_RESOURCE = "rome4_fiches.csv"
ROME_LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")

# Grand domaine labels, from the reference data's PROVENANCE (France Travail ROME 4.0).
GRAND_DOMAINES = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


def read_rome_fiches() -> tuple[list[tuple[str, str]], Source]:
    """The vendored ROME 4.0 list: (code, libellé) rows, and its source for PROV."""
    resource = files("metiers_kg_data.reference") / ROME_RESOURCE
    data = resource.read_bytes()
    rows = [(row["code"].strip(), row["libelle"].strip())
            for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]
    return rows, Source(path=Path(str(resource)), sha256=hashlib.sha256(data).hexdigest())


def rome_codes() -> frozenset[str]:
    return frozenset(code for code, _ in read_rome_fiches()[0])


def rome_graph(iris: Iris) -> MappedGraph:
    """Every ROME 4.0 fiche under its domaine (M18) and grand domaine (M), with notations."""
    rows, source = read_rome_fiches()
    scheme = iris.rome_scheme()
    builder = GraphBuilder(iris.graph("rome"), source.path)
    add_provenance(builder, source, iris)
    builder.add(scheme, RDF.type, SKOS.ConceptScheme)
    builder.add(scheme, SKOS.prefLabel, Literal("ROME 4.0 — Répertoire opérationnel des métiers et des emplois", lang="fr"))
    builder.add(scheme, SKOS.prefLabel, Literal("ROME 4.0 — French operational directory of trades and jobs", lang="en"))
    builder.add(scheme, DCTERMS.publisher, Literal("France Travail"))
    builder.add(scheme, DCTERMS.license, ROME_LICENCE)
    builder.add(scheme, DCTERMS.hasVersion, Literal("4.0"))
    for letter, label in GRAND_DOMAINES.items():
        concept = iris.rome(letter)
        builder.add(concept, RDF.type, MKG.RomeGrandDomaine)
        builder.add(concept, SKOS.notation, Literal(letter))
        builder.add(concept, SKOS.prefLabel, Literal(label, lang="fr"))
        builder.add(concept, SKOS.inScheme, scheme)
        builder.add(concept, SKOS.topConceptOf, scheme)
        builder.add(scheme, SKOS.hasTopConcept, concept)
    for line, (code, label) in enumerate(rows, start=2):
        domaine_code = code[:3]
        domaine = iris.rome(domaine_code)
        builder.add(domaine, RDF.type, MKG.RomeDomaine)
        builder.add(domaine, SKOS.notation, Literal(domaine_code))
        # The reference list gives no domaine titles; the label says only what is known.
        builder.add(domaine, SKOS.prefLabel, Literal(f"Domaine professionnel {domaine_code}", lang="fr"))
        builder.add(domaine, SKOS.inScheme, scheme)
        builder.add(domaine, SKOS.broader, iris.rome(code[0]))
        builder.add(iris.rome(code[0]), SKOS.narrower, domaine)
        fiche = iris.rome(code)
        builder.locate(fiche, line)
        builder.add(fiche, RDF.type, MKG.RomeFiche)
        builder.add(fiche, SKOS.notation, Literal(code))
        builder.add(fiche, SKOS.prefLabel, Literal(label, lang="fr"))
        builder.add(fiche, SKOS.inScheme, scheme)
        builder.add(fiche, SKOS.broader, domaine)
        builder.add(domaine, SKOS.narrower, fiche)
    return builder.result()

