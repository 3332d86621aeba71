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

import hashlib
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox

from kg.alignment.digest import Digest, digest
from kg.alignment.stage import alignment_graph_names, alignment_graphs, prepare
from kg.build_tasks import Indexing, SharedNamesProcess, Task, process_context
from kg.core.errors import DocumentsRejectedError, SourceError
from kg.mapping import Iris, MappedGraph, reference_graphs, to_graph
from kg.rome_stage import cache_directory, cached_quads, prepared_rome
from kg.search.rome_names import describes_rome, prepare_rows
from kg.sources import list_documents, parse
from kg.store import Store, carry_written, new_build, to_oxigraph_quads
from kg.validation.graph import validation_graph
from kg.validation.shacl import Rejection, Report, merge_reports, validate

BATCH_SIZE = 1000  # at most this many documents per pyshacl run: enough to amortise the reference graphs
PARALLEL_FROM = 100  # below this, starting worker processes costs more than it saves
BATCHES_PER_WORKER = 1  # each batch re-validates the reference graphs: no more batches than needed


@dataclass(frozen=True)
class BuildResult:
    documents: int
    graphs: int
    quads: int
    report: Report
    rejections: tuple[Rejection, ...] = ()  # documents left out (--keep-going)
    duplicates: tuple[tuple[Path, Path], ...] = ()  # (file skipped, earlier file with the same bytes)


@dataclass(frozen=True)
class CheckedGraph:
    """One valid named graph as N-Quads, with what the alignment stage needs of it."""

    graph: str
    source: Path | None
    nquads: bytes
    quads: int
    digest: Digest | None = None
    describes_rome: bool = False  # says something the name index's ROME queries read (kg.search.rome_names)


@dataclass(frozen=True)
class CheckedBatch:
    """What a worker sends back: its valid graphs, the SHACL report, and the documents it left out."""

    graphs: tuple[CheckedGraph, ...]
    report: Report
    rejections: tuple[Rejection, ...] = ()


@lru_cache(maxsize=2)
def _references(base_iri: str, rome: Path | None = None) -> list[MappedGraph]:
    return reference_graphs(Iris(base_iri), rome)


def _map_document(path: Path, iris: Iris) -> MappedGraph | Rejection:
    """A document's graph, or why it has none; a parser bug rejects one document, not the build."""
    try:
        return to_graph(parse(path), iris)
    except SourceError as error:
        return Rejection(error.path, error.line, error.message)
    except Exception as error:  # noqa: BLE001 -- reported with the document, never swallowed
        return Rejection(
            Path(path),
            None,
            f"internal error while reading this document ({type(error).__name__}: {error}); please report it",
        )


def _without_invalid(
    references: list[MappedGraph], graphs: list[MappedGraph], report: Report
) -> tuple[list[MappedGraph], Report, list[Rejection]]:
    """Leave out every document with a violation, and check the rest again (they may have leant on it)."""
    rejections: list[Rejection] = []
    while True:
        sources = {g.source for g in graphs}
        bad = [v for v in report.violations if v.source is not None and v.source in sources]
        if not bad:
            return graphs, report, rejections
        rejections.extend(Rejection(v.source, v.line, v.reason()) for v in bad)
        left_out = {v.source for v in bad}
        graphs = [g for g in graphs if g.source not in left_out]
        report = validate(references + graphs)


def check_batch(
    paths: list[Path], base_iri: str, with_references: bool, keep_going: bool = False, rome: Path | None = None
) -> CheckedBatch:
    """Parse, map and validate one batch; runs in a worker process, so it returns plain data.

    Documents that cannot be read or parsed are rejected (with file and line) whatever the mode;
    with ``keep_going`` the documents with SHACL violations are too, and the rest is checked again.
    """
    iris = Iris(base_iri)
    references = _references(base_iri, rome)
    mapped = [_map_document(path, iris) for path in paths]
    rejections = [m for m in mapped if isinstance(m, Rejection)]
    graphs = [m for m in mapped if not isinstance(m, Rejection)]
    report = validate(references + graphs)
    if keep_going:
        graphs, report, refused = _without_invalid(references, graphs, report)
        rejections += refused
    # The ROME fiche hierarchy is validated with the batch but written by the ROME stage (kg.rome_stage).
    checked = [
        _checked(m, None, base_iri) for m in (references if with_references else []) if m.graph != iris.graph("rome")
    ]
    checked += [_checked(g, digest(g), base_iri) for g in graphs]
    return CheckedBatch(graphs=tuple(checked), report=report, rejections=tuple(rejections))


