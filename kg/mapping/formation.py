"""ONISEP fiche formation → triples of its own named graph.

The formation's IRI is the ``FOR.n`` one the fiches métiers already point at, so their
recommendations get its description. The métiers it names stay names here (with their
lines): resolving them to fiches métiers crosses documents, so the alignment stage does it.
"""

from __future__ import annotations

from rdflib import Literal

from kg.core.graph import GraphBuilder, MappedGraph, integer
from kg.core.vocab import MKG, RDF, SCHEMA, SKOS, XSD
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris
from kg.mapping.onisep import add_section
from kg.sources.formation import FicheFormation


def to_graph(fiche: FicheFormation, iris: Iris) -> MappedGraph:
    formation = iris.formation(fiche.id)
    builder = GraphBuilder(iris.graph("formation", fiche.id), fiche.source.path)
    add_provenance(builder, fiche.source, iris)
    line = fiche.title_line
    builder.locate(formation, line)
    builder.add(formation, RDF.type, MKG.Formation, line)
    builder.add(formation, MKG.identifier, Literal(fiche.id), line)
    builder.add(formation, SKOS.notation, Literal(fiche.id), line)
    builder.fr(formation, SKOS.prefLabel, fiche.title, line)

    kind = fiche.formation_type
    type_iri = iris.formation_type(kind.value)
    builder.add(formation, MKG.formationType, type_iri, kind.line)
    builder.add(type_iri, RDF.type, MKG.FormationType, kind.line)
    builder.fr(type_iri, SKOS.prefLabel, kind.value, kind.line)
    if fiche.schooling_code is not None:
        builder.add(formation, MKG.schoolingCode, Literal(fiche.schooling_code.value), fiche.schooling_code.line)
    if fiche.acronym is not None:
        builder.add(formation, MKG.acronym, Literal(fiche.acronym.value), fiche.acronym.line)
    if fiche.duration is not None:
        if fiche.duration_iso is not None:
            builder.add(
                formation,
                SCHEMA.timeToComplete,
                Literal(fiche.duration_iso, datatype=XSD.duration),
                fiche.duration.line,
            )
        builder.fr(formation, MKG.durationNote, fiche.duration.value, fiche.duration.line)
    if fiche.certification is not None:  # a level is read from the certification's own wording
        if fiche.eqf_level is not None:
            builder.add(formation, MKG.certificationLevel, iris.eqf_level(fiche.eqf_level), fiche.certification.line)
        else:
            builder.fr(formation, MKG.certificationNote, fiche.certification.value, fiche.certification.line)
    if fiche.link is not None:  # an RNCP code is read from the link
        builder.add(formation, SCHEMA.url, Literal(fiche.link.value, datatype=XSD.anyURI), fiche.link.line)
        if fiche.rncp is not None:
            builder.add(formation, MKG.rncpCertification, iris.rncp(fiche.rncp), fiche.link.line)
            builder.add(formation, MKG.rncpCode, Literal(f"RNCP{fiche.rncp}"), fiche.link.line)

    for order, section in enumerate(fiche.sections, start=1):
        add_section(builder, iris, formation, formation, section, (order,))
    for named in fiche.occupations:
        node = iris.named_occupation(formation, named.name)
        builder.add(formation, MKG.associatedOccupation, node, named.line)
        builder.locate(node, named.line)
        builder.add(node, RDF.type, MKG.NamedOccupation, named.line)
        builder.fr(node, SKOS.prefLabel, named.name, named.line)
        builder.add(node, MKG.sourceLine, integer(named.line), named.line)
    return builder.result()
