"""Deterministic serialisations of a store: same store content → byte-identical files.

``write_dump`` writes one file (``metiers-kg dump --format turtle|nquads|trig``);
``write_dump_set`` writes what is published under ``/dumps/``: the whole graph as N-Quads, TriG
and Turtle, one Turtle file per named graph, all gzip'd, the VoID + DCAT description and
``SHA256SUMS`` (``metiers-kg dump --format all``).
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from kg.alignment.sssom import crosswalk_tsv, mappings_from_store, sssom_tsv
from kg.core.errors import StoreError
from kg.core.vocab import DCAT, IANA_MEDIA_TYPES, OWL, PREFIXES, SPDX, VOID
from kg.publish.dataset import (
    FORMAT_INFO,
    Distribution,
    Publication,
    compute_statistics,
    content_version,
    describe,
    sort_triples,
    to_turtle,
)
from kg.store import Store, current_build

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
    data = quads if fmt.supports_datasets else _union_triples(quads)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return _serialized(data, fmt, prefixes)


def _serialized(
    data: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    serialized = ox.serialize(data, format=fmt, prefixes=prefixes)
    assert serialized is not None  # given no output, serialize returns the bytes
    return serialized


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


# -- the published dump set: every format, one Turtle file per named graph, VoID, sums --------------

DUMP_STEM = "metiers-kg"
WHOLE_DUMPS = (("nquads", "nq"), ("trig", "trig"), ("turtle", "ttl"))
GRAPHS_DIR = "graphs"
DUMPS_DIR = "dumps"  # STORE/dumps/<build id>/: where the server keeps (and `dump --format all` pre-writes) them
VOID_FILE = "void.ttl"
SSSOM_FILE = "mappings.sssom.tsv.gz"
CROSSWALK_FILE = "esco-rome.sssom.tsv.gz"  # the official ESCO–ROME mapping set, as its publisher gives it
SUMS_FILE = "SHA256SUMS"
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class DumpSet:
    """A directory of dumps: its version, its files (with sizes and sums) and its description."""

    directory: Path
    base_iri: str
    version: str
    files: tuple[Distribution, ...]

    def names(self) -> list[str]:
        """Every file a client may download, in SHA256SUMS order."""
        return sorted([f.name for f in self.files] + [VOID_FILE, SUMS_FILE])


@contextmanager
def dumps_lock(root: Path) -> Iterator[None]:
    """One writer of ROOT's dump sets at a time (server workers, and ``dump --format all``)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def default_dump_directory(store_dir: Path) -> Path:
    """Where the server looks for the dump set of the current build (it writes it there if missing)."""
    return Path(store_dir) / DUMPS_DIR / current_build(store_dir).name


def graph_file_name(graph: str, base_iri: str) -> str:
    """``<base>graph/fiche/MET.717`` → ``graphs/fiche/MET.717.ttl.gz``; other IRIs by a hash."""
    prefix = base_iri + "graph/"
    rest = graph[len(prefix) :] if graph.startswith(prefix) else ""
    if rest and all(_SAFE_SEGMENT.fullmatch(segment) for segment in rest.split("/")):
        return f"{GRAPHS_DIR}/{rest}.ttl.gz"
    return f"{GRAPHS_DIR}/_other/{hashlib.sha256(graph.encode('utf-8')).hexdigest()[:16]}.ttl.gz"


def _union_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return sort_triples(ox.Triple(q.subject, q.predicate, q.object) for q in quads)


