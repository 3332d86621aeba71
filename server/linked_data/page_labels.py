"""French words for the resource pages: the terms of the vocabularies we reuse, and inverse labels.

The ontology labels its own terms (``rdfs:label``, read from the store); SKOS, Dublin Core,
schema.org, PROV, OWL and SSSOM terms have no label in the store, so without this table a page
would show ``skos:altLabel`` beside French labels. A link seen from its object ("who links
here") reads in the other direction, so it gets its inverse label: ``mkg:romeFiche`` is "fiche
ROME" on the occupation and "métiers rattachés" on the ROME fiche.
"""

from __future__ import annotations

from kg.core.vocab import DCTERMS, MKG, NIF, OWL, PAV, PROV, RDF, RDFS, SCHEMA, SEMAPV, SKOS, SKOSXL, SSSOM, XSD

LABELS: dict[str, str] = {
    str(term): label
    for term, label in (
        (RDF.type, "type"),
        (RDF.value, "texte"),
        (RDFS.label, "libellé"),
        (RDFS.comment, "commentaire"),
        (RDFS.seeAlso, "voir aussi"),
        (RDFS.subClassOf, "sous-classe de"),
        (RDFS.subPropertyOf, "sous-propriété de"),
        (RDFS.domain, "domaine"),
        (RDFS.range, "portée"),
        (SKOS.prefLabel, "libellé"),
        (SKOS.altLabel, "autre libellé"),
        (SKOS.hiddenLabel, "libellé caché"),
        (SKOS.notation, "code"),
        (SKOS.definition, "définition"),
        (SKOS.scopeNote, "note d'application"),
        (SKOS.note, "note"),
        (SKOS.broader, "plus général"),
        (SKOS.narrower, "plus spécifique"),
        (SKOS.related, "associé"),
        (SKOS.inScheme, "schéma"),
        (SKOS.topConceptOf, "concept de tête de"),
        (SKOS.hasTopConcept, "concepts de tête"),
        (SKOS.exactMatch, "correspondance exacte"),
        (SKOS.closeMatch, "correspondance proche"),
        (SKOS.broadMatch, "correspondance plus large"),
        (SKOS.narrowMatch, "correspondance plus étroite"),
        (SKOS.relatedMatch, "correspondance associée"),
        (SKOSXL.prefLabel, "libellé (SKOS-XL)"),
        (SKOSXL.altLabel, "autre libellé (SKOS-XL)"),
        (SKOSXL.literalForm, "forme"),
        (DCTERMS.title, "titre"),
        (DCTERMS.description, "description"),
        (DCTERMS.source, "source"),
        (DCTERMS.created, "créé le"),
        (DCTERMS.modified, "modifié le"),
        (DCTERMS.license, "licence"),
        (DCTERMS.creator, "auteur"),
        (DCTERMS.publisher, "éditeur"),
        (DCTERMS.isPartOf, "fait partie de"),
        (DCTERMS.hasPart, "comprend"),
        (DCTERMS.references, "désigne"),
        (DCTERMS.identifier, "identifiant"),
        (PROV.wasDerivedFrom, "dérivé de"),
        (PROV.wasGeneratedBy, "produit par"),
        (PROV.wasAttributedTo, "attribué à"),
        (PAV.authoredBy, "auteur"),
        (SCHEMA.name, "nom"),
        (SCHEMA.value, "montant"),
        (SCHEMA.currency, "devise"),
        (SCHEMA.unitText, "période"),
        (SCHEMA.minValue, "minimum"),
        (SCHEMA.maxValue, "maximum"),
        (SCHEMA.position, "position"),
        (SCHEMA.itemListElement, "entrée de liste"),
        (SCHEMA.numberOfItems, "nombre d'entrées"),
        (SCHEMA.author, "auteur"),
        (SCHEMA.headline, "titre"),
        (SCHEMA.ItemList, "liste"),
        (SCHEMA.ListItem, "entrée de liste"),
        (SCHEMA.MonetaryAmount, "montant"),
        (SCHEMA.Article, "article"),
        (OWL.annotatedSource, "sujet"),
        (OWL.annotatedProperty, "relation"),
        (OWL.annotatedTarget, "cible"),
        (OWL.Axiom, "axiome"),
        (OWL.Class, "classe"),
        (OWL.ObjectProperty, "propriété d'objet"),
        (OWL.DatatypeProperty, "propriété de données"),
        (OWL.sameAs, "identique à"),
        (SSSOM.confidence, "confiance"),
        (SSSOM.mapping_justification, "justification"),
        (SSSOM.predicate_modifier, "modificateur"),
        (NIF.anchorOf, "texte"),
        (NIF.beginIndex, "début"),
        (NIF.endIndex, "fin"),
        (NIF.referenceContext, "contexte"),
        (SKOS.Concept, "concept"),
        (SKOS.ConceptScheme, "schéma de concepts"),
        (SEMAPV.ManualMappingCuration, "revue manuelle"),
        (SEMAPV.LexicalMatching, "correspondance lexicale"),
        (SEMAPV.MappingChaining, "chaînage de correspondances"),
        (SEMAPV.UnspecifiedMatching, "non précisée"),
        (SSSOM.NoTermFound, "aucun équivalent"),
    )
}

