"""The pipeline as one function over data: documents → graphs → SHACL → a new store, all or nothing.

The documents are checked in batches (kg.build_batches: in worker processes, one per core, when
there is more than one) and each batch's valid graphs are bulk-loaded into the new, not yet
visible, database; the corpus-wide stages (alignment, the validation graph, carried graphs, the
name index) run once every document is in. Any error discards the new database, so the store that
was serving keeps serving and no partial graph is ever visible.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from kg.alignment.digest import Digest
from kg.alignment.stage import alignment_graph_names, alignment_graphs, prepare
from kg.build_batches import BATCH_SIZE, BatchSpool, CheckedBatch, CheckedGraph, checked_batches
from kg.build_tasks import Indexing, RomeStage, SharedNamesProcess, Task
from kg.core.errors import DocumentsRejectedError
from kg.mapping import Iris, MappedGraph
from kg.rome_stage import cache_directory, cached_quads, rome_entry
from kg.search.rome_names import prepare_rows
from kg.sources import list_documents
from kg.store import Store, carry_written, new_build, to_oxigraph_quads
from kg.validation.graph import validation_graph
from kg.validation.mapped import validate
from kg.validation.report import Rejection, Report, merge_reports


@dataclass(frozen=True)
class BuildSettings:
    """What one build is asked for, given once and read by every stage instead of passed piece by piece."""

    store_dir: Path
    base_iri: str
    batch_size: int = BATCH_SIZE  # at most this many documents per pyshacl run
    workers: int | None = None  # worker processes; None: one per core
    keep_going: bool = False  # leave the invalid documents out instead of refusing the build
    discard_updates: bool = False  # drop the graphs written online instead of carrying them over
    rome: Path | None = None  # the ROME export; None: the vendored one

    def __post_init__(self) -> None:
        Iris(self.base_iri)  # refuse an invalid base before any work

    @property
    def iris(self) -> Iris:
        return Iris(self.base_iri)


@dataclass(frozen=True)
class BuildResult:
    documents: int
    graphs: int
    quads: int
    report: Report
    rejections: tuple[Rejection, ...] = ()  # documents left out (--keep-going)
    duplicates: tuple[tuple[Path, Path], ...] = ()  # (file skipped, earlier file with the same bytes)


@dataclass
class _Loaded:
    """What the documents' batches have put in the new store so far, and what they left out."""

    quads: int
    graphs: int
    reports: list[Report] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    describes_rome: bool = False  # a document says something ROME's cached names would miss


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
    rome = Path(rome) if rome is not None else None
    settings = BuildSettings(Path(store_dir), base_iri, batch_size, workers, keep_going, discard_updates, rome)
    directories = [seeds] if isinstance(seeds, (str, Path)) else list(seeds)
    paths, duplicates = unique_documents([p for d in directories for p in list_documents(Path(d))])
    return _build(paths, duplicates, settings)


def _build(paths: list[Path], duplicates: list[tuple[Path, Path]], settings: BuildSettings) -> BuildResult:
    """A new store from ``paths`` (each a different document) as ``settings`` say; see :func:`build`."""
    base_iri = settings.base_iri
    cache = cache_directory(settings.store_dir)
    entry = rome_entry(settings.rome, base_iri, cache)
    rome = RomeStage(settings.rome, base_iri, cache, entry)  # a new export: mapped and checked meanwhile
    # The parent mostly waits on its workers: load the alignment's tables meanwhile (GIL-free waits).
    preparing = threading.Thread(target=prepare, args=(base_iri, settings.rome, entry), name="alignment-tables")
    preparing.daemon = True
    preparing.start()
    shared = SharedNamesProcess.start_if_cached(entry, base_iri)  # the index's ROME and ESCO part, meanwhile
    with (
        closing(_documents(paths, settings)) as batches,
        shared or nullcontext(),
        closing(BatchSpool(settings.store_dir)) as early,
    ):
        _checked_before(rome, batches, early)  # kept on disk until the ROME database is there
        rome_database = rome.result()
        rome_names = Task("rome-names", prepare_rows, rome_database, base_iri)  # once per export, then cached
        loaded = _Loaded(quads=cached_quads(rome_database), graphs=2)  # the ROME graphs
        # base_iri is recorded for serve and dump
        with new_build(settings.store_dir, info={"base_iri": base_iri}, start_from=rome_database) as store:
            _load_documents(store, chain(early.batches(), batches), settings, loaded)
            if not settings.keep_going:
                _refuse(loaded.rejections, merge_reports(loaded.reports))
            preparing.join()
            cut = rome_names.result() and not loaded.describes_rome  # the index may take ROME's part from the cache
            quads, graph_count, report = _finish(store, settings, loaded, rome_database if cut else None, shared)
    return BuildResult(
        documents=len(paths),
        graphs=graph_count,
        quads=quads,
        report=report,
        rejections=tuple(loaded.rejections),
        duplicates=tuple(duplicates),
    )


