"""The build's side tasks: work started in a thread (``Task``), a new ROME export's stage in a process
(``RomeStage``), and the name index written while the build aligns (``Indexing``), in a worker process of
the build's own start method (``process_context``), started with the build when ROME's names are cached
(``SharedNamesProcess``)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Generic, TypeVar

from kg.rome_stage import prepared_rome
from kg.search import INDEX_DIR, write_index
from kg.search.names import Rows, build_rows
from kg.search.rome_names import rows_file, shared_names, write_shared_index
from kg.store import Store


def process_context() -> multiprocessing.context.ForkServerContext:
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


class RomeStage:
    """A ROME export not cached yet is mapped and checked (``kg.rome_stage.prepared_rome``) in a process of
    its own while the documents' batches are checked: its memory (a gigabyte at its peak) goes back to the
    system when it ends, and its Python has a core of its own. A cached export needs no process."""

    def __init__(self, export: Path | None, base_iri: str, cache: Path, entry: Path) -> None:
        self.entry = entry
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[Path] | None = None
        if not entry.is_dir():
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=process_context())
            self._future = self._pool.submit(prepared_rome, export, base_iri, cache, entry)

    def done(self) -> bool:
        return self._future is None or self._future.done()

    def result(self) -> Path:
        """The ROME database; re-raises what the stage raised (the export's FILE:LINE, its shapes' report)."""
        if self._future is None or self._pool is None:
            return self.entry
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()


class SharedNamesProcess:
    """The name index's process, started with the build when ROME's names are cached: while the documents
    are checked, it prepares what every build from this ROME export shares (ROME's and ESCO's entities and
    their names' forms, ``kg.search.rome_names.shared_names``); once given the documents' rows, it writes
    the index. So the part left on the build's critical path is the documents' own."""

    def __init__(self, rome_database: Path, base_iri: str) -> None:
        context = process_context()
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_write_when_told, args=(child, rome_database, base_iri), name="name-index", daemon=True
        )
        self._process.start()
        child.close()
        self._used = False

    @classmethod
    def start_if_cached(cls, rome_database: Path, base_iri: str) -> SharedNamesProcess | None:
        """Started when ROME's names are cached already (a cold build caches them first, in its own task)."""
        return cls(rome_database, base_iri) if rows_file(rome_database).exists() else None

    def write(self, store: Store, directory: Path) -> int:
        """The index of ``store`` (its documents' rows sent to the process) into ``directory``."""
        self._used = True
        try:
            self._connection.send((build_rows(store), str(directory)))
        except OSError:
            pass  # it has ended (a failure while preparing): what it said is still to be read
        try:
            outcome, value = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"the name index's process ended (exit status {self._process.exitcode})") from None
        if outcome == "error":
            raise value
        return int(value)

    def __enter__(self) -> SharedNamesProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop an unused process (a refused build need not wait for it: it writes nothing before it is
        given the rows), and wait for it."""
        if not self._used:
            self._process.terminate()
        self._connection.close()
        self._process.join()


def _write_when_told(connection: Connection, rome_database: Path, base_iri: str) -> None:
    """In the index's process: prepare the shared part, then write the index once the rows come."""
    try:
        shared = shared_names(rome_database, base_iri)
        rows, directory = connection.recv()
        connection.send(("done", write_shared_index(shared, rows, Path(directory))))
    except EOFError:
        return  # the build has ended without needing the index
    except BaseException as error:  # noqa: BLE001 -- handed to the build, which raises it
        try:
            connection.send(("error", error))
        except Exception:  # noqa: BLE001 -- an error that does not pickle: its text
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        connection.close()


class Indexing:
    """The name index of the new build (in its directory: switched with it), written while the build aligns.

    With ROME's rows cached (``rome_database``), a thread runs the documents' queries (in Oxigraph, outside
    the GIL) and hands the rest (entities, tantivy, the entity table: pure Python) to a worker process, so
    that it does not share the GIL with the alignment: the ``shared`` process when the build started one,
    else a new one; without, ``write_index`` of the whole store runs in the thread."""

    def __init__(
        self, store: Store, rome_database: Path | None, base_iri: str, shared: SharedNamesProcess | None = None
    ) -> None:
        if store.path is None:
            raise ValueError("the name index is written beside a store on disk")
        directory = store.path / INDEX_DIR
        if rome_database is None:
            self._task: Task[int] = Task("name-index", write_index, store, directory)
        elif shared is not None:
            self._task = Task("name-index", shared.write, store, directory)
        else:
            self._task = Task("name-index", _index_in_process, store, rome_database, base_iri, directory)

    def result(self) -> None:
        self._task.result()


def _index_in_process(store: Store, rome_database: Path, base_iri: str, directory: Path) -> int:
    rows = build_rows(store)
    with ProcessPoolExecutor(max_workers=1, mp_context=process_context()) as pool:
        return pool.submit(_write_keeping_shared, rows, rome_database, base_iri, directory).result()


def _write_keeping_shared(rows: dict[str, Rows], rome_database: Path, base_iri: str, directory: Path) -> int:
    """The index, through the shared part it makes and keeps beside the ROME database (the next build's
    ``SharedNamesProcess`` loads it): the same index as ``write_merged_index``."""
    return write_shared_index(shared_names(rome_database, base_iri), rows, directory)
