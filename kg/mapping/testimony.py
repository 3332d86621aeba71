"""Testimony → triples: the article, its author, glossary and located mentions (NIF offsets)."""

from __future__ import annotations

from rdflib import Literal

from kg.core.graph import GraphBuilder, MappedGraph, boolean, integer
from kg.core.vocab import DCTERMS, MKG, NIF, RDF, SCHEMA, SKOS
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris, slugify
from kg.sources.testimony import Testimony

MENTION_KINDS = {
    "occupation": MKG.occupationMention,
    "organisation": MKG.organisationMention,
    "diploma": MKG.diplomaMention,
    "term": MKG.termMention,
}


def to_graph(doc: Testimony, iris: Iris) -> MappedGraph:
    article = iris.testimony(doc.title)
    builder = GraphBuilder(iris.graph("temoignage", slugify(doc.title)), doc.source.path)
    add_provenance(builder, doc.source, iris)
    first_line = doc.paragraphs[0].line if doc.paragraphs else 1
    builder.locate(article, first_line)
    builder.add(article, RDF.type, MKG.Testimony, first_line)
    builder.fr(article, DCTERMS.title, doc.title, first_line)
    builder.fr(article, SKOS.prefLabel, doc.title, first_line)
    builder.add(article, MKG.titleDerived, boolean(doc.title_derived))
    builder.add(article, SCHEMA.articleBody, Literal(doc.text, lang="fr"))
    builder.add(article, SCHEMA.inLanguage, Literal("fr"))
    for related in doc.related:
        builder.fr(article, MKG.relatedReading, related)

    if doc.author is not None:
        author = iris.author(article)
        builder.add(article, SCHEMA.author, author, doc.author.line)
        builder.locate(author, doc.author.line)
        builder.add(author, RDF.type, SCHEMA.Person, doc.author.line)
        builder.add(author, SCHEMA.name, Literal(doc.author.name), doc.author.line)
        builder.fr(author, MKG.authorAffiliation, doc.author.affiliation, doc.author.line)

    terms = {}
    if doc.glossary:
        glossary = iris.glossary(article)
        builder.add(article, MKG.glossary, glossary)
        builder.add(glossary, RDF.type, SKOS.ConceptScheme)
        builder.add(glossary, SKOS.prefLabel, Literal(f"Glossaire — {doc.title}", lang="fr"))
        for entry in doc.glossary:
            term = iris.glossary_term(article, entry.term)
            terms[entry.term] = term
            builder.locate(term, entry.line)
            builder.add(term, RDF.type, SKOS.Concept, entry.line)
            builder.fr(term, SKOS.prefLabel, entry.term, entry.line)
            builder.fr(term, SKOS.definition, entry.definition, entry.line)
            builder.add(term, SKOS.inScheme, glossary)
            builder.add(term, MKG.footnoteMarker, integer(entry.marker), entry.line)

    for mention in doc.mentions:
        node = iris.mention(article, mention.start, mention.end)
        builder.add(article, MKG.mention, node, mention.line)
        builder.locate(node, mention.line)
        builder.add(node, RDF.type, MKG.Mention, mention.line)
        builder.add(node, MKG.mentionKind, MENTION_KINDS[mention.kind], mention.line)
        builder.add(node, NIF.anchorOf, Literal(mention.text), mention.line)
        # xsd:integer, not NIF's xsd:nonNegativeInteger: Oxigraph stores every integer type as xsd:integer,
        # so that is what the store serves and the dumps hold; the shapes check that they are not negative.
        builder.add(node, NIF.beginIndex, integer(mention.start))
        builder.add(node, NIF.endIndex, integer(mention.end))
        builder.add(node, DCTERMS.isPartOf, article)
        builder.add(node, MKG.sourceLine, integer(mention.line))
        if mention.kind == "term" and mention.text in terms:
            builder.add(node, DCTERMS.references, terms[mention.text])
    return builder.result()
