"""kg.core.vocab constants agree with ontology/ and the ontology documents every term in French and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.core.vocab import MKG, MKG_NS, ONTOLOGY_IRI

ONTOLOGY = Graph().parse(Path(__file__).resolve().parents[3] / "ontology" / "metiers-kg.ttl")
DECLARED_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
TERMS = sorted(name for name in MKG.__annotations__)


@pytest.mark.parametrize("name", TERMS)
def test_every_vocab_term_is_declared_in_the_ontology(name: str) -> None:
    types = set(ONTOLOGY.objects(MKG[name], RDF.type))
    assert types & DECLARED_TYPES or types & {MKG.Gender, MKG.MentionKind}, f"mkg:{name} is not declared"


def _minted_terms() -> list[URIRef]:
    return sorted({s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and str(s).startswith(MKG_NS)})


def test_every_ontology_term_is_in_vocab() -> None:
    assert {str(term) for term in _minted_terms()} == {str(MKG[name]) for name in TERMS}


@pytest.mark.parametrize("term", _minted_terms(), ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_every_term_has_french_and_english_label_and_definition(term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        languages = {o.language for o in ONTOLOGY.objects(term, prop) if isinstance(o, Literal)}
        assert {"fr", "en"} <= languages, f"{term} lacks {prop} in fr and en"


def test_ontology_has_iri_version_and_licence() -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    assert ONTOLOGY.value(ontology, OWL.versionIRI) is not None
    assert ONTOLOGY.value(ontology, DCTERMS.license) is not None


def test_occupation_classes_are_tied_to_esco() -> None:
    esco_occupation = URIRef("http://data.europa.eu/esco/model#Occupation")
    esco_skill = URIRef("http://data.europa.eu/esco/model#Skill")
    assert (MKG.Occupation, RDFS.subClassOf, esco_occupation) in ONTOLOGY
    for cls in (MKG.FicheMetier, MKG.EmploiType):
        assert (cls, RDFS.subClassOf, MKG.Occupation) in ONTOLOGY
    for cls in (MKG.SavoirFaire, MKG.Connaissance):
        assert (cls, RDFS.subClassOf, esco_skill) in ONTOLOGY
