"""Every representation the server answers with, in one table read from pyoxigraph's own formats.

pyoxigraph knows each format's media type and file extension (``RdfFormat``,
``QueryResultsFormat``), so they are read from it rather than written down again: the SPARQL
protocol's ``format=`` names, the linked-data suffixes (``…/MET.717.ttl``), the service
description's ``sd:resultFormat``, the compressed types and the Graph Store's readable bodies
all come from the rows below. Order matters: the first acceptable row wins a tie.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.core.vocab import FORMATS

Format = ox.QueryResultsFormat | ox.RdfFormat


@dataclass(frozen=True)
class Representation:
    """One media type we answer with: its serialiser (None for an HTML page), names and suffix."""

    media_type: str
    format: Format | None
    names: tuple[str, ...] = ()  # what the ``format`` parameter of the SPARQL protocol may call it
    suffix: str | None = None  # the file suffix that asks for it in a linked-data IRI

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"  # every format we serve is UTF-8 text

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The format of a row the caller knows is RDF (a graph's offers: CONSTRUCT, DESCRIBE, a page's data)."""
        if not isinstance(self.format, ox.RdfFormat):
            raise TypeError(f"{self.media_type} is not an RDF format")
        return self.format

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """The format of a row the caller knows is a SPARQL results format (SELECT, ASK)."""
        if not isinstance(self.format, ox.QueryResultsFormat):
            raise TypeError(f"{self.media_type} is not a SPARQL results format")
        return self.format

    @property
    def format_iri(self) -> str:
        """The format's IRI in the W3C formats namespace (``sd:resultFormat``); HTML has none."""
        if self.format is None:
            raise TypeError(f"{self.media_type} has no format IRI")
        return FORMATS + self.format.iri.rsplit("/", 1)[1]  # pyoxigraph names JSON-LD under formats/data/


def of(fmt: Format, *names: str) -> Representation:
    """The row of a pyoxigraph format: its media type (without parameters) and extension."""
    return Representation(fmt.media_type.split(";")[0], fmt, (fmt.file_extension, *names), fmt.file_extension)


def alias(media_type: str, fmt: Format) -> Representation:
    """A generic media type (``application/json``) answered in ``fmt`` and echoed back as asked."""
    return Representation(media_type, fmt, suffix=fmt.file_extension)


HTML = Representation("text/html", None, suffix="html")
TURTLE = of(ox.RdfFormat.TURTLE, "turtle")
RDF = (
    TURTLE,
    of(ox.RdfFormat.N_TRIPLES, "ntriples", "n-triples"),
    of(ox.RdfFormat.JSON_LD, "json-ld", "json"),
    of(ox.RdfFormat.RDF_XML, "rdfxml", "rdf+xml", "xml"),
)
RESULTS = (
    of(ox.QueryResultsFormat.JSON, "json"),
    of(ox.QueryResultsFormat.XML, "xml"),
    of(ox.QueryResultsFormat.CSV),
    of(ox.QueryResultsFormat.TSV),
)
RESULTS_ALIASES = (
    alias("application/json", ox.QueryResultsFormat.JSON),
    alias("application/xml", ox.QueryResultsFormat.XML),
    alias("text/json", ox.QueryResultsFormat.JSON),  # oxigraph's alias too
)
# ``Accept: application/json`` on a linked-data answer gets JSON-LD, tried after every other row.
JSON_LD_ALIAS = alias("application/json", ox.RdfFormat.JSON_LD)
# Bodies the Graph Store reads: every RDF row, and Turtle's legacy name.
READABLE_GRAPHS: dict[str, ox.RdfFormat] = {
    **{row.media_type: row.format for row in RDF if isinstance(row.format, ox.RdfFormat)},
    "application/x-turtle": ox.RdfFormat.TURTLE,
}
