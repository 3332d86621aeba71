"""The build's side tasks: work started in a thread (``Task``) and the name index written while the build
aligns (``Indexing``), in a worker process of the build's own start method (``process_context``)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

from kg.search import INDEX_DIR, write_index
from kg.search.names import build_rows
from kg.search.rome_names import write_merged_index
from kg.store import Store


def process_context() -> multiprocessing.context.BaseContext:
    """Worker processes started by a fork server that has imported the build once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.build"])
    return context


T = TypeVar("T")


class Task(threading.Thread, Generic[T]):
    """``function(*arguments)`` in a thread, started at once; ``result`` waits for it and re-raises what it raised."""

    def __init__(self, name: str, function: Callable[..., T], *arguments: object) -> None:
        super().__init__(name=name, daemon=True)
        self.function, self.arguments = function, arguments
        self.value: T | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.function(*self.arguments)
        except BaseException as error:  # noqa: BLE001 -- handed to the building thread by result()
            self.error = error

    def result(self) -> T | None:
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


class Indexing:
    """The name index of the new build (in its directory: switched with it), written while the build aligns.

    With ROME's rows cached (``rome_database``), a thread runs the documents' queries (in Oxigraph, outside
    the GIL) and hands the rest (entities, tantivy, the entity table: pure Python) to a worker process, so
    that it does not share the GIL with the alignment; without, ``write_index`` of the whole store runs in
    the thread."""

    def __init__(self, store: Store, rome_database: Path | None, base_iri: str) -> None:
        if store.path is None:
            raise ValueError("the name index is written beside a store on disk")
        directory = store.path / INDEX_DIR
        if rome_database is None:
            self._task = Task("name-index", write_index, store, directory)
        else:
            self._task = Task("name-index", _index_in_process, store, rome_database, base_iri, directory)

    def result(self) -> None:
        self._task.result()


def _index_in_process(store: Store, rome_database: Path, base_iri: str, directory: Path) -> int:
    rows = build_rows(store)
    with ProcessPoolExecutor(max_workers=1, mp_context=process_context()) as pool:
        return pool.submit(write_merged_index, rows, rome_database, base_iri, directory).result()
