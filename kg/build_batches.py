"""A build's documents in batches: parse, map and validate each batch, in worker processes when that pays.

Each batch is parsed, mapped and validated together with the reference graphs (the only graphs a
document's constraints reach across: ROME, access levels, ontology) and comes back as N-Quads, so
that memory stays bounded whatever the corpus size. Batches run in worker processes (one per core)
when there is more than one, because parsing, mapping and pyshacl are pure-Python CPU work that
threads cannot share; the parent (kg.build) only bulk-loads what each worker returns.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path

from kg.alignment.digest import Digest, digest
from kg.build_tasks import process_context
from kg.core.errors import SourceError
from kg.mapping import Iris, MappedGraph, reference_graphs, to_graph
from kg.search.rome_names import describes_rome
from kg.sources import parse
from kg.store import in_graph, to_ntriples
from kg.validation.mapped import validate
from kg.validation.report import Rejection, Report

BATCH_SIZE = 1000  # at most this many documents per pyshacl run: enough to amortise the reference graphs
PARALLEL_FROM = 100  # below this, starting worker processes costs more than it saves
BATCHES_PER_WORKER = 1  # each batch re-validates the reference graphs: no more batches than needed


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


class BatchSpool:
    """Checked batches waiting on disk, not in memory, until the build can load them.

    A build with a new ROME export checks the documents while ROME's own process maps it, and can
    load nothing before ROME's database is there: 10,000 fiches are ≈ 600 MiB of N-Quads, which held in
    the parent added up with ROME's process and the workers (bench/README.md, issue 11). The spool is
    an unnamed file in ``directory`` (the store's, on its disk), gone however the build ends.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=directory, prefix=".spool-")
        self._held: deque[tuple[CheckedBatch, list[int]]] = deque()  # each graph's length, in file order

    def __len__(self) -> int:
        return len(self._held)

    def put(self, batch: CheckedBatch) -> None:
        self._file.write(b"".join(g.nquads for g in batch.graphs))
        light = tuple(replace(g, nquads=b"") for g in batch.graphs)
        self._held.append((replace(batch, graphs=light), [len(g.nquads) for g in batch.graphs]))

    def batches(self) -> Iterator[CheckedBatch]:
        """The batches put (all put before this is called), in order, each read back whole just before it is wanted."""
        self._file.flush()
        self._file.seek(0)
        while self._held:
            batch, lengths = self._held.popleft()
            graphs = tuple(replace(g, nquads=self._file.read(n)) for g, n in zip(batch.graphs, lengths, strict=True))
            yield replace(batch, graphs=graphs)

    def close(self) -> None:
        self._file.close()


@lru_cache(maxsize=2)
def _references(base_iri: str, rome: Path | None = None) -> list[MappedGraph]:
    return reference_graphs(Iris(base_iri), rome)


@lru_cache(maxsize=2)
def _reference_texts(base_iri: str, rome: Path | None = None) -> tuple[bytes, ...]:
    """The reference graphs as N-Triples, made once per process: every batch validates with them."""
    return tuple(to_ntriples(g.triples) for g in _references(base_iri, rome))


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
    references: list[MappedGraph],
    reference_texts: tuple[bytes, ...],
    graphs: list[MappedGraph],
    texts: list[bytes],
    report: Report,
) -> tuple[list[MappedGraph], list[bytes], Report, list[Rejection]]:
    """Leave out every document with a violation, and check the rest again (they may have leant on it)."""
    rejections: list[Rejection] = []
    while True:
        sources = {g.source for g in graphs}
        bad = [v for v in report.violations if v.source is not None and v.source in sources]
        if not bad:
            return graphs, texts, report, rejections
        rejections.extend(Rejection(v.source, v.line, v.reason()) for v in bad if v.source is not None)
        left_out = {v.source for v in bad}
        kept = [(g, t) for g, t in zip(graphs, texts, strict=True) if g.source not in left_out]
        graphs, texts = [g for g, _ in kept], [t for _, t in kept]
        report = validate(references + graphs, [*reference_texts, *texts])


def check_batch(
    paths: list[Path], base_iri: str, with_references: bool, keep_going: bool = False, rome: Path | None = None
) -> CheckedBatch:
    """Parse, map and validate one batch; runs in a worker process, so it returns plain data.

    Documents that cannot be read or parsed are rejected (with file and line) whatever the mode;
    with ``keep_going`` the documents with SHACL violations are too, and the rest is checked again.
    Each graph is written as N-Triples once: validation loads that, and the build loads it as N-Quads.
    """
    iris = Iris(base_iri)
    references, reference_texts = _references(base_iri, rome), _reference_texts(base_iri, rome)
    mapped = [_map_document(path, iris) for path in paths]
    rejections = [m for m in mapped if isinstance(m, Rejection)]
    graphs = [m for m in mapped if not isinstance(m, Rejection)]
    texts = [to_ntriples(g.triples) for g in graphs]
    report = validate(references + graphs, [*reference_texts, *texts])
    if keep_going:
        graphs, texts, report, refused = _without_invalid(references, reference_texts, graphs, texts, report)
        rejections += refused
    # The ROME fiche hierarchy is validated with the batch but written by the ROME stage (kg.rome_stage).
    checked = [
        _checked(m, text, None, base_iri)
        for m, text in zip(references, reference_texts, strict=True)
        if with_references and m.graph != iris.graph("rome")
    ]
    checked += [_checked(g, text, digest(g), base_iri) for g, text in zip(graphs, texts, strict=True)]
    return CheckedBatch(graphs=tuple(checked), report=report, rejections=tuple(rejections))


def _checked(mapped: MappedGraph, ntriples: bytes, summary: Digest | None, base_iri: str) -> CheckedGraph:
    return CheckedGraph(
        str(mapped.graph),
        mapped.source,
        in_graph(ntriples, str(mapped.graph)),
        len(mapped.triples),
        summary,
        describes_rome(mapped.triples, base_iri),
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
    sizes: list[int] = []
    total, done, cost, size = sum(weights), 0, 0, 0
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
) -> Generator[CheckedBatch, None, None]:
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
