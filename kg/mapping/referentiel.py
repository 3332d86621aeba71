"""OPIIEC référentiel → triples: families, sub-families, emploi-types, skills, passerelles, glossary."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from kg.core.graph import GraphBuilder, MappedGraph, boolean, integer
from kg.core.text import key
from kg.core.vocab import DCTERMS, ESCO, MKG, RDF, SKOS, SKOSXL
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris, slugify
from kg.mapping.levels import add_access_level
from kg.sources.referentiel import EmploiType, Passerelle, Referentiel

ESCO_SKILL_TYPE = URIRef("http://data.europa.eu/esco/skill-type/skill")
ESCO_KNOWLEDGE_TYPE = URIRef("http://data.europa.eu/esco/skill-type/knowledge")


def to_graph(ref: Referentiel, iris: Iris) -> MappedGraph:
    scheme = iris.referentiel(ref.title)
    builder = GraphBuilder(iris.graph("referentiel", slugify(ref.title)), ref.source.path)
    add_provenance(builder, ref.source, iris)
    builder.locate(scheme, ref.title_line)
    builder.add(scheme, RDF.type, MKG.Referentiel, ref.title_line)
    builder.add(scheme, RDF.type, SKOS.ConceptScheme, ref.title_line)
    builder.fr(scheme, DCTERMS.title, ref.title, ref.title_line)
    builder.fr(scheme, SKOS.prefLabel, ref.title, ref.title_line)

    for order, family in enumerate(ref.families, start=1):
        family_iri = iris.famille(family.label)
        builder.locate(family_iri, family.line)
        builder.add(family_iri, RDF.type, MKG.Famille, family.line)
        builder.fr(family_iri, SKOS.prefLabel, family.label, family.line)
        builder.add(family_iri, SKOS.inScheme, scheme)
        builder.add(family_iri, SKOS.topConceptOf, scheme)
        builder.add(scheme, SKOS.hasTopConcept, family_iri)
        builder.add(family_iri, MKG.order, integer(family.sommaire_number or order))
    for sub in ref.sub_families:
        _add_sub_family(builder, iris, scheme, sub.family, sub.label, sub.line)

    labelled: dict[URIRef, str] = {}
    groups = passerelle_groups(ref, iris)
    for order, emploi_type in enumerate(ref.emploi_types, start=1):
        _add_emploi_type(builder, iris, scheme, emploi_type, order, labelled, groups)

    for row in ref.appellation_table:
        if row.emploi_type is None:
            continue
        owner = iris.emploi_type(row.emploi_type)
        _add_appellation(builder, iris, owner, row.appellation, row.line, row.emploi_type)

    if ref.glossary:
        glossary = iris.glossary(scheme)
        builder.add(scheme, MKG.glossary, glossary)
        builder.add(glossary, RDF.type, SKOS.ConceptScheme)
        builder.add(glossary, SKOS.prefLabel, Literal(f"Glossaire — {ref.title}", lang="fr"))
        for entry in ref.glossary:
            term = iris.glossary_term(scheme, entry.term)
            builder.locate(term, entry.line)
            builder.add(term, RDF.type, SKOS.Concept, entry.line)
            builder.fr(term, SKOS.prefLabel, entry.term, entry.line)
            builder.fr(term, SKOS.definition, entry.definition, entry.line)
            builder.add(term, SKOS.inScheme, glossary)
    return builder.result()


def _add_sub_family(
    builder: GraphBuilder, iris: Iris, scheme: URIRef, family: str, label: str | None, line: int | None
) -> URIRef:
    """A sub-family; ``label=None`` makes the implicit one of a family that names none."""
    sub_iri = iris.sous_famille(family, label)
    builder.locate(sub_iri, line)
    builder.add(sub_iri, RDF.type, MKG.SousFamille, line)
    builder.fr(sub_iri, SKOS.prefLabel, label or f"{family} — sous-famille non précisée", line)
    builder.add(sub_iri, MKG.family, iris.famille(family), line)
    builder.add(sub_iri, SKOS.inScheme, scheme)
    builder.add(sub_iri, MKG.implicit, boolean(label is None))
    return sub_iri


def _add_emploi_type(
    builder: GraphBuilder,
    iris: Iris,
    scheme: URIRef,
    et: EmploiType,
    order: int,
    labelled: dict[URIRef, str],
    groups: dict[str, URIRef],
) -> None:
    subject = iris.emploi_type(et.name)
    line = et.line
    builder.locate(subject, line)
    builder.add(subject, RDF.type, MKG.EmploiType, line)
    builder.fr(subject, SKOS.prefLabel, et.name, line)
    builder.add(subject, SKOS.inScheme, scheme)
    builder.add(subject, MKG.order, integer(order))
    builder.add(subject, MKG.family, iris.famille(et.family), line)
    sub_family = _add_sub_family(builder, iris, scheme, et.family, et.sub_family, None if et.sub_family else line)
    builder.add(subject, MKG.subFamily, sub_family, line)
    if et.heading_recovered:
        builder.add(subject, MKG.headingRecovered, boolean(True), line)
    if et.truncated:
        builder.add(subject, MKG.truncated, boolean(True), line)

    _add_texts(builder, iris, subject, et)
    _add_skills(builder, iris, subject, et, labelled)
    _add_paragraphs(builder, subject, et)
    _add_prerequisite(builder, iris, subject, et)
    _add_paths(builder, iris, subject, et, groups)


def _add_texts(builder: GraphBuilder, iris: Iris, subject: URIRef, et: EmploiType) -> None:
    """The emploi-type's other names, activities and definition."""
    for item in et.other_appellations:
        _add_appellation(builder, iris, subject, item.text, item.line, et.name)
    for item in et.english_appellations:
        builder.add(subject, SKOS.altLabel, Literal(item.text, lang="en"), item.line)
    for item in et.main_activities:
        builder.fr(subject, MKG.mainActivity, item.text, item.line)
    for item in et.specific_activities:
        builder.fr(subject, MKG.specificActivity, item.text, item.line)
    if et.description is not None:
        builder.fr(subject, SKOS.definition, et.description.text, et.description.line)