def _documents(paths: list[Path], settings: BuildSettings) -> Generator[CheckedBatch, None, None]:
    return checked_batches(
        paths,
        settings.base_iri,
        settings.batch_size,
        settings.workers,
        settings.keep_going,
        settings.rome,
        parent_busy=True,
    )


def _checked_before(rome: RomeStage, batches: Iterator[CheckedBatch], early: BatchSpool) -> None:
    """Spool the batches checked until the ROME stage is done (all of them, if it ends last)."""
    while not rome.done():
        batch = next(batches, None)
        if batch is None:
            break
        early.put(batch)


def _load_documents(store: Store, batches: Iterable[CheckedBatch], settings: BuildSettings, loaded: _Loaded) -> None:
    """Bulk-load each checked batch's valid graphs into ``store``.

    When the build will be refused (a rejection or a violation, without ``keep_going``) the
    remaining batches are still checked, only to list every reason, and nothing more is loaded."""
    seen: dict[str, Path] = {}
    for batch in batches:
        kept, rejected = accept(batch, seen)
        loaded.rejections += rejected
        loaded.reports.append(batch.report)
        if batch.report.violations and settings.keep_going:
            batch.report.raise_if_invalid()  # not a document's fault (e.g. a reference graph)
        if (loaded.rejections or batch.report.violations) and not settings.keep_going:
            continue  # the build will be refused: go on only to list every reason
        store.bulk_load(b"".join(g.nquads for g in kept), ox.RdfFormat.N_QUADS)
        loaded.quads += sum(g.quads for g in kept)
        loaded.graphs += len(kept)
        loaded.digests.extend(g.digest for g in kept if g.digest is not None)
        loaded.describes_rome = loaded.describes_rome or any(g.describes_rome for g in kept)


def _finish(
    store: Store,
    settings: BuildSettings,
    loaded: _Loaded,
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
    iris, digests, rejections = settings.iris, loaded.digests, loaded.rejections
    made_here = alignment_graph_names(digests, iris) | {str(iris.graph("validation"))}
    built = {g.value for g in store.named_graphs()} | made_here
    carried = carry_written(settings.store_dir, store, built, settings.discard_updates)
    indexing = Indexing(store, None if carried else rome_names, iris.base, shared)
    try:
        aligned, alignment_report = check_alignment(digests, iris.base, settings.rome)
        alignment_report.raise_if_invalid()
        report = merge_reports([*loaded.reports, alignment_report])
        rejections.sort(key=_rejection_order)
        # The SHACL results that do not stop a build (warnings) and the documents left out are
        # kept in the store, for the quality report.
        extra = aligned + [validation_graph(report, iris, rejections)]
        store.bulk_add(chain.from_iterable(to_oxigraph_quads(m.graph, m.triples) for m in extra))
        store.flush()  # the final compaction, while the index is still being written
    finally:
        indexing.result()
    quads = loaded.quads + sum(len(m.triples) for m in extra)
    graph_count = loaded.graphs + len(extra)
    if carried:
        graph_count += len(carried)
        quads = len(store)
    return quads, graph_count, report
