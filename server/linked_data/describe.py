"""What a dereferenced IRI's page shows: the page model made from the triples of its description.

The description is one SPARQL CONSTRUCT (:mod:`server.linked_data.description_query` says what it
holds and why). The page model (:class:`ResourcePage`) is plain data: ``server/templates`` render it, and
``href`` for each IRI comes from a callback, so this module knows nothing of HTTP.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import cast

import pyoxigraph as ox

from kg.core.vocab import MKG, OWL, PREFIXES, RDF, RDFS, SCHEMA, SSSOM
from kg.publish.dataset import sort_triples
from kg.publish.void_stats import link_targets
from server.linked_data.description_query import INCOMING_LIMIT, LABEL_PREDICATES
from server.linked_data.page_labels import FEATURED_INCOMING, INVERSES, LABELS, PLAIN_DATATYPES, inverse_label
from server.linked_data.rome_view import FICHE_SHOWN, QUALIFIED, USES, FicheView, Usage, rome_views

TYPE, SECTION, ORDER, VALUE = str(RDF.type), str(MKG.section), str(MKG.order), str(RDF.value)
LIST_ITEM, POSITION = str(SCHEMA.itemListElement), str(SCHEMA.position)
BULLET = re.compile(r"^[-*•]\s+")  # how a list entry is marked in a section's text
LANGUAGES = ("fr", "", "en")  # preferred order of label languages

Linker = Callable[[str], str | None]  # IRI → href on this server (or None: link to the IRI itself)
# An object in a description: a triple term too (RDF 1.2 ``<<( s p o )>>``, written through SPARQL Update).
Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def curie(iri: str) -> str | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def node_text(node: Node) -> str:
    """A literal's lexical form, an IRI, a blank node's id, or a triple term as Turtle 1.2 writes it."""
    return f"<<( {node} )>>" if isinstance(node, ox.Triple) else node.value


def local_name(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1] or iri


@dataclass(frozen=True)
class Term:
    """A node as shown on a page: text, and for an IRI where it leads."""

    text: str
    iri: str | None = None
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Row:
    predicate: Term
    values: tuple[Term, ...]


@dataclass(frozen=True)
class Block:
    """A paragraph of a section's text, or a run of its list entries (``items``)."""

    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    iri: str
    href: str
    title: str
    blocks: tuple[Block, ...]
    children: tuple[Section, ...]


@dataclass(frozen=True)
class Part:
    term: Term
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class MappingRow:
    """One mapping node (SSSOM axiom) read as a sentence: subject, relation, target, and why."""

    subject: Term
    relation: Term
    negated: bool
    target: Term
    confidence: str
    justification: Term | None
    reason: str


@dataclass(frozen=True)
class ResourcePage:
    iri: str
    label: str
    types: tuple[Term, ...]
    rows: tuple[Row, ...]
    alignments: tuple[Row, ...]
    sections: tuple[Section, ...]
    parts: tuple[Part, ...]
    incoming: tuple[Row, ...]
    incoming_truncated: bool
    featured: tuple[Row, ...] = ()  # incoming links a reader came for, under their inverse label
    mappings: tuple[MappingRow, ...] = ()
    rome_fiche: FicheView | None = (
        None  # a ROME fiche as France Travail's fiche shows it (server.linked_data.rome_view)
    )
    rome_usage: Usage | None = None  # the ROME fiches that use a ROME item


