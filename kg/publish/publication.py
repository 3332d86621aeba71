"""What the dataset's description is made of: the publication (where, which version, which dump files),
the formats of its files, and the collector of its triples, shared by its VoID and DCAT-AP parts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg import __version__
from kg.core.vocab import DCAT, FOAF, PREFIXES, SPDX, VOID, XSD

DESCRIPTION_PREFIXES = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "foaf": str(FOAF), "spdx": str(SPDX)}


@dataclass(frozen=True)
class FormatInfo:
    media_type: str
    eu_file_type: str
    feature: str | None  # W3C format IRI name (void:feature); None for non-RDF files
    title: str


FORMAT_INFO = {
    "nquads": FormatInfo("application/n-quads", "RDF_N_QUADS", "N-Quads", "N-Quads"),
    "trig": FormatInfo("application/trig", "RDF_TRIG", "TriG", "TriG"),
    "turtle": FormatInfo("text/turtle", "RDF_TURTLE", "Turtle", "Turtle"),
    "sssom": FormatInfo(
        "text/tab-separated-values", "TSV", None, "Correspondances ROME/ESCO/ISCO-08 au format SSSOM TSV"
    ),
}


@dataclass(frozen=True)
class Distribution:
    """One dump file, as the dataset description lists it."""

    name: str  # path under dumps/, '/'-separated
    format: str  # a FORMAT_INFO key
    graph: str | None  # the named graph it holds; None: the whole dataset
    size: int  # bytes, as downloaded (gzip)
    sha256: str


@dataclass(frozen=True)
class Publication:
    """What the store cannot tell: where things are published, the version, the dump files."""

    base_iri: str
    version: str
    distributions: tuple[Distribution, ...] = ()

    @property
    def dataset(self) -> str:
        return self.base_iri + "dataset"

    def part(self, name: str) -> str:
        """IRIs of the description's parts: fragments of the dataset IRI (one document holds all)."""
        return f"{self.dataset}#{name}"

    @property
    def endpoint(self) -> str:
        return self.base_iri + "sparql"

    @property
    def dumps(self) -> str:
        return self.base_iri + "dumps/"


def content_version(content_sha256: str) -> str:
    """The project's version plus a content hash (PEP 440 local label): same graph, same version."""
    return f"{__version__}+{content_sha256[:12]}"


def fragment(iri: str) -> str:
    """A readable, stable fragment name for a class or property: its prefixed name, else a hash."""
    for prefix, namespace in sorted(DESCRIPTION_PREFIXES.items()):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_-]+", local or "-"):
            return f"{prefix}-{local}"
    return "x-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


class Triples:
    """Collects the description's triples; literals typed or tagged as the vocabularies want."""

    def __init__(self) -> None:
        self.triples: set[ox.Triple] = set()

    def iri(self, s: str, p: str, o: str) -> None:
        self.triples.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)))

    def text(self, s: str, p: str, value: str, language: str | None = None) -> None:
        literal = ox.Literal(value, language=language) if language else ox.Literal(value)
        self.triples.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), literal))

    def typed(self, s: str, p: str, value: object, datatype: str) -> None:
        self.triples.add(
            ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(str(value), datatype=ox.NamedNode(XSD[datatype])))
        )

    def sorted(self) -> list[ox.Triple]:
        return sort_triples(self.triples)


def sort_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Unique and in a fixed order, so that every serialisation is deterministic."""
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
