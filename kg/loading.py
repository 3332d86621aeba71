"""``metiers-kg load``: add RDF files to a named graph, copy-on-write so readers are never disturbed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import RdfInputError, StoreError
from kg.store import RDF_FORMATS_BY_SUFFIX, current_build, new_build


def load_files(store_dir: Path, graph: str, files: list[Path]) -> int:
    """Load every file into ``graph`` in a copy of the current store, then switch to it (all or nothing).

    A store that does not exist yet is created, so ``load`` also works on an empty PATH.
    """
    graph_node = _graph_node(graph)
    for path in files:
        if path.suffix.lower() not in RDF_FORMATS_BY_SUFFIX:
            raise StoreError(
                f"{path}: unknown RDF file extension {path.suffix!r}; "
                f"expected one of {', '.join(sorted(RDF_FORMATS_BY_SUFFIX))}"
            )
        if not path.is_file():
            raise RdfInputError(f"{path}: no such file")
    try:
        current_build(store_dir)
        exists = True
    except StoreError:
        exists = False
    with new_build(store_dir, copy_current=exists) as store:
        store.touched.add(graph)  # not produced by a build: kept by the next one (kg.store.carry_written)
        for path in files:
            try:
                store.load_file(path, graph_node)
            except SyntaxError as error:
                raise RdfInputError(f"{path}: {error}") from None
            except OSError as error:
                raise RdfInputError(f"{path}: cannot be read: {error}") from None
        count = len(store)
    return count


def _graph_node(graph: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(graph)
    except ValueError as error:
        raise StoreError(f"invalid graph IRI {graph!r}: {error}") from None