def _add_skills(
    builder: GraphBuilder, iris: Iris, subject: URIRef, et: EmploiType, labelled: dict[URIRef, str]
) -> None:
    """Its savoir-faire and connaissances, each a skill concept of its own."""
    for item in et.savoir_faire:
        _add_skill(
            builder, subject, iris.skill(item.text), MKG.SavoirFaire, ESCO_SKILL_TYPE, item.text, item.line, labelled
        )
    for item in et.connaissances:
        _add_skill(
            builder,
            subject,
            iris.knowledge(item.text),
            MKG.Connaissance,
            ESCO_KNOWLEDGE_TYPE,
            item.text,
            item.line,
            labelled,
        )


def _add_paragraphs(builder: GraphBuilder, subject: URIRef, et: EmploiType) -> None:
    """Its variability and the paragraphs on its relations, workplace and career."""
    for variability in et.variability:
        builder.fr(subject, MKG.variability, f"{variability.aspect} : {variability.text}", variability.line)
    for prop, paragraph in (
        (MKG.externalRelations, et.external_relations),
        (MKG.internalRelations, et.internal_relations),
        (MKG.workplace, et.workplace),
        (MKG.careerPath, et.career_path),
    ):
        if paragraph is not None:
            builder.fr(subject, prop, paragraph.text, paragraph.line)


def _add_prerequisite(builder: GraphBuilder, iris: Iris, subject: URIRef, et: EmploiType) -> None:
    """What it asks of a newcomer: the text, the access level and the years of experience."""
    if et.prerequisite is not None:
        pre = et.prerequisite
        builder.fr(subject, MKG.prerequisite, pre.text, pre.line)
        if pre.years_after_bac is not None:
            add_access_level(builder, iris, subject, pre.level or "", pre.years_after_bac, pre.line)
        if pre.experience_min_years is not None:
            builder.add(subject, MKG.experienceMinYears, integer(pre.experience_min_years), pre.line)
        if pre.experience_max_years is not None:
            builder.add(subject, MKG.experienceMaxYears, integer(pre.experience_max_years), pre.line)


