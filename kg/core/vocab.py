"""Namespace and term constants; every ``MKG`` term used in code is declared in ontology/ (tested)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

DEFAULT_BASE_IRI = "https://w3id.org/metiers-kg/"
ONTOLOGY_IRI = "https://w3id.org/metiers-kg/ontology"


class MKG(DefinedNamespace):
    """The métiers-kg ontology (ontology/metiers-kg.ttl)."""

    _NS = Namespace("https://w3id.org/metiers-kg/ontology#")
    _fail = True

    # classes
    Occupation: object
    FicheMetier: object
    EmploiType: object
    Famille: object
    SousFamille: object
    Referentiel: object
    Appellation: object
    Gender: object
    RomeGrandDomaine: object
    RomeDomaine: object
    RomeFiche: object
    Section: object
    AccessLevel: object
    Formation: object
    EmploymentStatus: object
    Interest: object
    SavoirFaire: object
    Connaissance: object
    UnresolvedMention: object
    Testimony: object
    Mention: object
    MentionKind: object
    SourceDocument: object
    Mapping: object
    RejectedDocument: object
    FormationType: object
    NamedOccupation: object
    # individuals
    feminine: object
    masculine: object
    occupationMention: object
    organisationMention: object
    diplomaMention: object
    termMention: object
    # properties
    romeFiche: object
    romeAbsenceReason: object
    identifier: object
    appellation: object
    gender: object
    otherAppellationOf: object
    section: object
    order: object
    headingLevel: object
    startingSalary: object
    salaryNote: object
    grossSalary: object
    minimumAccessLevel: object
    eqfLevel: object
    yearsAfterBac: object
    recommendedFormation: object
    employmentStatus: object
    interest: object
    family: object
    subFamily: object
    implicit: object
    mainActivity: object
    specificActivity: object
    requiredSkill: object
    variability: object
    externalRelations: object
    internalRelations: object
    workplace: object
    prerequisite: object
    experienceMinYears: object
    experienceMaxYears: object
    trainingPath: object
    certification: object
    careerPath: object
    possibleOrigin: object
    possibleEvolution: object
    unresolvedOrigin: object
    unresolvedEvolution: object
    headingRecovered: object
    truncated: object
    mention: object
    mentionKind: object
    glossary: object
    footnoteMarker: object
    authorAffiliation: object
    relatedReading: object
    titleDerived: object
    sha256: object
    sourceLine: object
    refersToGroup: object
    basis: object
    rejectedDocument: object
    schoolingCode: object
    certificationLevel: object
    certificationNote: object
    durationNote: object
    formationType: object
    acronym: object
    rncpCertification: object
    rncpCode: object
    associatedOccupation: object
    leadsTo: object
    rejectionReason: object
    # ROME 4.0, the whole export
    RomeAppellation: object
    RomeCompetence: object
    RomeMacroCompetence: object
    RomeDomaineCompetences: object
    RomeEnjeu: object
    RomeObjectif: object
    RomeSavoir: object
    RomeSavoirCategorie: object
    RomeContexte: object
    RomeContexteType: object
    RomeSecteur: object
    RomeSecteurNaf: object
    RomeTheme: object
    RomeCentreInteret: object
    RiasecType: object
    CoeurDeMetier: object
    CoeurDeMetierLevel: object
    Mobilite: object
    codeOgr: object
    transitionEcologique: object
    transitionEcologiqueItem: object
    transitionNumerique: object
    transitionDemographique: object
    emploiReglemente: object
    emploiCadre: object
    romeV3Parent: object
    accesMetier: object
    principalAppellation: object
    shortLabel: object
    rarelyUsed: object
    competenceCategory: object
    competenceSubcategory: object
    heterogeneity: object
    competenceOrigin: object
    macroCompetenceCode: object
    riasecMajeur: object
    riasecMineur: object
    savoirFaire: object
    savoirEtre: object
    savoir: object
    contexteTravail: object
    linkFiche: object
    linkItem: object
    coherence: object
    mobilite: object
    mobiliteCible: object
    secteurActivite: object
    secteurActivitePrincipal: object
    secteurNaf: object
    theme: object
    centreInteret: object
    centreInteretPrincipal: object
    coeurDeMetierPrincipal: object
    coeurDeMetierEmergent: object
    CrosswalkMapping: object
    escoOccupation: object
    iscoGroup: object


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