class Graph:
    """Index over a description's triples: objects by (subject, predicate), labels, subjects by object."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = sort_triples(set(triples))  # a CONSTRUCT may yield a triple twice
        self.out: dict[str, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in self.triples:
            # RDF 1.2 puts triple terms in objects only: pyoxigraph's subject type allows one that it refuses
            subject = cast(ox.NamedNode | ox.BlankNode, t.subject).value
            self.out[subject][t.predicate.value].append(t.object)
            if isinstance(t.object, ox.NamedNode):
                self.into[t.object.value][t.predicate.value].append(subject)

    def literals(self, subject: str, predicate: str) -> list[ox.Literal]:
        return [o for o in self.out.get(subject, {}).get(predicate, []) if isinstance(o, ox.Literal)]

    def label(self, iri: str) -> str | None:
        """A French label first, then one without language, then English, then any."""
        for predicate in LABEL_PREDICATES:
            found = self.literals(iri, predicate)
            for lang in LANGUAGES:
                for literal in found:
                    if (literal.language or "") == lang:
                        return literal.value
            if found:
                return found[0].value
        return None

    def text_in(self, subject: str, predicate: str, lang: str) -> str | None:
        return next((lit.value for lit in self.literals(subject, predicate) if lit.language == lang), None)


class PageBuilder:
    """Turns a description into the page model, linking IRIs through ``linker``."""

    def __init__(self, graph: Graph, linker: Linker) -> None:
        self.graph = graph
        self.linker = linker

    def term(self, node: object) -> Term:
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype is not None else None
            shown = None if datatype is None or datatype in PLAIN_DATATYPES else (curie(datatype) or datatype)
            return Term(node.value, lang=node.language, datatype=shown)
        if isinstance(node, ox.Triple):  # plain text: no IRI to link to
            return Term(node_text(node))
        iri = node.value if isinstance(node, ox.NamedNode) else str(node)
        return self.iri_term(iri)

    def iri_term(self, iri: str, text: str | None = None) -> Term:
        text = text or self.graph.label(iri) or LABELS.get(iri) or curie(iri) or iri
        return Term(text, iri=iri, href=self.linker(iri) or iri)

    def rows(
        self, subject: str, skip: frozenset[str] = frozenset(), shown: frozenset[str] = frozenset()
    ) -> tuple[Row, ...]:
        """A row per predicate, values in order and once each; ``shown`` IRIs are left out (already on the page)."""
        found = self.graph.out.get(subject, {})
        rows = []
        for p, values in found.items():
            terms = tuple(
                dict.fromkeys(self.term(o) for o in values if not (isinstance(o, ox.NamedNode) and o.value in shown))
            )
            if p not in skip and terms:
                rows.append(Row(self.iri_term(p), terms))
        return tuple(sorted(rows, key=lambda r: (r.predicate.text.lower(), r.predicate.iri or "")))

    def mapping(self, node: str) -> MappingRow | None:
        """The mapping node as one table row, or None when it lacks a subject, relation or target."""
        out = self.graph.out.get(node, {})
        first = {p: values[0] for p, values in out.items() if values}
        source, relation, target = (
            first.get(str(p)) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
        )
        if source is None or relation is None or target is None:
            return None
        justification = first.get(str(SSSOM.mapping_justification))
        confidence = first.get(str(SSSOM.confidence))
        comments = self.graph.literals(node, str(RDFS.comment))
        modifier = first.get(str(SSSOM.predicate_modifier))
        return MappingRow(
            self.term(source),
            self.term(relation),
            modifier is not None and node_text(modifier) == "Not",
            self.term(target),
            node_text(confidence) if confidence is not None else "",
            self.term(justification) if justification is not None else None,
            comments[0].value if comments else "",
        )

    def section(self, iri: str, seen: set[str]) -> Section:
        seen.add(iri)
        text = "\n\n".join(lit.value for lit in self.graph.literals(iri, VALUE))
        items = sorted(
            (o.value for o in self.graph.out.get(iri, {}).get(LIST_ITEM, []) if isinstance(o, ox.NamedNode)),
            key=lambda item: self.order(item, POSITION),
        )
        seen.update(items)
        blocks = text_blocks(text, [self.graph.label(item) or "" for item in items])
        children = self.sections_of(iri, seen)
        return Section(iri, self.linker(iri) or iri, self.graph.label(iri) or local_name(iri), blocks, children)

    def sections_of(self, iri: str, seen: set[str]) -> tuple[Section, ...]:
        nodes = [o.value for o in self.graph.out.get(iri, {}).get(SECTION, []) if isinstance(o, ox.NamedNode)]
        return tuple(self.section(n, seen) for n in sorted(nodes, key=self.order) if n not in seen)

    def order(self, iri: str, predicate: str = ORDER) -> tuple[int, str]:
        orders = self.graph.literals(iri, predicate)
        return (int(orders[0].value) if orders and orders[0].value.lstrip("-").isdigit() else 1 << 30, iri)


def text_blocks(text: str, items: list[str]) -> tuple[Block, ...]:
    """Paragraphs of ``text``, where the lines that are the section's list entries (in order, with
    their bullet) become one list block per run, so the page shows the source's lists as lists."""
    blocks: list[Block] = []
    pending = list(items)
    for paragraph in text.split("\n\n"):
        run: list[tuple[bool, str]] = []  # (is an entry, text), grouped below
        for line in paragraph.strip().split("\n"):
            entry = BULLET.sub("", line, count=1).strip()
            if pending and BULLET.match(line) and entry == pending[0]:
                run.append((True, pending.pop(0)))
            elif line.strip():
                run.append((False, line))
        for is_entry, group in groupby(run, key=lambda pair: pair[0]):
            texts = tuple(t for _, t in group)
            blocks.append(Block(items=texts) if is_entry else Block(text="\n".join(texts)))
    return tuple(blocks)


