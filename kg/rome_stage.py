"""The ROME stage of the build: one export → its mapped, validated graphs in an Oxigraph database, cached.

Two graphs: ``<base>graph/rome`` (the export) and ``<base>graph/esco-rome`` (the official
ESCO–ROME mapping set, kg.mapping.esco_rome).

Mapping and checking the whole export (0.8 M triples) costs about fifteen seconds, and it
depends only on the export's bytes, the base IRI and this code; so the result is kept as a
ready Oxigraph database under ``<cache>/rome-<key>``, the key being a digest of the export's
file checksums, the base IRI and the fingerprint of the code, ontology and shapes that make
it. A build starts its new database as a checkpoint of that one (RocksDB hard links: no copy)
and adds the seed documents. A cache entry appears only once its graph has passed its shapes
(kg.validation.store), by an atomic rename, so a failed or killed stage leaves nothing behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.core.dates import source_date
from kg.core.errors import StoreError
from kg.mapping.esco_rome import default_crosswalk, map_crosswalk
from kg.mapping.iris import Iris
from kg.mapping.ntriples import NTriplesBuilder
from kg.mapping.rome import default_export, map_export
from kg.sources._rome_files import open_export
from kg.sources.esco_rome import parse_crosswalk
from kg.sources.rome import checksum, parse_export
from kg.validation.store import validate_store

CACHE_ENV = "METIERS_KG_CACHE"
# What the cached graph depends on besides the export and the base IRI.
CODE = (
    "kg/sources/esco_rome.py",
    "kg/mapping/esco_rome.py",
    "kg/sources/rome.py",
    "kg/sources/_rome_files.py",
    "kg/sources/_rome_columns.py",
    "kg/sources/_rome_checks.py",
    "kg/sources/_rome_records.py",
    "kg/sources/_rome_classifications.py",
    "kg/sources/_rome_types.py",
    "kg/mapping/rome.py",
    "kg/mapping/_rome_parts.py",
    "kg/mapping/ntriples.py",
    "kg/mapping/iris.py",
    "kg/mapping/core.py",
    "kg/core/graph.py",
    "kg/core/dates.py",
    "kg/validation/store.py",
    "kg/rome_stage.py",
)
DATA = (("metiers_kg_data.ontology", "metiers-kg.ttl"), ("metiers_kg_data.shapes", "rome-shapes.ttl"))


def cache_directory(store_dir: Path) -> Path:
    """``$METIERS_KG_CACHE`` when set (tests share one), else ``<store>/cache`` beside the builds."""
    return Path(os.environ.get(CACHE_ENV) or Path(store_dir) / "cache")


def _fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for name in CODE:
        digest.update((root / name).read_bytes())
    for package, resource in DATA:
        digest.update((files(package) / resource).read_bytes())
    return digest.hexdigest()


def cache_key(export: Path, base_iri: str) -> str:
    """The content address of a ROME graph: export and crosswalk checksums + base IRI + code fingerprint
    + the build date its provenance carries (``SOURCE_DATE_EPOCH``: another date, another graph)."""
    crosswalk = hashlib.sha256(default_crosswalk().read_bytes()).hexdigest()
    moment = source_date()
    date = moment.isoformat() if moment is not None else "no date"
    parts = f"{checksum(open_export(export))}\n{crosswalk}\n{base_iri}\n{_fingerprint()}\n{date}"
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


@contextmanager
def _locked(cache: Path) -> Iterator[None]:
    with open(cache / ".rome.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second build waits for the first to fill the cache
        yield


def cached_quads(database: Path) -> int:
    """How many quads a cache entry holds (written beside it when it was made)."""
    try:
        return int(database.with_suffix(".quads").read_text())
    except (OSError, ValueError):
        return 0


def rome_entry(export: Path | None, base_iri: str, cache: Path) -> Path:
    """Where the database of this export sits in ``cache``, made or not (see ``prepared_rome``)."""
    return cache / f"rome-{cache_key(Path(export or default_export()), base_iri)}"


def prepared_rome(export: Path | None, base_iri: str, cache: Path, final: Path | None = None) -> Path:
    """The database directory holding ``<base>graph/rome`` for this export, made if not cached
    (``final``: its ``rome_entry``, when the caller has it already).

    Raises the export's ``SourceError`` (FILE:LINE) or a ``ValidationError``; nothing is cached then.
    """
    export = Path(export or default_export())
    final = final or rome_entry(export, base_iri, cache)
    key = final.name.removeprefix("rome-")
    if final.is_dir():
        return final
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{cache}: cannot create the cache directory: {exc.strerror or exc}") from None
    with _locked(cache):
        if final.is_dir():
            return final
        iris = Iris(base_iri)
        parsed = parse_export(export)
        crosswalk = NTriplesBuilder()
        map_crosswalk(parse_crosswalk(default_crosswalk()), parsed, iris, crosswalk)
        graphs = {
            str(iris.graph("rome")): map_export(parsed, iris).data(),
            str(iris.graph("esco-rome")): crosswalk.data(),
        }
        del parsed
        partial = cache / f".rome-{key}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        try:
            quads = _fill(partial, graphs)
            final.with_suffix(".quads").write_text(str(quads))
            os.rename(partial, final)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        _remove_other_entries(cache, keep=final)
    return final


def _fill(directory: Path, graphs: dict[str, bytes]) -> int:
    store = ox.Store(str(directory))
    try:
        # Lenient: every IRI is minted from codes the parser checked, every literal escaped by kg.mapping.ntriples.
        for graph, data in graphs.items():
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph), lenient=True)
        graphs.clear()
        report = validate_store(store)
        report.raise_if_invalid()
        store.flush()
        return report.triples
    finally:
        del store


def _remove_other_entries(cache: Path, keep: Path, kept: int = 2) -> None:
    """Keep the newest few entries (a previous export stays, for switching back and forth)."""
    entries = sorted(
        (p for p in cache.glob("rome-*") if p.is_dir() and p != keep), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in entries[kept - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
        for beside in cache.glob(f"{old.name}.*"):  # its quad count, ROME rows, pickles (kg.core.cache_files)
            beside.unlink(missing_ok=True)
