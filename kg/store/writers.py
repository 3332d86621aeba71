"""Who writes a store: a new build (``new_build``), an online revision of the current one
(``revise_current``), and a build carrying over what was written online since (``carry_written``).

Writers never touch the database a reader has open: each writes a new database under the writer
lock, then switches the ``current`` link (kg.store.directory).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.build_records import DEFAULT_GRAPH, carry_index, record_written, write_info
from kg.core.errors import StoreError
from kg.store.database import Store
from kg.store.directory import (
    BUILDS,
    PARTIAL_SUFFIX,
    build_info,
    current_build,
    exclusive_lock,
    fsync_dir,
    next_build_id,
    remove_old_builds,
    remove_partial_builds,
    switch_current,
    waiting_lock,
    written_graphs,
)

_COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


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
    with exclusive_lock(store_dir):
        yield from _write_build(store_dir, builds, copy_current, info, start_from)


def _write_build(
    store_dir: Path, builds: Path, copy_current: bool, info: Mapping[str, str] | None, start_from: Path | None = None
) -> Iterator[Store]:
    remove_partial_builds(builds)
    build_id = next_build_id(builds)
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
    switch_current(store_dir, Path(BUILDS) / build_id)
    remove_old_builds(builds, keep=final)


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
    with waiting_lock(store_dir, wait_seconds):
        remove_partial_builds(builds)
        partial = builds / f"{next_build_id(builds)}{PARTIAL_SUFFIX}"
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
            store.oxigraph.flush()
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
            fsync_dir(builds)
            switch_current(store_dir, Path(BUILDS) / final.name)

        try:
            (commit or (lambda action: action()))(switch)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        remove_old_builds(builds, keep=final)


def graph_sizes(store: Store) -> dict[str, int]:
    """Quads per graph (``DEFAULT_GRAPH`` for the default graph): what an online write changed shows here."""
    sizes = {row["g"].value: int(row["n"].value) for row in store.select(_COUNT_BY_GRAPH)}
    default = sum(1 for _ in store.quads(ox.DefaultGraph()))
    if default:
        sizes[DEFAULT_GRAPH] = default
    return sizes


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