def _checked(mapped: MappedGraph, summary: Digest | None, base_iri: str) -> CheckedGraph:
    nquads = ox.serialize(to_oxigraph_quads(mapped.graph, mapped.triples), format=ox.RdfFormat.N_QUADS)
    return CheckedGraph(
        str(mapped.graph), mapped.source, nquads, len(mapped.triples), summary, describes_rome(mapped.triples, base_iri)
    )


def batch_plan(weights: list[int], workers: int, batch_size: int = BATCH_SIZE) -> list[int]:
    """Batch sizes (in documents, in order): a multiple of the workers in number, of even cost.

    ``weights`` estimate each document's cost (its size in bytes plus a fixed part: a fiche
    métier costs about ten fiches formations). So every core gets the same work whatever the
    corpus size or its mix (888 fiches métiers then 1,982 fiches formations on 2 cores: four
    batches of the same cost, not one batch of 1,000 fiches métiers and three light ones).
    """
    count = len(weights)
    if count == 0:
        return [0]
    if workers <= 1 or count < PARALLEL_FROM:
        return [min(batch_size, count - start) for start in range(0, count, batch_size)]
    per_round = workers * BATCHES_PER_WORKER
    batches = per_round * -(-count // (per_round * batch_size))
    while True:
        sizes = _even_cost(weights, batches, batch_size)
        if sizes[-1] <= batch_size:
            return sizes
        batches += per_round  # the size cap pushed too much into the last batch


def _even_cost(weights: list[int], batches: int, batch_size: int) -> list[int]:
    total, sizes, done, cost, size = sum(weights), [], 0, 0, 0
    for weight in weights:
        cost, size = cost + weight, size + 1
        if len(sizes) < batches - 1 and (cost * batches >= total * (len(sizes) + 1) or size == batch_size):
            sizes.append(size)
            done, size = done + size, 0
    return sizes + [len(weights) - done]


DOCUMENT_COST = 2048  # fixed cost of a document, in bytes of text: its graph, provenance, digest


def _weight(path: Path) -> int:
    try:
        return DOCUMENT_COST + path.stat().st_size
    except OSError:
        return DOCUMENT_COST  # the parser reports why it cannot be read


def _batches(paths: list[Path], sizes: list[int]) -> Iterator[list[Path]]:
    iterator = iter(paths)
    for size in sizes:
        yield list(islice(iterator, size))


def checked_batches(
    paths: list[Path],
    base_iri: str,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    keep_going: bool = False,
    rome: Path | None = None,
    parent_busy: bool = False,
) -> Iterator[CheckedBatch]:
    """Yield every batch's result in document order; the reference graphs come with the first.

    ``parent_busy``: the calling process has work of its own meanwhile (a build's alignment tables), so
    even a single batch goes to a worker process when there is more than one core."""
    workers = workers or os.cpu_count() or 1
    batches = list(_batches(paths, batch_plan([_weight(p) for p in paths], workers, batch_size)))
    spare_core = parent_busy and workers > 1
    workers = min(workers, len(batches))
    if workers > 1 or spare_core:
        yield from _run_in_processes(batches, base_iri, workers, keep_going, rome)
    else:
        yield from (check_batch(batch, base_iri, index == 0, keep_going, rome) for index, batch in enumerate(batches))


def accept(batch: CheckedBatch, seen: dict[str, Path]) -> tuple[list[CheckedGraph], list[Rejection]]:
    """The batch's graphs that no earlier document already made; a second copy of a graph is rejected."""
    kept, rejected = [], list(batch.rejections)
    for checked in batch.graphs:
        if checked.source is not None and seen.setdefault(checked.graph, checked.source) != checked.source:
            rejected.append(
                Rejection(
                    checked.source, 1, f"describes the same resource as {seen[checked.graph]} (graph <{checked.graph}>)"
                )
            )
        else:
            kept.append(checked)
    return kept, rejected


def _run_in_processes(
    batches: list[list[Path]], base_iri: str, workers: int, keep_going: bool = False, rome: Path | None = None
) -> Iterator[CheckedBatch]:
    """Results in order, with at most two batches per worker in flight (bounded memory)."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
        pending: deque[Future[CheckedBatch]] = deque()
        queued = iter(enumerate(batches))
        try:
            for index, batch in islice(queued, 2 * workers):
                pending.append(pool.submit(check_batch, batch, base_iri, index == 0, keep_going, rome))
            while pending:
                result = pending.popleft().result()
                for index, batch in islice(queued, 1):
                    pending.append(pool.submit(check_batch, batch, base_iri, index == 0, keep_going, rome))
                yield result
        finally:
            for future in pending:
                future.cancel()


def check_alignment(digests: list[Digest], base_iri: str, rome: Path | None = None) -> tuple[list[MappedGraph], Report]:
    """Align the whole corpus (it crosses documents, so it runs once all batches are in) and validate it."""
    iris = Iris(base_iri)
    _alignment, graphs = alignment_graphs(digests, iris, rome)
    return graphs, validate(graphs)  # self-contained: the mapping shapes reach no other graph


def _refuse(rejections: list[Rejection], report: Report) -> None:
    """All or nothing: every reason at once (unreadable documents, then SHACL violations), or nothing."""
    if rejections:
        reasons = [str(r) for r in sorted(rejections, key=_rejection_order)]
        raise DocumentsRejectedError(reasons + [str(v) for v in report.violations])
    report.raise_if_invalid()


def _rejection_order(rejection: Rejection) -> tuple:
    return (str(rejection.source), rejection.line or 0, rejection.reason)


def check(paths: list[Path], base_iri: str, rome: Path | None = None) -> Report:
    """Parse, map and validate without writing anything (``metiers-kg validate``)."""
    Iris(base_iri)  # refuse an invalid base before any work
    seen: dict[str, Path] = {}
    graphs, rejections, reports = [], [], []
    for batch in checked_batches(paths, base_iri, rome=rome):
        kept, rejected = accept(batch, seen)
        graphs += kept
        rejections += rejected
        reports.append(batch.report)
    if rejections:
        _refuse(rejections, merge_reports(reports))
    _graphs, aligned = check_alignment([g.digest for g in graphs if g.digest is not None], base_iri, rome)
    return merge_reports([*reports, aligned])


def unique_documents(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The documents, each content once: a file byte-identical to an earlier one is the same document.

    The seeds are copies of corpus files; built together, the first copy (in the order the
    directories are given) is the one the graph's provenance names, and the others are skipped.
    """
    first: dict[str, Path] = {}
    kept, skipped = [], []
    for path in paths:
        try:
            key = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            kept.append(path)  # the parser reports why it cannot be read
            continue
        if key in first:
            skipped.append((path, first[key]))
        else:
            first[key] = path
            kept.append(path)
    return kept, skipped


def build(
    seeds: Path | list[Path],
    store_dir: Path,
    base_iri: str,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    keep_going: bool = False,
    discard_updates: bool = False,
    rome: Path | None = None,
) -> BuildResult:
    """Build a new store from every document in ``seeds`` (one directory or several) and the ROME
    export ``rome`` (default: the vendored one).

    All or nothing by default: the store switches only if every document is valid, else the
    build raises with every reason. With ``keep_going`` the invalid documents are left out
    (``BuildResult.rejections``, also stored in the validation graph) and the rest is built.
    Graphs written through the endpoint since the served build are carried into the new one
    (``kg.store.carry_written``), or all dropped with ``discard_updates``.
    """
    Iris(base_iri)
    directories = [seeds] if isinstance(seeds, (str, Path)) else list(seeds)
    paths, duplicates = unique_documents([p for d in directories for p in list_documents(Path(d))])
    rome = Path(rome) if rome is not None else None
    rome_database = prepared_rome(rome, base_iri, cache_directory(store_dir))  # cached by content
    rome_names = Task("rome-names", prepare_rows, rome_database, base_iri)  # once per export, then cached
    reports, rejections, digests = [], [], []
    describe_rome = False
    quads, graph_count = cached_quads(rome_database), 2  # the ROME graphs
    seen: dict[str, Path] = {}
    # The parent mostly waits on its workers: load the alignment's tables meanwhile (GIL-free waits).
    preparing = threading.Thread(target=prepare, args=(base_iri, rome), name="alignment-tables", daemon=True)
    preparing.start()
    shared = SharedNamesProcess.start_if_cached(rome_database, base_iri)  # the index's ROME and ESCO part, meanwhile
    with (
        new_build(store_dir, info={"base_iri": base_iri}, start_from=rome_database) as store,  # base: for serve, dump
        shared or nullcontext(),
    ):
        for batch in checked_batches(paths, base_iri, batch_size, workers, keep_going, rome, parent_busy=True):
            kept, rejected = accept(batch, seen)
            rejections += rejected
            reports.append(batch.report)
            if batch.report.violations and keep_going:
                batch.report.raise_if_invalid()  # not a document's fault (e.g. a reference graph)
            if (rejections or batch.report.violations) and not keep_going:
                continue  # the build will be refused: go on only to list every reason
            store.bulk_load(b"".join(g.nquads for g in kept), ox.RdfFormat.N_QUADS)
            quads += sum(g.quads for g in kept)
            graph_count += len(kept)
            digests.extend(g.digest for g in kept if g.digest is not None)
            describe_rome = describe_rome or any(g.describes_rome for g in kept)
        if not keep_going:
            _refuse(rejections, merge_reports(reports))
        preparing.join()
        cut = rome_names.result() and not describe_rome  # the name index may take ROME's part from the cache
        quads, graph_count, report = _finish(
            store,
            store_dir,
            Iris(base_iri),
            digests,
            (reports, rejections),
            discard_updates,
            rome,
            (quads, graph_count),
            rome_database if cut else None,
            shared,
        )
    return BuildResult(
        documents=len(paths),
        graphs=graph_count,
        quads=quads,
        report=report,
        rejections=tuple(rejections),
        duplicates=tuple(duplicates),
    )


def _finish(
    store: Store,
    store_dir: Path,
    iris: Iris,
    digests: list[Digest],
    checks: tuple[list[Report], list[Rejection]],
    discard_updates: bool,
    rome: Path | None,
    counts: tuple[int, int],
    rome_names: Path | None,
    shared: SharedNamesProcess | None = None,
) -> tuple[int, int, Report]:
    """The corpus-wide stages, once every document is in: alignment, warnings, carried graphs, name index.

    The name index reads only the names the documents, ROME and carried graphs give occupations,
    fiches and appellations; the graphs made here (mappings, ESCO concepts, formations' métiers,
    validation) give none (tests/kg/test_build.py checks that the index is the one of the whole
    store). So it is written in a thread while the alignment runs: its queries run in Oxigraph,
    outside the GIL, on the core the alignment leaves free. Unless a graph of this build (carried ones
    included) could change them, ROME's names are those cached beside the ROME database ``rome_names``
    (kg.search.rome_names): then only the documents' queries run on the store, and the index is written
    in a process of its own, in parallel with the alignment.
    """
    reports, rejections = checks
    quads, graph_count = counts
    made_here = alignment_graph_names(digests, iris) | {str(iris.graph("validation"))}
    carried = carry_written(store_dir, store, {g.value for g in store.named_graphs()} | made_here, discard_updates)
    indexing = Indexing(store, None if carried else rome_names, iris.base, shared)
    try:
        aligned, alignment_report = check_alignment(digests, iris.base, rome)
        alignment_report.raise_if_invalid()
        report = merge_reports([*reports, alignment_report])
        rejections.sort(key=_rejection_order)
        # The SHACL results that do not stop a build (warnings) and the documents left out are
        # kept in the store, for the quality report.
        extra = aligned + [validation_graph(report, iris, rejections)]
        store.bulk_add(chain.from_iterable(to_oxigraph_quads(m.graph, m.triples) for m in extra))
        store.flush()  # the final compaction, while the index is still being written
    finally:
        indexing.result()
    quads += sum(len(m.triples) for m in extra)
    graph_count += len(extra)
    if carried:
        graph_count += len(carried)
        quads = len(store)
    return quads, graph_count, report