def write_dump_set(store: Store, directory: Path, base_iri: str) -> DumpSet:
    """Write every dump, gzip'd without timestamps, then void.ttl and SHA256SUMS; swap in at the end.

    The version is the project's plus the sha256 of the sorted N-Quads, so two builds of the
    same seeds give the same version and byte-identical files. ``directory`` must be new, empty
    or an earlier dump set: it is replaced whole, never merged.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()) and not (directory / SUMS_FILE).is_file():
        raise StoreError(
            f"{directory}: exists and is not a dump directory (no {SUMS_FILE}); give a new or empty directory"
        )
    quads = sorted(store.quads(), key=_sort_key)
    nquads = _serialized(quads, ox.RdfFormat.N_QUADS)
    version = content_version(hashlib.sha256(nquads).hexdigest())
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.partial-"))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the published files from a web server
        files = []
        for format_name, suffix in WHOLE_DUMPS:
            if format_name == "nquads":
                payload = nquads
            elif format_name == "trig":
                payload = _serialized(quads, ox.RdfFormat.TRIG, PREFIXES)
            else:
                payload = _serialized(_union_triples(quads), ox.RdfFormat.TURTLE, PREFIXES)
            files.append(_write_gz(staging, f"{DUMP_STEM}.{suffix}.gz", format_name, None, payload))
        del nquads
        mappings = sssom_tsv(mappings_from_store(store), base_iri)  # the alignment, for SSSOM tools
        files.append(_write_gz(staging, SSSOM_FILE, "sssom", None, mappings.encode("utf-8")))
        crosswalk = crosswalk_tsv(store, base_iri)
        if crosswalk is not None:  # a distribution of the graph that holds the mapping set
            files.append(_write_gz(staging, CROSSWALK_FILE, "sssom", crosswalk[0], crosswalk[1].encode("utf-8")))
        for graph, group in groupby(quads, key=lambda q: q.graph_name):
            if isinstance(graph, ox.NamedNode):  # default-graph triples are in the whole dumps only
                triples = _union_triples(list(group))
                payload = _serialized(triples, ox.RdfFormat.TURTLE, PREFIXES)
                files.append(_write_gz(staging, graph_file_name(graph.value, base_iri), "turtle", graph.value, payload))
        files.sort(key=lambda f: f.name)
        stats = compute_statistics(store, base_iri)
        publication = Publication(base_iri=base_iri, version=version, distributions=tuple(files))
        (staging / VOID_FILE).write_bytes(to_turtle(describe(stats, publication)))
        dump_set = DumpSet(directory, base_iri, version, tuple(files))
        sums = [f"{_sha256_file(staging / name)}  {name}\n" for name in dump_set.names() if name != SUMS_FILE]
        (staging / SUMS_FILE).write_text("".join(sums), encoding="utf-8")
        _swap_in(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dump_set


def _write_gz(directory: Path, name: str, format_name: str, graph: str | None, payload: bytes) -> Distribution:
    data = gzip.compress(payload, mtime=0)
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Distribution(
        name=name, format=format_name, graph=graph, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _swap_in(staging: Path, directory: Path) -> None:
    """Replace ``directory`` by ``staging`` (each step a rename; readers see old or new, briefly none)."""
    if not directory.exists():
        os.rename(staging, directory)
        return
    old = directory.parent / f".{directory.name}.old-{os.getpid()}"
    os.rename(directory, old)
    os.rename(staging, directory)
    shutil.rmtree(old, ignore_errors=True)


def read_dump_set(directory: Path) -> DumpSet:
    """An existing dump set, from its void.ttl (the one description of the files); raises StoreError."""
    directory = Path(directory)
    try:
        triples = list(ox.parse(path=str(directory / VOID_FILE), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as error:
        raise StoreError(f"{directory}: not a readable dump set: {error}") from None
    values: dict[tuple[str, str], list[str]] = {}
    for t in triples:
        values.setdefault((str(t.subject.value), t.predicate.value), []).append(t.object.value)
    datasets = [s for (s, p), objs in values.items() if p == VOID + "sparqlEndpoint"]
    if len(datasets) != 1:
        raise StoreError(f"{directory / VOID_FILE}: expected one dataset with a SPARQL endpoint")
    dataset = datasets[0]
    base_iri = dataset[: -len("dataset")]
    by_media = {IANA_MEDIA_TYPES + info.media_type: name for name, info in FORMAT_INFO.items()}
    files = []
    for (owner, predicate), nodes in sorted(values.items()):
        if predicate != DCAT + "distribution":
            continue
        for node in nodes:
            url = values.get((node, DCAT + "downloadURL"))
            if not url:
                continue  # the SPARQL access, not a file
            checksum = values[(node, SPDX + "checksum")][0]
            files.append(
                Distribution(
                    name=url[0][len(base_iri + "dumps/") :],
                    format=by_media[values[(node, DCAT + "mediaType")][0]],
                    graph=None if owner == dataset else owner,
                    size=int(values[(node, DCAT + "byteSize")][0]),
                    sha256=values[(checksum, SPDX + "checksumValue")][0],
                )
            )
    version = values[(dataset, str(OWL.versionInfo))][0]
    return DumpSet(directory, base_iri, version, tuple(sorted(files, key=lambda f: f.name)))
