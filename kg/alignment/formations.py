"""The métiers a fiche formation names → the fiches métiers of the corpus with that name.

A name is resolved when, folded (case, accents, punctuation: ``kg.sources.common.fold``), it
is the title of exactly one fiche métier, or else one of the appellations of exactly one;
the formation then ``mkg:leadsTo`` the fiche and the name ``dcterms:references`` it. Any
other name (no fiche of that name in the corpus, or several) stays an
``mkg:UnresolvedMention`` with its label and the line the fiche formation gives it on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal, URIRef

from kg.alignment.digest import Digest, Subject
from kg.core.graph import GraphBuilder, MappedGraph
from kg.core.text import fold
from kg.core.vocab import DCTERMS, MKG, RDF, SKOS
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris


def _index(fiches: Iterable[Subject]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    titles: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    for fiche in fiches:
        titles[fold(fiche.label)].add(fiche.iri)
        for label in fiche.labels_fr:
            labels[fold(label)].add(fiche.iri)
    return titles, labels


def resolve(name: str, titles: dict[str, set[str]], labels: dict[str, set[str]]) -> str | None:
    """The one fiche métier this name designates, or None."""
    key = fold(name)
    for index in (titles, labels):
        found = index.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            return None  # ambiguous: several fiches answer to this name
    return None


def formation_links(digests: list[Digest], iris: Iris) -> MappedGraph:
    """``<base>graph/formations-metiers``: resolved names, and the unresolved ones as mentions."""
    titles, labels = _index(s for d in digests for s in d.subjects if s.kind == "fiche")
    builder = GraphBuilder(iris.graph("formations-metiers"))
    add_provenance(builder, None, iris)
    for named in sorted((n for d in digests for n in d.named_occupations), key=lambda n: n.iri):
        node, fiche = URIRef(named.iri), resolve(named.name, titles, labels)
        if fiche is None:
            builder.add(node, RDF.type, MKG.UnresolvedMention)
            builder.add(node, SKOS.prefLabel, Literal(named.name, lang="fr"))  # the shape checks this graph alone
        else:
            builder.add(node, DCTERMS.references, URIRef(fiche))
            builder.add(URIRef(named.formation), MKG.leadsTo, URIRef(fiche))
    return builder.result()
