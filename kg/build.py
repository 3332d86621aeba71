"""The pipeline as one function over data: documents → graphs → SHACL → a new store, all or nothing.

Documents are processed in batches so that memory stays bounded whatever the corpus size:
each batch is parsed, mapped and validated together with the reference graphs (the only
graphs a document's constraints reach across: ROME, access levels, ontology), then written
to the new, not yet visible, database. Batches run in worker processes (one per core) when
there is more than one, because parsing, mapping and pyshacl are pure-Python CPU work that
threads cannot share; the parent only bulk-loads the N-Quads each worker returns. Any error
discards the new database, so the store that was serving keeps serving and no partial graph
is ever visible.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox

from kg.alignment.digest import Digest, digest
from kg.alignment.stage import alignment_graphs, prepare
from kg.errors import FicheParseError
from kg.mapping import Iris, MappedGraph, reference_graphs, to_graph
from kg.mapping.validation import validation_graph
from kg.rome_stage import cache_directory, cached_quads, prepared_rome
from kg.search import INDEX_DIR, write_index
from kg.sources import list_documents, parse
from kg.store import new_build, to_oxigraph_quads
from kg.validate import Report, merge_reports, validate

BATCH_SIZE = 1000  # documents per pyshacl run: large enough to amortise the reference graphs
PARALLEL_FROM = 200  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class BuildResult:
    documents: int
    graphs: int
    quads: int
    report: Report


@dataclass(frozen=True)
class CheckedBatch:
    """What a worker sends back: the batch's graphs as N-Quads, their names, and the SHACL report."""

    graph_sources: tuple[tuple[str, Path | None], ...]
    nquads: bytes
    quads: int
    report: Report
    digests: tuple[Digest, ...] = ()  # what the alignment stage needs of each document


@lru_cache(maxsize=2)
def _references(base_iri: str, rome: Path | None = None) -> list[MappedGraph]:
    return reference_graphs(Iris(base_iri), rome)


def check_batch(paths: list[Path], base_iri: str, with_references: bool, rome: Path | None = None) -> CheckedBatch:
    """Parse, map and validate one batch; runs in a worker process, so it returns plain data."""
    iris = Iris(base_iri)
    references = _references(base_iri, rome)
    graphs = [to_graph(parse(path), iris) for path in paths]
    report = validate(references + graphs)
    # The ROME fiche hierarchy is validated with the batch but written by the ROME stage (kg.rome_stage).
    emitted = ([m for m in references if m.graph != iris.graph("rome")] if with_references else []) + graphs
    quads = chain.from_iterable(to_oxigraph_quads(m.graph, m.triples) for m in emitted)
    return CheckedBatch(
        graph_sources=tuple((str(m.graph), m.source) for m in emitted),
        nquads=ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
        quads=sum(len(m.triples) for m in emitted),
        report=report,
        digests=tuple(digest(g) for g in graphs),
    )


def _batches(paths: list[Path], size: int) -> Iterator[list[Path]]:
    iterator = iter(paths)
    while batch := list(islice(iterator, size)):
        yield batch


def checked_batches(paths: list[Path], base_iri: str, batch_size: int = BATCH_SIZE,
                    workers: int | None = None, rome: Path | None = None) -> Iterator[CheckedBatch]:
    """Yield every batch's result in document order; the reference graphs come with the first.

    Two documents that map to the same named graph (e.g. two copies of one fiche) are refused.
    """
    workers = workers or os.cpu_count() or 1
    if len(paths) >= PARALLEL_FROM:
        batch_size = min(batch_size, -(-len(paths) // workers))  # at least one batch per worker
    batches = list(_batches(paths, batch_size)) or [[]]
    workers = min(workers, len(batches))
    seen: dict[str, Path] = {}
    results = _run_in_processes(batches, base_iri, workers, rome) if workers > 1 else (
        check_batch(batch, base_iri, index == 0, rome) for index, batch in enumerate(batches))
    for result in results:
        for graph, source in result.graph_sources:
            if source is not None and seen.setdefault(graph, source) != source:
                raise FicheParseError(source, f"describes the same resource as {seen[graph]} (graph <{graph}>)", 1)
        yield result


def _run_in_processes(batches: list[list[Path]], base_iri: str, workers: int,
                      rome: Path | None = None) -> Iterator[CheckedBatch]:
    """Results in order, with at most two batches per worker in flight (bounded memory)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.build"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[CheckedBatch]] = deque()
        queued = iter(enumerate(batches))
        try:
            for index, batch in islice(queued, 2 * workers):
                pending.append(pool.submit(check_batch, batch, base_iri, index == 0, rome))
            while pending:
                result = pending.popleft().result()
                for index, batch in islice(queued, 1):
                    pending.append(pool.submit(check_batch, batch, base_iri, index == 0, rome))
                yield result
        finally:
            for future in pending:
                future.cancel()


def check_alignment(digests: list[Digest], base_iri: str,
                    rome: Path | None = None) -> tuple[list[MappedGraph], Report]:
    """Align the whole corpus (it crosses documents, so it runs once all batches are in) and validate it."""
    iris = Iris(base_iri)
    _alignment, graphs = alignment_graphs(digests, iris, rome)
    return graphs, validate(graphs)  # self-contained: the mapping shapes reach no other graph


def check(paths: list[Path], base_iri: str, rome: Path | None = None) -> Report:
    """Parse, map and validate without writing anything (``metiers-kg validate``)."""
    Iris(base_iri)  # refuse an invalid base before any work
    batches = list(checked_batches(paths, base_iri, rome=rome))
    _graphs, aligned = check_alignment([d for batch in batches for d in batch.digests], base_iri, rome)
    return merge_reports([*(batch.report for batch in batches), aligned])


def build(seeds: Path, store_dir: Path, base_iri: str, batch_size: int = BATCH_SIZE,
          workers: int | None = None, rome: Path | None = None) -> BuildResult:
    """Build a new store from every document in ``seeds`` and the ROME export ``rome`` (default:
    the vendored one); switch to it only if all of it is valid."""
    Iris(base_iri)
    paths = list_documents(seeds)
    rome = Path(rome) if rome is not None else None
    rome_database = prepared_rome(rome, base_iri, cache_directory(store_dir))  # cached by content
    reports, quads, graph_count, digests = [], cached_quads(rome_database), 2, []  # + the ROME graphs
    # The parent mostly waits on its workers: load the alignment's tables meanwhile (GIL-free waits).
    preparing = threading.Thread(target=prepare, name="alignment-tables", daemon=True)
    preparing.start()
    with new_build(store_dir, start_from=rome_database) as store:
        for batch in checked_batches(paths, base_iri, batch_size, workers, rome):
            batch.report.raise_if_invalid()
            reports.append(batch.report)
            store.bulk_load(batch.nquads, ox.RdfFormat.N_QUADS)
            quads += batch.quads
            graph_count += len(batch.graph_sources)
            digests.extend(batch.digests)
        preparing.join()
        aligned, alignment_report = check_alignment(digests, base_iri, rome)
        alignment_report.raise_if_invalid()
        report = merge_reports([*reports, alignment_report])
        # The SHACL results that do not stop a build (warnings) are kept in the store, for the report.
        extra = aligned + [validation_graph(report, Iris(base_iri))]
        store.bulk_add(chain.from_iterable(to_oxigraph_quads(m.graph, m.triples) for m in extra))
        quads += sum(len(m.triples) for m in extra)
        graph_count += len(extra)
        write_index(store, Path(store.path) / INDEX_DIR)  # the name index, switched with the build
    return BuildResult(documents=len(paths), graphs=graph_count, quads=quads, report=report)
