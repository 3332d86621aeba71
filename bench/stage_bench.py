"""CPU seconds of each build stage, in one process, on real documents (no workers, no store).

    .venv/bin/python bench/stage_bench.py corpus/onisep/fiches-metiers corpus/onisep/fiches-formations

Runs what a build's worker runs on one batch — the reference graphs, then parse, map, SHACL,
N-Quads serialisation and the alignment digest of every document — and prints the CPU time of
each (``time.process_time``: steadier than wall time on a shared machine). Documents that do
not parse are skipped, as ``--keep-going`` would leave them out.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kg.alignment.digest import digest
from kg.build import unique_documents
from kg.build_batches import _checked, _references
from kg.core.errors import SourceError
from kg.mapping import Iris, to_graph
from kg.sources import list_documents, parse
from kg.validation.mapped import validate

BASE = "https://w3id.org/metiers-kg/"


def main() -> None:
    iris = Iris(BASE)
    paths, _copies = unique_documents([p for d in sys.argv[1:] for p in list_documents(Path(d))])
    spent: dict[str, float] = {}

    def timed(stage: str, work):  # noqa: ANN001, ANN202 -- a tiny local helper
        start = time.process_time()
        result = work()
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
        return result

    references = timed("references", lambda: _references(BASE))
    documents = []
    for path in paths:
        try:
            documents.append(timed("parse", lambda path=path: parse(path)))
        except SourceError:
            continue
    graphs = [timed("map", lambda document=document: to_graph(document, iris)) for document in documents]
    report = timed("SHACL", lambda: validate(references + graphs))
    timed("serialise", lambda: [_checked(g, None, BASE) for g in graphs])
    timed("digest", lambda: [digest(g) for g in graphs])
    print(
        f"{len(graphs)} documents, {sum(len(g.triples) for g in graphs):,} triples, {len(report.results)} SHACL results"
    )
    for stage, seconds in spent.items():
        print(f"{stage:12s} {seconds:7.2f} s CPU")


if __name__ == "__main__":
    main()
