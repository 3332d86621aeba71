"""Mappings → triples: the plain SKOS triple for simple queries, and beside it the evidence.

Each mapping is an ``owl:Axiom`` / ``mkg:Mapping`` node in the SSSOM-RDF way
(``owl:annotatedSource`` / ``annotatedProperty`` / ``annotatedTarget``) carrying SSSOM's
slots, so SPARQL can filter links by justification, confidence, author or date. A positive
mapping also asserts its plain triple (``<emploi-type> skos:closeMatch <esco occupation>``);
a rejected candidate or a "no term found" keeps only its node. The ESCO and ISCO-08
concepts that mappings reach get their labels and ESCO's ISCO membership in a graph of
their own, so that the consistency of ISCO with ESCO can be checked by SPARQL.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.alignment.model import NO_TERM_FOUND, Mapping
from kg.core.graph import GraphBuilder, MappedGraph, integer
from kg.core.vocab import DCTERMS, ESCO, ESCO_ISCO, MKG, OWL, PAV, PROV, RDF, RDFS, SKOS, SSSOM, XSD
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris
from kg.sources.common import Source
from kg.sources.reference import esco_occupations, esco_skills, isco_groups

ESCO_LICENCE = URIRef("https://eur-lex.europa.eu/eli/dec/2011/833/oj")


def alignment_graph(mappings: list[Mapping], iris: Iris, curation: Source) -> MappedGraph:
    """Every mapping of the corpus in ``<base>graph/alignment``; curated ones point at their curation line."""
    builder = GraphBuilder(iris.graph("alignment"), curation.path)
    add_provenance(builder, curation, iris)
    curation_document = iris.source_document(curation.sha256)
    for mapping in mappings:
        _add_mapping(builder, iris, mapping, curation_document)
    return builder.result()


def _add_mapping(builder: GraphBuilder, iris: Iris, m: Mapping, curation_document: URIRef) -> None:
    node = iris.mapping(m.subject, m.predicate, m.object)
    subject, predicate, obj = URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)
    builder.locate(node, m.line)
    if m.positive:
        builder.add(subject, predicate, obj, m.line)
    builder.add(node, RDF.type, OWL.Axiom, m.line)
    builder.add(node, RDF.type, MKG.Mapping, m.line)
    builder.add(node, OWL.annotatedSource, subject, m.line)
    builder.add(node, OWL.annotatedProperty, predicate, m.line)
    builder.add(node, OWL.annotatedTarget, obj, m.line)
    builder.add(node, SSSOM.mapping_justification, URIRef(m.justification), m.line)
    builder.add(node, SSSOM.confidence, Literal(repr(float(m.confidence)), datatype=XSD.double), m.line)
    author = URIRef(m.author_id)
    builder.add(node, PAV.authoredBy, author, m.line)
    builder.add(author, RDF.type, PROV.Agent)
    if m.author_label:
        builder.add(author, RDFS.label, Literal(m.author_label))
        builder.add(node, SSSOM.author_label, Literal(m.author_label))
    if m.date:
        builder.add(node, DCTERMS.created, Literal(m.date, datatype=XSD.date), m.line)
    builder.add(node, RDFS.comment, Literal(m.comment, lang="en"), m.line)
    if m.negated:
        builder.add(node, SSSOM.predicate_modifier, Literal("Not"), m.line)
    if m.tool:
        builder.add(node, SSSOM.mapping_tool, Literal(m.tool))
    if m.subject_label:
        builder.add(node, SSSOM.subject_label, Literal(m.subject_label))
    if m.object_label:
        builder.add(node, SSSOM.object_label, Literal(m.object_label))
    builder.add(node, SSSOM.subject_category, Literal(m.subject_kind or m.target))
    for basis in m.basis:
        builder.add(node, MKG.basis, URIRef(basis))
    if m.line is not None:
        builder.add(node, PROV.wasDerivedFrom, curation_document)
        builder.add(node, MKG.sourceLine, integer(m.line))


def esco_graph(mappings: list[Mapping], iris: Iris, tables: Source) -> MappedGraph:
    """The ESCO occupations and skills, and the ISCO-08 groups, that some mapping reaches or goes through."""
    builder = GraphBuilder(iris.graph("esco"))
    add_provenance(builder, tables, iris)
    occupations, skills, groups = esco_occupations(), esco_skills(), isco_groups()
    reached = {m.object for m in mappings} | {b for m in mappings for b in m.basis}
    reached |= {occupations[uri].isco_uri for uri in reached if uri in occupations}
    for uri in sorted(reached - {NO_TERM_FOUND}):
        node = URIRef(uri)
        if uri in occupations:
            occupation = occupations[uri]
            builder.add(node, RDF.type, ESCO.Occupation)
            builder.add(node, SKOS.prefLabel, Literal(occupation.label_en, lang="en"))
            builder.add(node, SKOS.prefLabel, Literal(occupation.label_fr, lang="fr"))
            builder.add(node, ESCO.memberOfISCOGroup, URIRef(occupation.isco_uri))
            builder.add(node, DCTERMS.license, ESCO_LICENCE)
        elif uri in skills:
            builder.add(node, RDF.type, ESCO.Skill)
            builder.add(node, SKOS.prefLabel, Literal(skills[uri].label_fr, lang="fr"))
            builder.add(
                node,
                ESCO.skillType,
                URIRef(
                    "http://data.europa.eu/esco/skill-type/"
                    + ("knowledge" if skills[uri].skill_type == "knowledge" else "skill")
                ),
            )
        elif uri.startswith(ESCO_ISCO) and uri[len(ESCO_ISCO) :] in groups:
            code = uri[len(ESCO_ISCO) :]
            builder.add(node, RDF.type, ESCO.ISCOGroup)
            builder.add(node, SKOS.notation, Literal(code))
            builder.add(node, SKOS.prefLabel, Literal(groups[code][0], lang="en"))
            if groups[code][1]:
                builder.add(node, SKOS.prefLabel, Literal(groups[code][1], lang="fr"))
    return builder.result()


__all__ = ["alignment_graph", "esco_graph"]
