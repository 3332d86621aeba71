"""A protocol query: the request value, the job on the executor thread, the answer and its headers.

* :func:`answer`: the build's result cache, else a job on the executor thread
  (``server.runtime.query_runner``), whose small complete answers are then cached;
* :func:`answer_headers`: the headers the answer itself decides (type, length, validators,
  truncation); ``Vary``, CORS and compression are added around it (``server.sparql.endpoint``,
  ``server.http.cors_compression``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from server.http.caching import fixed_by_build
from server.http.errors import MalformedRequestError, QuerySyntaxError
from server.http.negotiation import Preferences, QueryForm
from server.http.representations import Representation
from server.runtime.channel import Channel, Job
from server.runtime.query_runner import ResultStream
from server.runtime.services import Services
from server.runtime.store_provider import StoreHandle
from server.sparql.capped_results import take, truncation_headers, write_solutions
from server.sparql.service_guard import check_calls
from server.sparql.syntax_errors import explain
from server.sparql.text import check_nesting, names_dataset

FORM = "application/x-www-form-urlencoded"  # the two bodies a query may come in (SPARQL 1.1 Protocol)
SPARQL_QUERY = "application/sparql-query"


@dataclass(frozen=True)
class SparqlRequest:
    """A protocol query request, reduced to what the query needs (plain strings only: thread-safe)."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    preferences: Preferences = Preferences()

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    @property
    def cache_key(self) -> tuple:
        """Everything that decides the answer on a given build."""
        return (self.query, self.default_graphs, self.named_graphs, self.preferences)


@dataclass(frozen=True)
class Head:
    """What the executor announces before the body: the representation and extra headers."""

    representation: Representation
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Answer:
    """A query's answer: whole (``bytes``, then ``cache`` says whether it was kept or found) or streaming."""

    head: Head
    body: bytes | ResultStream
    cache: str  # "hit": from the result cache; "miss": evaluated now
    kept: bool = False  # a complete answer the build fixes: cached, and safe to replay


def answer(found: Services, handle: StoreHandle, parsed: SparqlRequest) -> Answer:
    """The build's cached answer, or a fresh evaluation."""
    key = parsed.cache_key
    hit = handle.results.get(key)
    if hit is not None:  # a query the checks below let through before, on this build
        return Answer(_head(hit[0]), hit[1], "hit", kept=True)
    check_nesting(parsed.query)
    check_calls(parsed.query, found.config.service_allowlist, found.config.base_iri)
    stream = found.runner.run(make_job(handle, parsed, found.config.base_iri, found.config.max_rows))
    head = _head(stream.representation)
    if stream.complete is None:
        return Answer(head, stream, "miss")
    kept = fixed_by_build(parsed.query)  # not SERVICE, NOW(), RAND()…: the same answer every time
    if kept:
        handle.results.put(key, head, stream.complete)
    return Answer(head, stream.complete, "miss", kept)


def answer_headers(head: Head, length: int | None, validators: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers the answer decides, in the order they are sent (``length``: None when streamed)."""
    headers = [("Content-Type", head.representation.content_type)]
    if length is not None:
        headers.append(("Content-Length", str(length)))
    return headers + validators + list(head.headers)


def make_job(handle: StoreHandle, parsed: SparqlRequest, base_iri: str, max_rows: int = 0) -> Job:
    """The work done on the executor thread: parse, evaluate, negotiate, serialise."""

    def job(channel: Channel) -> None:
        options = _dataset_options(parsed)
        try:
            results = handle.store.query(parsed.query, base_iri=base_iri, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(explain(parsed.query, str(error))) from None
        try:
            _serialize(results, parsed.preferences, channel, max_rows)
        finally:
            del results  # results must die on this thread

    return job


def _dataset_options(parsed: SparqlRequest) -> dict[str, object]:
    """The protocol's dataset if given, else the query's FROM if any, else the union of all graphs."""
    if not parsed.has_dataset:
        return {"use_default_graph_as_union": not names_dataset(parsed.query)}
    try:
        return {
            "use_default_graph_as_union": False,
            "default_graph": [ox.NamedNode(iri) for iri in parsed.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in parsed.named_graphs],
        }
    except ValueError as error:
        raise MalformedRequestError(f"default-graph-uri / named-graph-uri: {error}") from None


def _serialize(results: object, preferences: Preferences, channel: Channel, max_rows: int) -> None:
    """Negotiate among the offers of the query's form, then serialise (cut at ``max_rows`` when set)."""
    if isinstance(results, ox.QuerySolutions):
        representation = preferences.choose(QueryForm.SOLUTIONS)
        if max_rows:
            variables = [variable.value for variable in results.variables]
            rows: list[ox.QuerySolution]
            rows, cut = take(results, max_rows)
            channel.begin(Head(representation, _truncation(max_rows, cut)))
            write_solutions(channel, variables, rows, representation.results_format, cut, max_rows)
        else:
            channel.begin(Head(representation))
            results.serialize(channel, format=representation.results_format)
    elif isinstance(results, ox.QueryBoolean):
        representation = preferences.choose(QueryForm.BOOLEAN)
        channel.begin(Head(representation))
        results.serialize(channel, format=representation.results_format)
    elif isinstance(results, ox.QueryTriples):
        representation = preferences.choose(QueryForm.GRAPH)
        if max_rows:
            triples: list[ox.Triple]
            triples, cut = take(results, max_rows)
            channel.begin(Head(representation, _truncation(max_rows, cut)))
            ox.serialize(triples, channel, format=representation.rdf_format)
        else:
            channel.begin(Head(representation))
            results.serialize(channel, format=representation.rdf_format)
    else:
        raise TypeError(f"not query results: {type(results).__name__}")


def _truncation(max_rows: int, cut: bool) -> tuple[tuple[str, str], ...]:
    return tuple(truncation_headers(max_rows).items()) if cut else ()


def _head(value: object) -> Head:
    """What a query's job announced (``make_job``) or the result cache kept (``answer``): a :class:`Head`."""
    if not isinstance(value, Head):
        raise TypeError(f"a query announced {type(value).__name__}, not a Head")
    return value