INVERSE_LABELS: dict[str, str] = {
    str(term): label
    for term, label in (
        (MKG.romeFiche, "métiers rattachés"),
        (MKG.possibleEvolution, "peut venir de"),
        (MKG.possibleOrigin, "peut mener à"),
        (MKG.recommendedFormation, "recommandée pour"),
        (MKG.family, "emplois-types de la famille"),
        (MKG.subFamily, "emplois-types de la sous-famille"),
        (MKG.requiredSkill, "requis par"),
        (MKG.minimumAccessLevel, "niveau minimum de"),
        (MKG.employmentStatus, "statut possible de"),
        (MKG.interest, "centre d'intérêt de"),
        (MKG.refersToGroup, "désigné par"),
        (MKG.appellation, "appellation de"),
        (MKG.section, "section de"),
        (MKG.basis, "fonde"),
        (SKOS.broader, "plus spécifique"),
        (SKOS.narrower, "plus général"),
        (SKOS.inScheme, "concepts du schéma"),
        (SKOS.topConceptOf, "concepts de tête"),
        (SKOS.hasTopConcept, "concept de tête de"),
        (SKOS.broadMatch, "correspondance plus étroite"),
        (SKOS.narrowMatch, "correspondance plus large"),
        (SKOS.exactMatch, "correspondance exacte"),
        (SKOS.closeMatch, "correspondance proche"),
        (SKOS.relatedMatch, "correspondance associée"),
        (SKOS.related, "associé"),
        (DCTERMS.references, "désigné par"),
        (DCTERMS.source, "source de"),
        (DCTERMS.isPartOf, "comprend"),
        (DCTERMS.hasPart, "fait partie de"),
        (PROV.wasDerivedFrom, "source de"),
        (RDF.type, "instances"),
    )
}

# Each pair states the same link from both ends: a page that shows one does not repeat the other.
INVERSES: dict[str, str] = {
    str(a): str(b)
    for a, b in (
        (SKOS.broader, SKOS.narrower),
        (SKOS.narrower, SKOS.broader),
        (SKOS.topConceptOf, SKOS.hasTopConcept),
        (SKOS.hasTopConcept, SKOS.topConceptOf),
        (SKOS.broadMatch, SKOS.narrowMatch),
        (SKOS.narrowMatch, SKOS.broadMatch),
        (SKOS.exactMatch, SKOS.exactMatch),
        (SKOS.closeMatch, SKOS.closeMatch),
        (SKOS.relatedMatch, SKOS.relatedMatch),
        (SKOS.related, SKOS.related),
        (DCTERMS.isPartOf, DCTERMS.hasPart),
        (DCTERMS.hasPart, DCTERMS.isPartOf),
    )
}

# Incoming links that are what a reader of the page came for (the occupations filed under a ROME
# fiche, the emploi-types of a family…): shown first, under their inverse label.
FEATURED_INCOMING = frozenset(
    str(t)
    for t in (
        MKG.romeFiche,
        MKG.family,
        MKG.subFamily,
        MKG.possibleEvolution,
        MKG.possibleOrigin,
        MKG.recommendedFormation,
        MKG.requiredSkill,
        MKG.minimumAccessLevel,
        SKOS.broader,
    )
)

# Datatypes whose values read as they are: no "xsd:integer" tag beside them.
PLAIN_DATATYPES = frozenset(
    str(t)
    for t in (
        XSD.string,
        RDF.langString,
        XSD.integer,
        XSD.decimal,
        XSD.double,
        XSD.boolean,
        XSD.date,
        XSD.dateTime,
        XSD.gYear,
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.anyURI,
    )
)


def inverse_label(predicate: str, forward: str) -> str:
    """How a link reads from its object; a predicate without one says so explicitly."""
    return INVERSE_LABELS.get(predicate) or f"est « {forward} » de"
