"""ONISEP fiche → triples of its own named graph."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.core.graph import GraphBuilder, MappedGraph, boolean, integer
from kg.core.vocab import MKG, RDF, SCHEMA, SKOS, SKOSXL, XSD
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris
from kg.mapping.levels import add_access_level
from kg.sources.onisep import Fiche, GenderedLabel, Section


def to_graph(fiche: Fiche, iris: Iris) -> MappedGraph:
    """Map one fiche; shared concepts (ROME, formations, levels) are referenced by IRI."""
    occupation = iris.metier(fiche.id)
    builder = GraphBuilder(iris.graph("fiche", fiche.id), fiche.source.path)
    add_provenance(builder, fiche.source, iris)
    builder.locate(occupation, fiche.id_line)
    builder.add(occupation, RDF.type, MKG.FicheMetier, fiche.id_line)
    builder.add(occupation, MKG.identifier, Literal(fiche.id), fiche.id_line)
    builder.add(occupation, SKOS.notation, Literal(fiche.id), fiche.id_line)
    builder.fr(occupation, SKOS.prefLabel, fiche.title, fiche.title_line)

    _add_appellations(builder, iris, occupation, fiche)
    for rome in fiche.rome_codes:
        builder.add(occupation, MKG.romeFiche, iris.rome(rome.code), rome.line)
    if fiche.rome_absence is not None:
        builder.fr(occupation, MKG.romeAbsenceReason, fiche.rome_absence.reason, fiche.rome_absence.line)

    for order, section in enumerate(fiche.sections, start=1):
        add_section(builder, iris, occupation, occupation, section, (order,))

    _add_salary(builder, iris, occupation, fiche)
    if fiche.access_level is not None:
        add_access_level(
            builder,
            iris,
            occupation,
            fiche.access_level.label,
            fiche.access_level.years_after_bac,
            fiche.access_level.line,
        )

    _add_formations_statuses_interests(builder, iris, occupation, fiche)
    return builder.result()


def _add_appellations(builder: GraphBuilder, iris: Iris, occupation: URIRef, fiche: Fiche) -> None:
    """The fiche's gendered appellation and its other appellations, as SKOS-XL labels and plain altLabels."""
    if fiche.appellation is not None:
        _add_gendered(builder, iris, occupation, occupation, fiche.appellation, fiche.title)
    for other in fiche.other_appellations:
        label_iri = iris.appellation(occupation, other.label)
        builder.add(occupation, MKG.appellation, label_iri, other.line)
        builder.add(label_iri, RDF.type, MKG.Appellation, other.line)
        builder.fr(label_iri, SKOSXL.literalForm, other.label, other.line)
        if other.label != fiche.title:
            builder.fr(occupation, SKOS.altLabel, other.label, other.line)
        if other.forms is not None:
            for form_iri in _add_gendered(builder, iris, occupation, label_iri, other.forms, fiche.title):
                builder.add(form_iri, MKG.otherAppellationOf, label_iri, other.forms.line)


def _add_salary(builder: GraphBuilder, iris: Iris, occupation: URIRef, fiche: Fiche) -> None:
    """The salary note and the starting salary as a schema:MonetaryAmount."""
    if fiche.salary_text:
        line = fiche.salary.line if fiche.salary else None
        builder.fr(occupation, MKG.salaryNote, fiche.salary_text, line)
    if fiche.salary is not None:
        salary = iris.salary(occupation)
        line = fiche.salary.line
        builder.add(occupation, MKG.startingSalary, salary, line)
        builder.locate(salary, line)
        builder.add(salary, RDF.type, SCHEMA.MonetaryAmount, line)
        builder.add(salary, SCHEMA.value, Literal(str(fiche.salary.amount), datatype=XSD.decimal), line)
        builder.add(salary, SCHEMA.currency, Literal(fiche.salary.currency), line)
        builder.add(salary, SCHEMA.unitText, Literal(fiche.salary.period.upper()), line)
        if fiche.salary.gross is not None:
            builder.add(salary, MKG.grossSalary, boolean(fiche.salary.gross), line)
        max_amount = getattr(fiche.salary, "max_amount", None)
        if max_amount is not None:
            builder.add(salary, SCHEMA.maxValue, Literal(str(max_amount), datatype=XSD.decimal), line)
            builder.add(salary, SCHEMA.minValue, Literal(str(fiche.salary.amount), datatype=XSD.decimal), line)


