"""What the alignment needs to know of one mapped document, read back from its triples.

Alignment crosses documents (a fiche and an emploi-type sharing a ROME code, a testimony
naming a formation of a fiche), while the build maps documents in parallel batches. So each
worker reduces its documents to a small, picklable ``Digest`` (labels, ROME codes,
formations, mentions) and the parent aligns the digests of the whole corpus. Reading the
digest from the mapped triples rather than from the parser's dataclasses keeps one source of
truth for IRIs: whatever the mapping minted is what gets aligned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.core.graph import MappedGraph
from kg.core.vocab import DCTERMS, MKG, NIF, RDF, SKOS, SKOSXL

# The classes whose instances are aligned with ESCO, and how the report names them.
KINDS = {
    MKG.FicheMetier: "fiche",
    MKG.EmploiType: "emploi-type",
    MKG.Appellation: "appellation",
    MKG.SavoirFaire: "savoir-faire",
    MKG.Connaissance: "connaissance",
}
OCCUPATION_KINDS = ("fiche", "emploi-type", "appellation")
SKILL_KINDS = ("savoir-faire", "connaissance")


@dataclass(frozen=True)
class Subject:
    """An occupation, appellation or skill of the graph, with every label it carries."""

    iri: str
    kind: str
    label: str
    labels_fr: tuple[str, ...]
    labels_en: tuple[str, ...]
    rome: tuple[str, ...]  # ROME fiche IRIs
    owners: tuple[str, ...]  # for an appellation: the occupations that carry it
    document: str  # source file name, for reports
    line: int | None


@dataclass(frozen=True)
class Formation:
    iri: str
    identifier: str
    label: str


@dataclass(frozen=True)
class Mention:
    iri: str
    kind: str  # local name of the mention kind: occupationMention, diplomaMention…
    text: str
    start: int
    end: int
    line: int | None
    document: str
    linked: tuple[str, ...]  # what the document's own mapping already links it to (glossary terms)


@dataclass(frozen=True)
class NamedOccupation:
    """A métier a fiche formation names (``mkg:associatedOccupation``), to resolve to a fiche métier."""

    iri: str
    formation: str
    name: str


@dataclass(frozen=True)
class Digest:
    graph: str
    subjects: tuple[Subject, ...] = ()
    formations: tuple[Formation, ...] = ()
    mentions: tuple[Mention, ...] = ()
    glossary: tuple[tuple[str, str], ...] = field(default=())  # (term label, term IRI)
    named_occupations: tuple[NamedOccupation, ...] = ()


def digest(mapped: MappedGraph) -> Digest:
    """Reduce one mapped document to what alignment needs (sorted, so deterministic)."""
    by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in mapped.triples:
        by_subject[s][p].append(o)
    document = mapped.source.name if mapped.source else str(mapped.graph)
    owners: dict[str, list[str]] = defaultdict(list)
    for s, props in by_subject.items():
        for appellation in props.get(MKG.appellation, []):
            owners[str(appellation)].append(str(s))

    subjects, formations, mentions, glossary, named = [], [], [], [], []
    for s, props in sorted(by_subject.items()):
        for node in props.get(MKG.associatedOccupation, []):
            named.append(NamedOccupation(str(node), str(s), _first(by_subject.get(node, {}), SKOS.prefLabel)))
        types = set(props.get(RDF.type, []))
        line = mapped.line_of(str(s), None)
        for cls, kind in KINDS.items():
            if cls in types:
                subjects.append(_subject(str(s), kind, props, by_subject, owners, document, line))
        if MKG.Formation in types:
            formations.append(Formation(str(s), _first(props, MKG.identifier), _first(props, SKOS.prefLabel)))
        if MKG.Mention in types:
            kind_iri = _first(props, MKG.mentionKind)
            mentions.append(
                Mention(
                    str(s),
                    kind_iri.rsplit("#", 1)[-1],
                    _first(props, NIF.anchorOf),
                    int(_first(props, NIF.beginIndex)),
                    int(_first(props, NIF.endIndex)),
                    line,
                    document,
                    tuple(sorted(str(o) for o in props.get(DCTERMS.references, []))),
                )
            )
        if SKOS.Concept in types and "/glossaire/" in str(s):
            glossary.append((_first(props, SKOS.prefLabel), str(s)))
    return Digest(
        str(mapped.graph),
        tuple(subjects),
        tuple(formations),
        tuple(mentions),
        tuple(sorted(glossary)),
        tuple(sorted(named, key=lambda n: n.iri)),
    )


def _first(props: dict, predicate: URIRef) -> str:
    values = sorted(str(value) for value in props.get(predicate, []))
    return values[0] if values else ""


def _subject(
    iri: str, kind: str, props: dict, by_subject: dict, owners: dict[str, list[str]], document: str, line: int | None
) -> Subject:
    french: list[str] = []
    english: list[str] = []
    for predicate in (SKOS.prefLabel, SKOSXL.literalForm, SKOS.altLabel):
        for value in props.get(predicate, []):
            if isinstance(value, Literal):
                (english if value.language == "en" else french).append(str(value))
    # An occupation also answers to the literal forms of its SKOS-XL appellations.
    for appellation in props.get(MKG.appellation, []):
        french.extend(str(v) for v in by_subject.get(appellation, {}).get(SKOSXL.literalForm, []))
    label = _first(props, SKOS.prefLabel) or _first(props, SKOSXL.literalForm)
    return Subject(
        iri=iri,
        kind=kind,
        label=label,
        labels_fr=tuple(sorted(set(french))),
        labels_en=tuple(sorted(set(english))),
        rome=tuple(sorted(str(r) for r in props.get(MKG.romeFiche, []))),
        owners=tuple(sorted(owners.get(iri, []))),
        document=document,
        line=line,
    )
