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

from server.http.errors import NotAcceptableError
from server.http.representations import HTML, RDF, RESULTS, RESULTS_ALIASES, Representation


class QueryForm(enum.Enum):
    """What a query returns, which decides the representations on offer."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE


RESULTS_OFFERS: tuple[Representation, ...] = (*RESULTS, *RESULTS_ALIASES)
GRAPH_OFFERS: tuple[Representation, ...] = RDF
OFFERS: dict[QueryForm, tuple[Representation, ...]] = {
    QueryForm.SOLUTIONS: RESULTS_OFFERS,
    QueryForm.BOOLEAN: RESULTS_OFFERS,
    QueryForm.GRAPH: GRAPH_OFFERS,
}
# Media types a SPARQL client may want from /sparql or / (results, service description).
MACHINE_TYPES = tuple(row.media_type for row in (*RDF, *RESULTS_OFFERS))


SERVED_PARAMETERS = {"charset": "utf-8"}  # what every representation we serve carries (see content_type)


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header (its parameters before ``q``, lower-cased)."""

    type: str
    subtype: str
    q: float
    parameters: tuple[tuple[str, str], ...] = ()

    def specificity(self, media_type: str) -> int:
        """How precisely this range names ``media_type``: 3 exact with parameters, 2 exact, 1 ``type/*``,
        0 ``*/*``, -1 no match. A range whose parameters our answer does not carry (``charset=iso-8859-1``,
        ``header=absent``) does not match it, so its ``q=0`` excludes nothing we send (RFC 9110 §12.5.1)."""
        type_, _, subtype = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != type_:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != subtype:
            return -1
        if not self.parameters:
            return 2
        return 3 if all(SERVED_PARAMETERS.get(key) == value for key, value in self.parameters) else -1


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
        parameters = []
        for param in params:
            key, _, value = (part.strip().lower() for part in param.partition("="))
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions
            if key:
                parameters.append((key, value.strip('"')))
        ranges.append(MediaRange(type_, subtype, q, tuple(parameters)))
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
        return choose(self.accept, offers)


def choose(
    accept: str | None, offers: Sequence[Representation], fallbacks: Sequence[Representation] = ()
) -> Representation:
    """The best of ``offers`` for ``accept`` (server order breaks ties), then of ``fallbacks``
    (never named in the 406 that NotAcceptableError becomes when nothing will do)."""
    ranges = parse_accept(accept)
    best: Representation | None = None
    best_q = 0.0
    for offer in (*offers, *fallbacks):
        q = quality(ranges, offer.media_type)
        if q > best_q:
            best, best_q = offer, q
    if best is None:
        raise NotAcceptableError(accept or "", [offer.media_type for offer in offers])
    return best


def prefers_html(accept: str | None) -> bool:
    """True when the client names text/html and likes nothing a machine client would want more.

    A browser (``text/html,…,*/*;q=0.8``) qualifies; curl (``*/*``) and SPARQL clients do not,
    so they keep getting data where they used to.
    """
    ranges = parse_accept(accept)
    if not any(r.type == "text" and r.subtype == "html" for r in ranges):
        return False
    html = quality(ranges, HTML.media_type)
    return html > 0 and html >= max(quality(ranges, t) for t in MACHINE_TYPES)


def names_rdf(accept: str | None) -> bool:
    """True when the client asks for an RDF type by name (not just ``*/*``) and not for a page."""
    rdf = {row.media_type for row in RDF}
    named = any(f"{r.type}/{r.subtype}" in rdf and r.q > 0 for r in parse_accept(accept))
    return named and not prefers_html(accept)


def available(form: QueryForm) -> list[str]:
    """Media types offered for ``form``, for 406 messages."""
    return [offer.media_type for offer in OFFERS[form]]


def _by_format_name(value: str, offers: Sequence[Representation]) -> Representation | None:
    wanted = value.split(";")[0].strip().lower()
    for offer in offers:
        if wanted == offer.media_type or wanted in offer.names:
            return offer
    return None
