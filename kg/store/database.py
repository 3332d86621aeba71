"""One Oxigraph database behind one small interface, and rdflib's terms turned into Oxigraph's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.core.errors import StoreError
from kg.store.directory import current_build

RDF_FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}


class Store:
    """A read-only or writable handle on one Oxigraph database."""

    def __init__(self, oxigraph_store: ox.Store, path: Path | None) -> None:
        self._store = oxigraph_store
        self.path = path
        self.touched: set[str] = set()  # graphs an online write says it changed (see revise_current)
        self._unflushed = True  # written to since the last flush (a new handle: maybe)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def in_memory(cls) -> Store:
        return cls(ox.Store(), None)

    @classmethod
    def open_current(cls, store_dir: Path) -> Store:
        """Open the database the ``current`` link points at, read-only."""
        target = current_build(store_dir)
        try:
            return cls(ox.Store.read_only(str(target)), target)
        except OSError as exc:
            raise StoreError(f"{target}: cannot open the Oxigraph store read-only: {exc}") from None

    # -- reading ---------------------------------------------------------------------------
    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for the server's query path."""
        return self._store

    def query(self, sparql: str, **options: Any) -> object:
        """Run a SPARQL query; the default graph is the union of all graphs unless told otherwise.

        ``options`` are pyoxigraph's ``Store.query`` keywords (each of its own type)."""
        options.setdefault("use_default_graph_as_union", True)
        return self._store.query(sparql, **options)

    def select(self, sparql: str, **options: Any) -> ox.QuerySolutions:
        """The solutions of a SELECT query (over the union default graph unless told otherwise), typed as such."""
        solutions = self.query(sparql, **options)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError(f"not a SELECT query: {sparql[:80]!r}")
        return solutions

    def construct(self, sparql: str) -> ox.QueryTriples:
        """The triples of a CONSTRUCT or DESCRIBE query (over the union default graph), typed as such."""
        triples = self.query(sparql)
        if not isinstance(triples, ox.QueryTriples):
            raise TypeError(f"not a CONSTRUCT or DESCRIBE query: {sparql[:80]!r}")
        return triples

    def quads(self, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        return sorted(self._store.named_graphs(), key=lambda g: g.value)

    def __len__(self) -> int:
        return len(self._store)

    # -- writing ---------------------------------------------------------------------------
    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        self._unflushed = True
        self._store.bulk_extend(quads)

    def bulk_load(self, data: bytes, fmt: ox.RdfFormat) -> None:
        """Load serialised RDF (e.g. a worker's N-Quads) with Oxigraph's bulk loader."""
        self._unflushed = True
        self._store.bulk_load(data, format=fmt)

    def load_file(self, path: Path, graph: ox.NamedNode) -> None:
        """Parse an RDF file (format from its extension) into a named graph."""
        fmt = RDF_FORMATS_BY_SUFFIX.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(
                f"{path}: unknown RDF file extension {path.suffix!r}; "
                f"expected one of {', '.join(sorted(RDF_FORMATS_BY_SUFFIX))}"
            )
        base_iri = path.resolve().as_uri()
        self._unflushed = True
        if not fmt.supports_datasets:
            self._store.bulk_load(path=str(path), format=fmt, to_graph=graph, base_iri=base_iri)
            return
        # Dataset formats: quads already in a named graph stay there; default-graph ones go to ``graph``.
        self._store.bulk_extend(
            ox.Quad(
                q.subject, q.predicate, q.object, graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name
            )
            for q in ox.parse(path=str(path), format=fmt, base_iri=base_iri)
        )

    def flush(self) -> None:
        """Flush and compact (once: a second call with nothing written since does nothing)."""
        if self._unflushed:
            self._store.flush()
            self._store.optimize()
            self._unflushed = False

    def close(self) -> None:
        """Drop our handle so RocksDB closes (pyoxigraph closes a store when it is garbage-collected)."""
        del self._store  # any later use is an AttributeError, not a query on a closed database


def to_oxigraph_quads(graph: object | None, triples: Iterable[tuple]) -> Iterator[ox.Quad]:
    """rdflib triples of one named graph (of the default graph for None) → pyoxigraph quads."""
    graph_name = ox.NamedNode(str(graph)) if graph is not None else ox.DefaultGraph()
    for subject, predicate, obj in triples:
        yield ox.Quad(_to_resource(subject), ox.NamedNode(str(predicate)), _to_oxigraph(obj), graph_name)


def to_ntriples(triples: Iterable[tuple]) -> bytes:
    """rdflib triples → N-Triples: what validation loads (one graph for all documents), and, once named by
    :func:`in_graph`, what a build loads."""
    text = ox.serialize(to_oxigraph_quads(None, triples), format=ox.RdfFormat.N_TRIPLES)
    assert text is not None  # given no output, serialize returns the bytes
    return text


def in_graph(ntriples: bytes, graph: str) -> bytes:
    """The same statements as N-Quads in ``graph``. Every line of N-Triples ends in `` .`` and a newline, and
    none is inside a literal (N-Triples escapes it), so naming the graph is one replacement."""
    return ntriples.replace(b" .\n", f" <{graph}> .\n".encode())


def _to_oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return _to_resource(term)


def _to_resource(term: object) -> ox.NamedNode | ox.BlankNode:
    """A subject (or a non-literal object): an IRI or a blank node, never a literal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")