def _add_formations_statuses_interests(builder: GraphBuilder, iris: Iris, occupation: URIRef, fiche: Fiche) -> None:
    """The formations it recommends, its employment statuses and centres of interest, each a shared concept."""
    for formation in fiche.formations:
        formation_iri = iris.formation(formation.id)
        builder.add(occupation, MKG.recommendedFormation, formation_iri, formation.line)
        builder.locate(formation_iri, formation.line)
        builder.add(formation_iri, RDF.type, MKG.Formation, formation.line)
        builder.add(formation_iri, MKG.identifier, Literal(formation.id), formation.line)
        builder.fr(formation_iri, SKOS.prefLabel, formation.label, formation.line)

    for status in fiche.statuses:
        status_iri = iris.status(status.label)
        builder.add(occupation, MKG.employmentStatus, status_iri, status.line)
        builder.add(status_iri, RDF.type, MKG.EmploymentStatus, status.line)
        builder.fr(status_iri, SKOS.prefLabel, status.label, status.line)
    for interest in fiche.interests:
        interest_iri = iris.interest(interest.label)
        builder.add(occupation, MKG.interest, interest_iri, interest.line)
        builder.add(interest_iri, RDF.type, MKG.Interest, interest.line)
        builder.fr(interest_iri, SKOS.prefLabel, interest.label, interest.line)


def _add_gendered(
    builder: GraphBuilder, iris: Iris, occupation: URIRef, owner: URIRef, forms: GenderedLabel, title: str
) -> list[URIRef]:
    """Each gendered form becomes a SKOS-XL label, and a plain skos:altLabel for simple queries.

    Forms are alternative labels: SKOS allows one prefLabel per language (the title), and
    forbids an altLabel equal to it, so a form identical to the title is not repeated.
    """
    made = []
    for gender, text in (("feminin", forms.feminine), ("masculin", forms.masculine)):
        if not text:
            continue
        label_iri = iris.appellation(owner, text, gender)
        builder.add(occupation, MKG.appellation, label_iri, forms.line)
        builder.add(label_iri, RDF.type, MKG.Appellation, forms.line)
        builder.fr(label_iri, SKOSXL.literalForm, text, forms.line)
        builder.add(label_iri, MKG.gender, MKG.feminine if gender == "feminin" else MKG.masculine, forms.line)
        if text != title:
            builder.fr(occupation, SKOS.altLabel, text, forms.line)
        made.append(label_iri)
    return made


def add_section(
    builder: GraphBuilder, iris: Iris, occupation: URIRef, parent: URIRef, section: Section, path: tuple[int, ...]
) -> None:
    section_iri = iris.section(occupation, path)
    builder.add(parent, MKG.section, section_iri, section.line)
    builder.locate(section_iri, section.line)
    builder.add(section_iri, RDF.type, MKG.Section, section.line)
    builder.fr(section_iri, SKOS.prefLabel, section.title, section.line)
    builder.add(section_iri, MKG.order, integer(path[-1]), section.line)
    builder.add(section_iri, MKG.headingLevel, integer(section.level), section.line)
    builder.fr(section_iri, RDF.value, section.text, section.line)
    _add_list(builder, iris, section_iri, section)
    for order, child in enumerate(section.subsections, start=1):
        add_section(builder, iris, occupation, section_iri, child, path + (order,))


def _add_list(builder: GraphBuilder, iris: Iris, section_iri: URIRef, section: Section) -> None:
    """A section's bullets as a schema.org ItemList: one ``schema:ListItem`` per entry, with its
    ``schema:position`` (from 1) and its text as ``schema:name`` (queryable without rdf:List walking)."""
    if not section.items:
        return
    builder.add(section_iri, RDF.type, SCHEMA.ItemList, section.line)
    builder.add(section_iri, SCHEMA.numberOfItems, integer(len(section.items)), section.line)
    for position, item in enumerate(section.items, start=1):
        item_iri = iris.list_item(section_iri, position)
        builder.add(section_iri, SCHEMA.itemListElement, item_iri, item.line)
        builder.locate(item_iri, item.line)
        builder.add(item_iri, RDF.type, SCHEMA.ListItem, item.line)
        builder.add(item_iri, SCHEMA.position, integer(position), item.line)
        builder.fr(item_iri, SCHEMA.name, item.label, item.line)
