"""The ROME part of the name index, read once per ROME export and kept beside its cache entry.

Two thirds of the index's queries (kg.search.names) are about ROME's classes — fiches, appellations,
compétences, savoirs, the ESCO–ROME crosswalk — and take ≈ 8 s over the complete export. Their answers
are the same in every build made from the same ROME database (a kg.rome_stage cache entry), provided
no other graph of the build says anything those queries can reach. That holds when (1) every node the
ROME queries bind is an IRI under one of ``SUBJECT_PREFIXES`` (checked here, once, on the ROME
database) and (2) no other graph has a triple whose subject is under them, nor types anything with a
ROME class (checked per graph by the build, ``describes_rome``). Then the rows read here, merged with
those of the build's own queries, are exactly the rows the whole store gives (tests/kg/test_build.py
compares the build's index with one written from the finished store); otherwise the build runs every
query on its store, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from kg.core import cache_files
from kg.core.errors import StoreError
from kg.core.vocab import MKG, SPARQL_PREFIXES
from kg.search.name_rows import NameForms
from kg.search.names import (
    ROME_CLASSES,
    Entity,
    Parts,
    Rows,
    entities_from_rows,
    esco_entities,
    esco_skill_entities,
    gather,
    queries,
    query_rows,
)
from kg.search.writing import write_entities
from kg.store import Store

SUBJECT_PREFIXES = ("rome", "mapping/")  # under the base IRI: ROME's concepts, the crosswalk's mapping nodes
FORMAT = "2"  # of the rows file; with the queries' text, its name
_CLASS_TERMS = frozenset(str(MKG[name]) for name in (*ROME_CLASSES, "CrosswalkMapping"))
_JOINS = "mkg:appellation|skosxl:altLabel|skos:broader|mkg:romeFiche"  # the predicates the queries follow


def describes_rome(triples: Iterable[tuple], base_iri: str) -> bool:
    """Whether a graph (other than ROME's) could change what the ROME queries answer: a subject under
    the ROME prefixes, or something typed with a ROME class."""
    prefixes = tuple(base_iri + p for p in SUBJECT_PREFIXES)
    rdf_type = RDF.type
    return any(
        str(subject).startswith(prefixes) or (predicate == rdf_type and str(obj) in _CLASS_TERMS)
        for subject, predicate, obj in triples
    )


def rows_file(database: Path) -> Path:
    """``<entry>.names-<digest>.json`` beside the cache entry; the digest is of the queries' text."""
    digest = hashlib.sha256(FORMAT.encode())
    for query in queries():
        if query.rome:
            digest.update(f"{query.key}\n{query.sparql}\n{query.columns}\n".encode())
    return database.with_name(f"{database.name}.names-{digest.hexdigest()[:16]}.json")


def prepare_rows(database: Path, base_iri: str) -> bool:
    """Make sure the ROME queries' rows over the ROME database ``database`` are written beside it (once
    per export: ≈ 8 s); False if its nodes are not all under the prefixes (then nothing is cached, and
    ``<rows file>.none`` says so)."""
    path = rows_file(database)
    refused = path.with_suffix(".none")
    if path.exists():
        return True
    if refused.exists():
        return False
    store = Store(ox.Store.read_only(str(database)), None)
    rome = [q for q in queries() if q.rome]
    try:  # Oxigraph evaluates outside the GIL: the queries (and the check) run on every core
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="rome-names") as pool:
            prefixed = pool.submit(_reached_nodes_prefixed, store, base_iri)
            answers = pool.map(lambda q: query_rows(store, q), rome)
            rows = dict(zip((q.key for q in rome), answers))
            if not prefixed.result():
                _write(refused, "")
                return False
    finally:
        store.close()
    _write(path, json.dumps(rows, ensure_ascii=False, sort_keys=True))
    return True


