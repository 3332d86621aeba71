"""Namespace and term constants; every ``MKG`` term used in code is declared in ontology/ (tested)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

DEFAULT_BASE_IRI = "https://w3id.org/metiers-kg/"
ONTOLOGY_IRI = "https://w3id.org/metiers-kg/ontology"


class MKG(DefinedNamespace):
    """The métiers-kg ontology (ontology/metiers-kg.ttl)."""

    _NS = Namespace("https://w3id.org/metiers-kg/ontology#")
    _fail = True

    # classes
    Occupation: URIRef
    FicheMetier: URIRef
    EmploiType: URIRef
    Famille: URIRef
    SousFamille: URIRef
    Referentiel: URIRef
    Appellation: URIRef
    Gender: URIRef
    RomeGrandDomaine: URIRef
    RomeDomaine: URIRef
    RomeFiche: URIRef
    Section: URIRef
    AccessLevel: URIRef
    Formation: URIRef
    EmploymentStatus: URIRef
    Interest: URIRef
    SavoirFaire: URIRef
    Connaissance: URIRef
    UnresolvedMention: URIRef
    Testimony: URIRef
    Mention: URIRef
    MentionKind: URIRef
    SourceDocument: URIRef
    Mapping: URIRef
    RejectedDocument: URIRef
    FormationType: URIRef
    NamedOccupation: URIRef
    # individuals
    feminine: URIRef
    masculine: URIRef
    occupationMention: URIRef
    organisationMention: URIRef
    diplomaMention: URIRef
    termMention: URIRef
    # properties
    romeFiche: URIRef
    romeAbsenceReason: URIRef
    identifier: URIRef
    appellation: URIRef
    gender: URIRef
    otherAppellationOf: URIRef
    section: URIRef
    order: URIRef
    headingLevel: URIRef
    startingSalary: URIRef
    salaryNote: URIRef
    grossSalary: URIRef
    minimumAccessLevel: URIRef
    eqfLevel: URIRef
    yearsAfterBac: URIRef
    recommendedFormation: URIRef
    employmentStatus: URIRef
    interest: URIRef
    family: URIRef
    subFamily: URIRef
    implicit: URIRef
    mainActivity: URIRef
    specificActivity: URIRef
    requiredSkill: URIRef
    variability: URIRef
    externalRelations: URIRef
    internalRelations: URIRef
    workplace: URIRef
    prerequisite: URIRef
    experienceMinYears: URIRef
    experienceMaxYears: URIRef
    trainingPath: URIRef
    certification: URIRef
    careerPath: URIRef
    possibleOrigin: URIRef
    possibleEvolution: URIRef
    unresolvedOrigin: URIRef
    unresolvedEvolution: URIRef
    headingRecovered: URIRef
    truncated: URIRef
    mention: URIRef
    mentionKind: URIRef
    glossary: URIRef
    footnoteMarker: URIRef
    authorAffiliation: URIRef
    relatedReading: URIRef
    titleDerived: URIRef
    sha256: URIRef
    sourceLine: URIRef
    refersToGroup: URIRef
    basis: URIRef
    rejectedDocument: URIRef
    schoolingCode: URIRef
    certificationLevel: URIRef
    certificationNote: URIRef
    durationNote: URIRef
    formationType: URIRef
    acronym: URIRef
    rncpCertification: URIRef
    rncpCode: URIRef
    associatedOccupation: URIRef
    leadsTo: URIRef
    rejectionReason: URIRef
    # ROME 4.0, the whole export
    RomeAppellation: URIRef
    RomeCompetence: URIRef
    RomeMacroCompetence: URIRef
    RomeDomaineCompetences: URIRef
    RomeEnjeu: URIRef
    RomeObjectif: URIRef
    RomeSavoir: URIRef
    RomeSavoirCategorie: URIRef
    RomeContexte: URIRef
    RomeContexteType: URIRef
    RomeSecteur: URIRef
    RomeSecteurNaf: URIRef
    RomeTheme: URIRef
    RomeCentreInteret: URIRef
    RiasecType: URIRef
    CoeurDeMetier: URIRef
    CoeurDeMetierLevel: URIRef
    Mobilite: URIRef
    codeOgr: URIRef
    transitionEcologique: URIRef
    transitionEcologiqueItem: URIRef
    transitionNumerique: URIRef
    transitionDemographique: URIRef
    emploiReglemente: URIRef
    emploiCadre: URIRef
    romeV3Parent: URIRef
    accesMetier: URIRef
    principalAppellation: URIRef
    shortLabel: URIRef
    rarelyUsed: URIRef
    competenceCategory: URIRef
    competenceSubcategory: URIRef
    heterogeneity: URIRef
    competenceOrigin: URIRef
    macroCompetenceCode: URIRef
    riasecMajeur: URIRef
    riasecMineur: URIRef
    savoirFaire: URIRef
    savoirEtre: URIRef
    savoir: URIRef
    contexteTravail: URIRef
    linkFiche: URIRef
    linkItem: URIRef
    coherence: URIRef
    mobilite: URIRef
    mobiliteCible: URIRef
    secteurActivite: URIRef
    secteurActivitePrincipal: URIRef
    secteurNaf: URIRef
    theme: URIRef
    centreInteret: URIRef
    centreInteretPrincipal: URIRef
    coeurDeMetierPrincipal: URIRef
    coeurDeMetierEmergent: URIRef
    CrosswalkMapping: URIRef
    escoOccupation: URIRef
    iscoGroup: URIRef


SCHEMA = Namespace("https://schema.org/")
ESCO = Namespace("http://data.europa.eu/esco/model#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
EQF = Namespace("http://data.europa.eu/snb/eqf/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
PAV = Namespace("http://purl.org/pav/")
ISCO = Namespace("http://data.europa.eu/esco/isco/")  # ESCO's ISCO-08 concepts, every level
ESCO_ISCO = Namespace(ISCO + "C")  # ISCO-08 groups by code
ESCO_OCCUPATION = Namespace("http://data.europa.eu/esco/occupation/")
ESCO_SKILL = Namespace("http://data.europa.eu/esco/skill/")
ESCO_SKILL_TYPE = Namespace("http://data.europa.eu/esco/skill-type/")
ESCO_LABEL_ROLE = Namespace("http://data.europa.eu/esco/label-role/")
# Publication: VoID, DCAT-AP, the service description and the formats they name.
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
EU_AUTHORITY = Namespace("http://publications.europa.eu/resource/authority/")
IANA_MEDIA_TYPES = Namespace("http://www.iana.org/assignments/media-types/")
# The ontology's namespace as a plain string (prefix tests, SPARQL text), read once here.
MKG_NS = str(MKG._NS)

PREFIXES: dict[str, str] = {
    "mkg": MKG_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "skosxl": str(SKOSXL),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "esco": str(ESCO),
    "nif": str(NIF),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
    "pav": str(PAV),
}
# The PREFIX lines of every prefix above, for SPARQL text written in code.
SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(PREFIXES.items()))

__all__ = [
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE_IRI",
    "ENTAILMENT",
    "EQF",
    "ESCO",
    "ESCO_ISCO",
    "ESCO_LABEL_ROLE",
    "ESCO_OCCUPATION",
    "ESCO_SKILL",
    "ESCO_SKILL_TYPE",
    "EU_AUTHORITY",
    "FOAF",
    "FORMATS",
    "IANA_MEDIA_TYPES",
    "ISCO",
    "MKG",
    "MKG_NS",
    "NIF",
    "ONTOLOGY_IRI",
    "OWL",
    "PAV",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SEMAPV",
    "SH",
    "SKOS",
    "SKOSXL",
    "SPARQL_PREFIXES",
    "SPDX",
    "SSSOM",
    "VOID",
    "XSD",
]
