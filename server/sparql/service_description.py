"""The SPARQL 1.1 Service Description, answered to ``GET /sparql`` without a query.

It describes the endpoint as clients reach it (``sd:endpoint`` is the configured public URL,
or else the URL this request came to, so it is right behind a reverse proxy that keeps the
``Host`` header, and when ``--public-url`` says what the proxy's URL is), the languages
(Update only when this server accepts updates), every result format, the features, and the
default dataset with every named graph and its ``void:triples``. Counting the triples of each
graph reads the whole store, so it is done once per build (builds never change) on the query
executor thread and kept on the store handle; the description itself is a small graph
serialised in the RDF format the client's ``Accept`` prefers (Turtle by default).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg.core import vocab
from kg.core.vocab import ENTAILMENT, FORMATS, SD, VOID, XSD
from server.config import ServerConfig
from server.http.negotiation import Preferences, QueryForm
from server.http.representations import RDF, RESULTS
from server.runtime.channel import Channel, Job
from server.runtime.store_provider import StoreHandle

RDF_TYPE = ox.NamedNode(str(vocab.RDF.type))
INTEGER = ox.NamedNode(str(XSD.integer))
COUNTS_KEY = "graph-triple-counts"
COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def graph_counts(handle: StoreHandle) -> tuple[int, list[tuple[str, int]]]:
    """(triples in the store's default graph, [(named graph, triples)…] sorted); call on the executor."""

    def count() -> tuple[int, list[tuple[str, int]]]:
        rows = handle.store.select(COUNT_QUERY, use_default_graph_as_union=False)
        named = sorted((row["g"].value, int(row["n"].value)) for row in rows)
        default = sum(1 for _ in handle.store.quads(ox.DefaultGraph()))
        return default, named

    return handle.remember(COUNTS_KEY, count)


def description(
    endpoint: str, config: ServerConfig, default_triples: int, named: list[tuple[str, int]]
) -> Iterator[ox.Triple]:
    """The description's triples (plain terms: no query results involved)."""
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    yield ox.Triple(service, RDF_TYPE, _sd("Service"))
    yield ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint))
    yield ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query"))
    if config.updates_enabled:
        yield ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update"))
    for row in (*RESULTS, *RDF):
        yield ox.Triple(service, _sd("resultFormat"), ox.NamedNode(row.format_iri))
    yield ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph"))
    if config.service_allowlist:
        yield ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery"))
    yield ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode(ENTAILMENT + "Simple"))
    yield ox.Triple(service, _sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, RDF_TYPE, _sd("Dataset"))
    yield ox.Triple(dataset, _sd("defaultGraph"), default_graph)
    yield ox.Triple(default_graph, RDF_TYPE, _sd("Graph"))
    total = default_triples + sum(n for _, n in named)  # the union default graph queries see
    yield ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(total), datatype=INTEGER))
    for index, (name, triples) in enumerate(named):
        node, graph = ox.BlankNode(f"ng{index}"), ox.BlankNode(f"g{index}")
        yield ox.Triple(dataset, _sd("namedGraph"), node)
        yield ox.Triple(node, RDF_TYPE, _sd("NamedGraph"))
        yield ox.Triple(node, _sd("name"), ox.NamedNode(name))
        yield ox.Triple(node, _sd("graph"), graph)
        yield ox.Triple(graph, RDF_TYPE, _sd("Graph"))
        yield ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(triples), datatype=INTEGER))


def description_job(handle: StoreHandle, endpoint: str, config: ServerConfig, preferences: Preferences) -> Job:
    """Negotiate (406 before any work when no RDF format is acceptable), count, serialise."""
    representation = preferences.choose(QueryForm.GRAPH)

    def job(channel: Channel) -> None:
        default_triples, named = graph_counts(handle)
        channel.begin(representation)
        ox.serialize(
            description(endpoint, config, default_triples, named),
            channel,
            format=representation.rdf_format,
            prefixes={"sd": str(SD), "void": str(VOID), "formats": str(FORMATS)},
        )

    return job