def rome_rows(database: Path, base_iri: str) -> dict[str, Rows] | None:
    """The ROME queries' rows over the ROME database ``database`` (see ``prepare_rows``), or None."""
    if not prepare_rows(database, base_iri):
        return None
    try:
        data = json.loads(rows_file(database).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{rows_file(database)}: cannot read the cached ROME names ({error}); remove it") from None
    return {key: [tuple(row) for row in rows] for key, rows in data.items()}


def write_merged_index(build_rows: dict[str, Rows], database: Path, base_iri: str, directory: Path) -> int:
    """The build's name index from its own queries' rows and ROME's cached ones (in a process of its own,
    while the build aligns); the same index as ``write_index`` of the store."""
    cached = rome_rows(database, base_iri)
    if cached is None:
        raise StoreError(f"{database}: its ROME names cannot be cached")
    return write_entities(entities_from_rows({**cached, **build_rows}), directory)


@dataclass(frozen=True)
class SharedNames:
    """What the name index of every build made from one ROME export holds besides the documents' names:
    ROME's entities (from the cached rows) and ESCO's, and their names' variants. Prepared while the
    build checks its documents (``kg.build_tasks.SharedNamesProcess``): two thirds of the index's work."""

    database: Path
    base_iri: str
    rome: Parts  # what ROME's rows say of each entity
    entities: dict[str, Entity]  # the entities ROME's rows alone make
    esco: tuple[Entity, ...]
    forms: NameForms  # the names' forms for the index's tables, worked out for these entities


def shared_names(database: Path, base_iri: str) -> SharedNames:
    """ROME's and ESCO's part of the index of any build from the ROME database ``database``: made once
    and kept beside it (``kg.core.cache_files``: ≈ 3 s to make, ≈ 0.6 s to load)."""
    saved_at = cache_files.beside(database, "shared-names", base_iri, rows_file(database).name)
    saved = cache_files.load(saved_at)
    if isinstance(saved, SharedNames) and saved.database == database and saved.base_iri == base_iri:
        return saved
    cached = rome_rows(database, base_iri)
    if cached is None:
        raise StoreError(f"{database}: its ROME names cannot be cached")
    rome = gather({**{q.key: [] for q in queries() if not q.rome}, **cached})
    entities = {entity.iri: entity for entity in rome.entities()}
    esco = (*esco_entities(), *esco_skill_entities())
    forms = NameForms()
    for entity in (*entities.values(), *esco):
        for name in entity.names:
            forms.prepare(name.kind, name.label)
    shared = SharedNames(database, base_iri, rome, entities, esco, forms)
    cache_files.save(saved_at, shared)
    return shared


def write_shared_index(shared: SharedNames, build_rows: dict[str, Rows], directory: Path) -> int:
    """The build's name index from its own queries' rows and the ``shared`` part: the same index as
    ``write_merged_index``. The documents' rows may add to a ROME entity (a fiche métier lends its names
    to its ROME fiche): those entities are made again from both sides' parts."""
    own = gather({**{q.key: [] for q in queries() if q.rome}, **build_rows})
    touched = own.iris() & shared.rome.iris()
    both = shared.rome.add(own, touched)
    if both is None:  # an entity typed one way by ROME, another by a document: every row together
        return write_merged_index(build_rows, shared.database, shared.base_iri, directory)
    made = {entity.iri: entity for entity in (*both.entities(), *own.entities(own.iris() - touched))}
    entities = {**shared.entities, **made}
    graph = (entities[iri] for iri in sorted(entities))
    return write_entities(chain(graph, shared.esco), directory, shared.forms)


def _reached_nodes_prefixed(store: Store, base_iri: str) -> bool:
    """Every node a ROME query binds (a typed entity, what a join reaches) is an IRI under the prefixes."""
    classes = " ".join(f"<{c}>" for c in sorted(_CLASS_TERMS))
    under = " || ".join(f'STRSTARTS(STR(?node), "{base_iri}{p}")' for p in SUBJECT_PREFIXES)
    outside = store.select(
        SPARQL_PREFIXES
        + f"""SELECT ?node WHERE {{
  {{ ?node a ?class VALUES ?class {{ {classes} }} }} UNION {{ ?s {_JOINS} ?node FILTER(!isLiteral(?node)) }}
  FILTER(!(isIRI(?node) && ({under})))
}} LIMIT 1"""
    )
    return not list(outside)


def _write(path: Path, text: str) -> None:
    """Atomically (a concurrent build reads the whole file or none)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text(text, "utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only cache: the next build computes the rows again