def _add_paths(builder: GraphBuilder, iris: Iris, subject: URIRef, et: EmploiType, groups: dict[str, URIRef]) -> None:
    """How one gets there and where one goes: formations, certifications, passerelles, ROME codes."""
    for item in et.formations:
        builder.fr(subject, MKG.trainingPath, item.text, item.line)
    for item in et.certifications:
        builder.fr(subject, MKG.certification, item.text, item.line)
    for passerelle in et.origins:
        _add_passerelle(builder, iris, subject, passerelle, MKG.possibleOrigin, MKG.unresolvedOrigin, "origine", groups)
    for passerelle in et.evolutions:
        _add_passerelle(
            builder, iris, subject, passerelle, MKG.possibleEvolution, MKG.unresolvedEvolution, "evolution", groups
        )
    for rome in et.rome_codes:
        builder.add(subject, MKG.romeFiche, iris.rome(rome.code), rome.line)
    if et.rome_absence is not None:
        builder.fr(subject, MKG.romeAbsenceReason, et.rome_absence.reason, et.rome_absence.line)


def _add_appellation(builder: GraphBuilder, iris: Iris, owner: URIRef, label: str, line: int, preferred: str) -> None:
    appellation = iris.appellation(owner, label)
    builder.add(owner, MKG.appellation, appellation, line)
    builder.locate(appellation, line)
    builder.add(appellation, RDF.type, MKG.Appellation, line)
    builder.fr(appellation, SKOSXL.literalForm, label, line)
    if label != preferred:
        builder.fr(owner, SKOS.altLabel, label, line)


def _add_skill(
    builder: GraphBuilder,
    owner: URIRef,
    skill: URIRef,
    skill_class: URIRef,
    skill_type: URIRef,
    text: str,
    line: int,
    labelled: dict[URIRef, str],
) -> None:
    """One concept per phrase: the first wording is its label, later variants are alternative labels."""
    builder.add(owner, MKG.requiredSkill, skill, line)
    builder.locate(skill, line)
    builder.add(skill, RDF.type, skill_class, line)
    builder.add(skill, ESCO.skillType, skill_type)
    first = labelled.setdefault(skill, text.strip())
    builder.fr(skill, SKOS.prefLabel if first == text.strip() else SKOS.altLabel, text, line)


def _add_passerelle(
    builder: GraphBuilder,
    iris: Iris,
    subject: URIRef,
    passerelle: Passerelle,
    resolved: URIRef,
    unresolved: URIRef,
    relation: str,
    groups: dict[str, URIRef],
) -> None:
    """A resolved passerelle links emploi-types; any other is kept as a labelled mention with its line.

    A passerelle that names a family or sous-famille of the référentiel ("Famille : Conseil",
    "Management") points at that group too (``mkg:refersToGroup``): the whole group is the
    origin or evolution. Only what names nothing of the graph stays unresolved.
    """
    if passerelle.target is not None:
        builder.add(subject, resolved, iris.emploi_type(passerelle.target), passerelle.line)
        return
    mention = iris.unresolved(subject, relation, passerelle.label)
    builder.add(subject, unresolved, mention, passerelle.line)
    builder.locate(mention, passerelle.line)
    builder.add(mention, RDF.type, MKG.UnresolvedMention, passerelle.line)
    builder.fr(mention, SKOS.prefLabel, passerelle.label, passerelle.line)
    builder.add(mention, MKG.sourceLine, integer(passerelle.line))
    group = groups.get(group_key(passerelle.label))
    if group is not None:
        builder.add(mention, MKG.refersToGroup, group, passerelle.line)


_GROUP_PREFIX = re.compile(r"^\s*(?:sous[\s-]*)?famille\s*:?\s*", re.IGNORECASE)


def group_key(label: str) -> str:
    """ "Sous-famille : méthodes outils et qualité" and "Méthodes, outils et qualité" have one key."""
    return key(_GROUP_PREFIX.sub("", label))


def passerelle_groups(ref: Referentiel, iris: Iris) -> dict[str, URIRef]:
    """Key of every family and named sous-famille label → its IRI (a sous-famille wins a tie)."""
    groups = {group_key(family.label): iris.famille(family.label) for family in ref.families}
    for sub in ref.sub_families:
        groups[group_key(sub.label)] = iris.sous_famille(sub.family, sub.label)
    return groups