def parts_of(graph: Graph, iri: str) -> set[str]:
    """IRIs under ``<iri>/`` that ``<iri>`` links to, directly or through another such part."""
    prefix = iri + "/"

    def linked_parts(subject: str) -> set[str]:
        return {
            o.value
            for values in graph.out.get(subject, {}).values()
            for o in values
            if isinstance(o, ox.NamedNode) and o.value.startswith(prefix)
        }

    first = linked_parts(iri)
    return first | {p for mid in first for p in linked_parts(mid)}


def resource_page(
    iri: str, triples: Iterable[ox.Triple], linker: Linker, base_iri: str, incoming_limit: int = INCOMING_LIMIT
) -> ResourcePage:
    """The page model of a description (see the module docstring for what it holds)."""
    graph = Graph(triples)
    build = PageBuilder(graph, linker)
    types = tuple(build.term(o) for o in graph.out.get(iri, {}).get(TYPE, []))
    seen: set[str] = set()
    sections = build.sections_of(iri, seen)
    parts = parts_of(graph, iri)
    shown_parts = tuple(Part(build.iri_term(s), build.rows(s)) for s in sorted(parts - seen))
    alignments = _alignments(build, iri, base_iri)
    mapping_nodes = sorted(
        n
        for n, o in graph.out.items()
        if str(MKG.Mapping) in {t.value for t in o.get(TYPE, []) if isinstance(t, ox.NamedNode)} and n != iri
    )
    mappings = tuple(m for m in (build.mapping(n) for n in mapping_nodes) if m is not None)
    fiche, usage = rome_views(graph, build, iri)
    shown_elsewhere = (FICHE_SHOWN if fiche else frozenset()) | (frozenset(USES) if usage else frozenset())
    featured, incoming_rows = _incoming(build, iri, parts | {iri} | set(mapping_nodes), shown_elsewhere)
    return ResourcePage(
        iri=iri,
        label=graph.label(iri) or local_name(iri),
        types=types,
        rows=build.rows(
            iri,
            frozenset({TYPE, SECTION}) | (FICHE_SHOWN if fiche else frozenset()),
            frozenset(v.iri for r in alignments for v in r.values if v.iri),
        ),
        alignments=alignments,
        sections=sections,
        parts=shown_parts,
        incoming=incoming_rows,
        incoming_truncated=sum(len(set(s)) for s in graph.into.get(iri, {}).values()) >= incoming_limit,
        featured=featured,
        mappings=mappings,
        rome_fiche=fiche,
        rome_usage=usage,
    )


def _alignments(build: PageBuilder, iri: str, base_iri: str) -> tuple[Row, ...]:
    """The values of ``<iri>`` in the namespaces of the datasets it links to (ROME's own structure is no link)."""
    targets = [
        ns
        for target in link_targets(base_iri)
        for ns in target.namespaces
        if not iri.startswith(ns) and not ns.startswith(iri + "/")
    ]
    linked = (
        (r.predicate, tuple(v for v in r.values if v.iri and any(map(v.iri.startswith, targets))))
        for r in build.rows(iri)
    )
    return tuple(Row(predicate, values) for predicate, values in linked if values)


def _incoming(
    build: PageBuilder, iri: str, hidden: set[str], shown_elsewhere: frozenset[str]
) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """Who links here, by predicate (the featured ones apart), less what the page already shows."""
    out = build.graph.out.get(iri, {})
    qualified = {n for n, o in build.graph.out.items() if QUALIFIED & {node_text(t) for t in o.get(TYPE, [])}}
    featured: list[Row] = []
    others: list[Row] = []
    for predicate, subjects in sorted(build.graph.into.get(iri, {}).items()):
        if predicate in shown_elsewhere:
            continue
        said = {o.value for o in out.get(INVERSES.get(predicate, ""), []) if isinstance(o, ox.NamedNode)}
        outside = sorted(set(subjects) - hidden - said - qualified)
        if outside:
            label = inverse_label(predicate, build.iri_term(predicate).text)
            row = Row(build.iri_term(predicate, label), tuple(build.iri_term(s) for s in outside))
            (featured if predicate in FEATURED_INCOMING else others).append(row)
    return tuple(featured), tuple(others)
