"""Content negotiation for SPARQL results: Accept header (q-values, wildcards) or ``format=``.

``format`` (a short name such as ``csv`` or a media type) wins over Accept when it names a
representation of the query's form; otherwise it is ignored and Accept decides. It may be
repeated: SPARQLWrapper sends e.g. ``format=tsv&format=text/tab-separated-values``.

The media types we can produce depend on the query form, which is only known once the query
is parsed; so the request thread parses the Accept header up front into a :class:`Preferences`
value, and the query thread calls :meth:`Preferences.choose` with the offers for the form it
got. Ties between equally acceptable types go to the server's order (the first offer is the
default); aliases (``application/json``, ``application/xml``) are echoed back as the
Content-Type when they are what the client asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from server.http.errors import NotAcceptableError


class QueryForm(enum.Enum):
    """What a query returns, which decides the representations on offer."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE


@dataclass(frozen=True)
class Representation:
    """One media type we can answer with, and the pyoxigraph serialiser that produces it."""

    media_type: str
    format: ox.QueryResultsFormat | ox.RdfFormat
    names: tuple[str, ...] = ()  # short names accepted by the ``format`` parameter

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"  # every format we serve is UTF-8 text


RESULTS_OFFERS: tuple[Representation, ...] = (
    Representation("application/sparql-results+json", ox.QueryResultsFormat.JSON, ("json", "srj")),
    Representation("application/sparql-results+xml", ox.QueryResultsFormat.XML, ("xml", "srx")),
    Representation("text/csv", ox.QueryResultsFormat.CSV, ("csv",)),
    Representation("text/tab-separated-values", ox.QueryResultsFormat.TSV, ("tsv",)),
    Representation("application/json", ox.QueryResultsFormat.JSON),
    Representation("application/xml", ox.QueryResultsFormat.XML),
)
GRAPH_OFFERS: tuple[Representation, ...] = (
    Representation("text/turtle", ox.RdfFormat.TURTLE, ("turtle", "ttl")),
    Representation("application/n-triples", ox.RdfFormat.N_TRIPLES, ("ntriples", "n-triples", "nt")),
    Representation("application/ld+json", ox.RdfFormat.JSON_LD, ("jsonld", "json-ld", "json")),
    Representation("application/rdf+xml", ox.RdfFormat.RDF_XML, ("rdfxml", "rdf+xml", "rdf", "xml")),
)
OFFERS: dict[QueryForm, tuple[Representation, ...]] = {
    QueryForm.SOLUTIONS: RESULTS_OFFERS,
    QueryForm.BOOLEAN: RESULTS_OFFERS,
    QueryForm.GRAPH: GRAPH_OFFERS,
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range names ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 no match."""
        type_, _, subtype = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != type_:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header leniently: malformed elements are skipped, no header means ``*/*``."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for element in header.split(","):
        media, *params = (part.strip() for part in element.split(";"))
        type_, slash, subtype = media.lower().partition("/")
        if not slash or not type_ or not subtype or (type_ == "*" and subtype != "*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions
        ranges.append(MediaRange(type_, subtype, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives ``media_type``: that of the most specific range matching it (RFC 9110)."""
    best, best_specificity = 0.0, -1
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best_specificity:
            best, best_specificity = media_range.q, specificity
    return best


@dataclass(frozen=True)
class Preferences:
    """What the client will accept: its Accept header, and ``format`` values if it sent any."""

    accept: str | None = None
    formats: tuple[str, ...] = ()

    def choose(self, form: QueryForm) -> Representation:
        """The best representation for ``form``; raises NotAcceptableError when none will do."""
        offers = OFFERS[form]
        for value in self.formats:
            chosen = _by_format_name(value, offers)
            if chosen is not None:
                return chosen
        ranges = parse_accept(self.accept)
        best: Representation | None = None
        best_q = 0.0
        for offer in offers:  # server order breaks ties
            q = quality(ranges, offer.media_type)
            if q > best_q:
                best, best_q = offer, q
        if best is None:
            raise NotAcceptableError(self.accept or "", available(form))
        return best


def available(form: QueryForm) -> list[str]:
    """Media types offered for ``form``, for 406 messages."""
    return [offer.media_type for offer in OFFERS[form]]


def _by_format_name(value: str, offers: Sequence[Representation]) -> Representation | None:
    wanted = value.split(";")[0].strip().lower()
    for offer in offers:
        if wanted == offer.media_type or wanted in offer.names:
            return offer
    return None
