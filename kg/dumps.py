"""Deterministic serialisations of a store: same store content → byte-identical files."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store import Store
from kg.vocab import PREFIXES

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def serialize(store: Store, format_name: str) -> bytes:
    """All quads (or, for triple formats, the union of all graphs) sorted, with our prefixes."""
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise StoreError(f"unknown dump format {format_name!r}; expected one of {', '.join(sorted(FORMATS))}")
    quads = sorted(store.quads(), key=_sort_key)
    if fmt.supports_datasets:
        data = quads
    else:
        unique = {(q.subject, q.predicate, q.object) for q in quads}
        data = sorted((ox.Triple(*t) for t in unique), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(data, format=fmt, prefixes=prefixes)


def write_dump(store: Store, format_name: str, output: Path) -> int:
    """Write atomically (temp file + rename); gzip without a timestamp when the name ends in .gz."""
    payload = serialize(store, format_name)
    if output.name.endswith(".gz"):
        payload = gzip.compress(payload, mtime=0)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(payload)
