"""Oxigraph on disk behind one small interface.

A store PATH is a directory we manage::

    PATH/current -> builds/<id>     (symlink, switched atomically with rename(2))
    PATH/builds/<id>/               (one complete Oxigraph database per build)
    PATH/builds/<id>/metiers-kg-build.json   (what the build recorded about itself: its base IRI)
    PATH/builds/<id>.partial/       (a build in progress; removed or ignored if it dies)
    PATH/builds/<id>.written        (graphs changed through the endpoint since the last build)

(the two records: ``kg.build_records``)

Writers never touch the database a reader has open: a build (or a ``load``) writes a new
database, then swaps the ``current`` link. A build that fails, crashes or is killed leaves
``current`` as it was, so the previous store keeps serving. Readers open ``current``
read-only and reopen when the link changes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.build_records import DEFAULT_GRAPH, carry_index, read_info, read_written, record_written, write_info
from kg.core.errors import StoreError

CURRENT = "current"
BUILDS = "builds"
PARTIAL_SUFFIX = ".partial"
KEEP_BUILDS = 3  # previous builds kept so that a reader that has one open is not pulled from under
_COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

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

    def query(self, sparql: str, **options: object) -> object:
        """Run a SPARQL query; the default graph is the union of all graphs unless told otherwise."""
        options.setdefault("use_default_graph_as_union", True)
        return self._store.query(sparql, **options)

    def select(self, sparql: str) -> ox.QuerySolutions:
        """The solutions of a SELECT query (over the union default graph), typed as such."""
        solutions = self.query(sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError(f"not a SELECT query: {sparql[:80]!r}")
        return solutions

    def quads(self, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def named_graphs(self) -> list[ox.NamedNode]:
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
        self._store = None  # type: ignore[assignment]


def current_build(store_dir: Path) -> Path:
    """The database directory the store's ``current`` link points at."""
    link = Path(store_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        raise StoreError(f"{store_dir}: no store here (no '{CURRENT}' link); run 'metiers-kg build' first")
    target = link.resolve()
    if not target.is_dir():
        raise StoreError(f"{store_dir}: '{CURRENT}' points at {target}, which is missing")
    return target


def build_info(store_dir: Path) -> dict[str, str]:
    """What the current build recorded about itself (``base_iri``); {} for none, or no store yet."""
    try:
        build = current_build(store_dir)
    except StoreError:
        return {}
    return read_info(build)


def settle_base_iri(store_dir: Path, given: str | None, default: str) -> str:
    """The base IRI to serve or describe ``store_dir`` under: the one its build recorded, unless
    ``given`` (an option) contradicts it, which is refused since every resource would then 404."""
    recorded = build_info(store_dir).get("base_iri")
    if given is not None and recorded is not None and given != recorded:
        raise StoreError(
            f"{store_dir}: was built with base IRI {recorded}, not {given}; leave --base-iri "
            f"(METIERS_KG_BASE_IRI) out to use the store's, or build again with --base-iri {given}"
        )
    return given or recorded or default


@contextmanager
def new_build(
    store_dir: Path, copy_current: bool = False, info: Mapping[str, str] | None = None, start_from: Path | None = None
) -> Iterator[Store]:
    """Yield a writable Store for a new build; on success switch ``current`` to it atomically.

    ``start_from`` is a database to start from (a checkpoint: hard links, no copy), e.g. the
    cached ROME graph (kg.rome_stage).

    If the body raises, or the process dies, ``current`` is untouched and the partial
    database is removed (now, or by the next build). ``info`` is recorded with the build (see
    :func:`build_info`); a copy of the current build keeps the current build's record. The graphs
    the body lists in ``store.touched`` (and, for a copy, those the current build had written
    online) are recorded as written outside a build (:func:`written_graphs`).
    """
    store_dir = Path(store_dir)
    builds = store_dir / BUILDS
    try:
        builds.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot create the store directory: {exc.strerror or exc}") from None
    with _exclusive_lock(store_dir):
        yield from _write_build(store_dir, builds, copy_current, info, start_from)


@contextmanager
def _exclusive_lock(store_dir: Path) -> Iterator[None]:
    """One writer at a time: a second build or load fails at once instead of corrupting the first."""
    with open(store_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{store_dir}: another build or load is writing this store") from None
        yield


def _write_build(
    store_dir: Path, builds: Path, copy_current: bool, info: Mapping[str, str] | None, start_from: Path | None = None
) -> Iterator[Store]:
    _remove_partial_builds(builds)
    build_id = _next_build_id(builds)
    partial = builds / f"{build_id}{PARTIAL_SUFFIX}"
    try:
        if copy_current:
            info = {**build_info(store_dir), **(info or {})}
        if copy_current or start_from is not None:
            source = ox.Store.read_only(str(start_from or current_build(store_dir)))
            source.backup(str(partial))
            del source
        oxigraph_store = ox.Store(str(partial))
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"{partial}: cannot create an Oxigraph store: {exc}") from None
    store = Store(oxigraph_store, partial)
    del oxigraph_store
    inherited = set(written_graphs(store_dir)) if copy_current else set()
    try:
        yield store
        store.flush()
    except BaseException:
        store.close()
        shutil.rmtree(partial, ignore_errors=True)
        raise
    store.close()  # RocksDB must be closed before the directory is renamed
    write_info(partial, info or {})
    final = builds / build_id
    record_written(final, inherited | store.touched)
    os.rename(partial, final)
    _switch_current(store_dir, Path(BUILDS) / build_id)
    _remove_old_builds(builds, keep=final)


def _next_build_id(builds: Path) -> str:
    numbers = [int(p.name.split(".")[0]) for p in builds.iterdir() if p.name.split(".")[0].isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def _switch_current(store_dir: Path, relative_target: Path) -> None:
    tmp_link = store_dir / f".{CURRENT}.{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(relative_target, tmp_link)
    os.replace(tmp_link, store_dir / CURRENT)  # atomic on POSIX
    fd = os.open(store_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_partial_builds(builds: Path) -> None:
    for path in builds.iterdir():
        if path.name.endswith(PARTIAL_SUFFIX):
            shutil.rmtree(path, ignore_errors=True)


def _remove_old_builds(builds: Path, keep: Path) -> None:
    complete = sorted(p for p in builds.iterdir() if p.name.isdigit())
    for path in complete[:-KEEP_BUILDS]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
            record_written(path, ())


def graph_sizes(store: Store) -> dict[str, int]:
    """Quads per graph (``DEFAULT_GRAPH`` for the default graph): what an online write changed shows here."""
    sizes = {row["g"].value: int(row["n"].value) for row in store.oxigraph.query(_COUNT_BY_GRAPH)}  # type: ignore[union-attr]
    default = sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        sizes[DEFAULT_GRAPH] = default
    return sizes


def written_graphs(store_dir: Path) -> tuple[str, ...]:
    """The graphs changed through the endpoint (SPARQL Update, Graph Store) since the current build was built.

    ``build`` reads them so that a rebuild never silently drops what clients wrote."""
    try:
        target = current_build(store_dir)
    except StoreError:
        return ()
    return read_written(target)


def to_oxigraph_quads(graph: object, triples: Iterable[tuple]) -> Iterator[ox.Quad]:
    """rdflib triples of one named graph → pyoxigraph quads."""
    graph_name = ox.NamedNode(str(graph))
    for subject, predicate, obj in triples:
        yield ox.Quad(_to_oxigraph(subject), ox.NamedNode(str(predicate)), _to_oxigraph(obj), graph_name)


def _to_oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


@contextmanager
def revise_current(
    store_dir: Path, wait_seconds: float = 30.0, commit: Callable[[Callable[[], None]], None] | None = None
) -> Iterator[Store]:
    """Yield a writable copy of the current build; on success make it ``current`` (online updates).

    For the server's SPARQL Update and Graph Store writes. Unlike ``new_build`` it *waits* up
    to ``wait_seconds`` for the writer lock (several server workers queue their writes one
    after the other), copies the current build with a RocksDB checkpoint (hard links: cheap
    whatever the store's size) and, after the body, only flushes the memtables (durable, but
    no full compaction, which would cost seconds per update on a large store). The body's
    changes become visible all at once when ``current`` is switched, or never if it raises.
    ``commit``, if given, is handed the switch to run (the server runs it only if the client
    is still waiting for the answer); if it raises instead, nothing is switched.
    """
    store_dir = Path(store_dir)
    builds = store_dir / BUILDS
    with _waiting_lock(store_dir, wait_seconds):
        _remove_partial_builds(builds)
        partial = builds / f"{_next_build_id(builds)}{PARTIAL_SUFFIX}"
        try:
            info = build_info(store_dir)
            source = ox.Store.read_only(str(current_build(store_dir)))
            source.backup(str(partial))
            del source
            store = Store(ox.Store(str(partial)), partial)
            before = graph_sizes(store)
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise StoreError(f"{partial}: cannot copy the current build for an update: {exc}") from None
        try:
            yield store
            after = graph_sizes(store)
            changed = store.touched | {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
            store._store.flush()
        except BaseException:
            store.close()
            shutil.rmtree(partial, ignore_errors=True)
            raise
        store.close()
        write_info(partial, info)
        carry_index(current_build(store_dir), partial)
        final = builds / partial.name[: -len(PARTIAL_SUFFIX)]
        record_written(final, set(written_graphs(store_dir)) | changed)

        def switch() -> None:
            os.rename(partial, final)
            _fsync_dir(builds)
            _switch_current(store_dir, Path(BUILDS) / final.name)

        try:
            (commit or (lambda action: action()))(switch)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _remove_old_builds(builds, keep=final)


@contextmanager
def _waiting_lock(store_dir: Path, wait_seconds: float) -> Iterator[None]:
    """The writer lock of ``_exclusive_lock``, waited for (polling) instead of failing at once."""
    import time

    deadline = time.monotonic() + wait_seconds
    with open(store_dir / ".lock", "w") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(f"{store_dir}: another writer held the store for {wait_seconds:g} s") from None
                time.sleep(0.01)
        yield


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def carry_written(store_dir: Path, store: Store, built: set[str], discard: bool) -> tuple[str, ...]:
    """Copy into the new build ``store`` the graphs written online since the current build (and mark them so).

    A rebuild must not silently drop what clients wrote (SPARQL Update, Graph Store, ``load``).
    Graphs the build does not produce are carried over as they are; a written graph that the
    build produces too (an edit of a fiche's own graph) cannot be both: the build stops,
    naming them, unless ``discard`` (``--discard-updates``), which carries nothing.
    """
    written = written_graphs(store_dir)
    if discard or not written:
        return ()
    clashing = sorted(set(written) & built)
    if clashing:
        raise StoreError(
            f"{store_dir}: the served build has graphs written through the endpoint that this build "
            f"also produces: {', '.join(f'<{g}>' for g in clashing)}; apply those changes to the "
            "sources, or rebuild with --discard-updates to drop every online change"
        )
    previous = Store.open_current(store_dir)
    for name in written:
        graph = ox.DefaultGraph() if name == DEFAULT_GRAPH else ox.NamedNode(name)
        if isinstance(graph, ox.NamedNode) and previous.oxigraph.contains_named_graph(graph):
            store.oxigraph.add_graph(graph)  # kept even if empty; a graph deleted online stays deleted
        store.bulk_add(list(previous.quads(graph)))
    previous.close()
    store.touched.update(written)
    return written
