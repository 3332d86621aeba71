"""ROME's part of the name index, cached per export (kg.search.rome_names): the same index, or none of it."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.build import build
from kg.core.errors import MetiersKgError, StoreError
from kg.core.vocab import MKG, RDF, SKOS
from kg.rome_stage import cache_directory, prepared_rome
from kg.search import INDEX_DIR, SearchIndex, write_index
from kg.search.name_rows import NAMES_FILE
from kg.search.rome_names import SharedNames, describes_rome
from kg.search.writing import ENTITIES_FILE
from kg.store import Store, current_build, revise_current
from tests.conftest import SEEDS

BASE = "https://w3id.org/metiers-kg/"
APPELLATION = """PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
SELECT ?a WHERE { ?a a mkg:RomeAppellation } ORDER BY ?a LIMIT 1"""


def test_only_a_graph_about_what_rome_names_describes_rome() -> None:
    fiche, rome = URIRef(BASE + "metier/MET.717"), URIRef(BASE + "rome/M1805")
    assert not describes_rome([(fiche, MKG.romeFiche, rome), (fiche, RDF.type, MKG.FicheMetier)], BASE)
    assert describes_rome([(rome, SKOS.altLabel, Literal("Codeur", lang="fr"))], BASE)
    assert describes_rome([(fiche, RDF.type, MKG.RomeAppellation)], BASE)  # typed as ROME: ROME's queries reach it
    assert describes_rome([(URIRef(BASE + "mapping/0123"), MKG.romeFiche, rome)], BASE)  # a crosswalk node's space


def test_the_seeds_build_takes_rome_names_from_the_cache(built_store: Path) -> None:
    cache = cache_directory(built_store)  # shared by the session's builds, some from other ROME exports
    databases = [entry for entry in cache.glob("rome-*") if entry.is_dir()]
    assert databases
    for database in databases:  # written once, beside its ROME database
        assert len(list(cache.glob(f"{database.name}.names-*"))) == 1  # its rows, or why none (.none)


def test_a_carried_graph_naming_a_rome_appellation_is_indexed(tmp_path: Path) -> None:
    """A graph written online about a ROME appellation is carried into the next build: the ROME rows of
    the cache would miss its name, so that build reads every name from its store."""
    store_dir = tmp_path / "kg"
    build(SEEDS, store_dir, BASE)
    appellation = next(iter(Store.open_current(store_dir).select(APPELLATION)))["a"].value
    with revise_current(store_dir) as store:
        store.oxigraph.update(
            f'INSERT DATA {{ GRAPH <urn:notes> {{ <{appellation}> <{SKOS.altLabel}> "Zorglubiste"@fr }} }}'
        )
    build(SEEDS, store_dir, BASE)
    built = current_build(store_dir) / INDEX_DIR
    assert [c.id for c in SearchIndex(built).search("Zorglubiste")][:1] == [appellation]
    again = write_index(Store.open_current(store_dir), tmp_path / "index")
    assert again > 0 and (tmp_path / "index" / ENTITIES_FILE).read_bytes() == (built / ENTITIES_FILE).read_bytes()


def test_a_build_with_rome_names_cached_still_writes_the_index_of_its_whole_store(
    built_store: Path, tmp_path: Path
) -> None:
    """With ROME's names cached before it starts, a build prepares ROME's and ESCO's part of its index in a
    process of its own while it checks the documents (kg.build_tasks.SharedNamesProcess), then merges the
    documents' entities in (a fiche métier lends its names to its ROME fiche): the same index as one
    written from the finished store."""
    cache = cache_directory(built_store)
    assert list(cache.glob("rome-*.names-*.json"))  # cached by the earlier build: this one starts the process
    store_dir = tmp_path / "kg"
    build(SEEDS, store_dir, BASE)
    built = current_build(store_dir) / INDEX_DIR
    again = write_index(Store.open_current(store_dir), tmp_path / "index")
    assert again > 0
    for table in (ENTITIES_FILE, NAMES_FILE):
        assert (tmp_path / "index" / table).read_bytes() == (built / table).read_bytes(), table
    fiche = SearchIndex(built).lookup("M1810")[0]  # MET.717's ROME fiche, named by MET.717's appellations too
    assert fiche.type == "RomeFiche"
    assert {"prefLabel", "appellation", "ficheMetier"} <= _kinds(built, fiche.id)


def test_the_shared_part_of_the_index_is_kept_beside_the_rome_entry(built_store: Path, tmp_path: Path) -> None:
    """Made once per ROME entry and code (kg.core.cache_files), loaded by the next builds: the same index;
    a damaged file is made again."""
    entry = prepared_rome(None, BASE, cache_directory(built_store))
    store_dir = tmp_path / "kg"
    build(SEEDS, store_dir, BASE)  # makes the shared part, or loads what an earlier test's build made
    (saved,) = entry.parent.glob(f"{entry.name}.shared-names-*.pickle")
    saved.write_bytes(b"damaged")
    build(SEEDS, store_dir, BASE)
    made = _index_files(current_build(store_dir) / INDEX_DIR)
    assert isinstance(pickle.loads(saved.read_bytes()), SharedNames)
    build(SEEDS, store_dir, BASE)  # loads it
    assert _index_files(current_build(store_dir) / INDEX_DIR) == made


def _index_files(index: Path) -> dict[str, bytes]:
    """The tables and tantivy's segment files by extension (a segment's name is random; meta.json names it)."""
    return {
        (f.suffix if len(f.stem) == 32 else f.name): f.read_bytes()
        for f in index.iterdir()
        if f.is_file() and f.name not in ("meta.json", ".managed.json")
    }


def test_a_broken_cache_of_rome_names_fails_the_build_and_keeps_the_served_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METIERS_KG_CACHE", str(tmp_path / "cache"))
    store_dir = tmp_path / "kg"
    build(SEEDS, store_dir, BASE)  # caches ROME's names
    served = current_build(store_dir)
    (rows,) = (tmp_path / "cache").glob("rome-*.names-*.json")
    rows.write_text("{not json", "utf-8")
    for made_from_rows in (tmp_path / "cache").glob("rome-*.shared-names-*.pickle"):
        made_from_rows.unlink()  # else the build needs no rows: the index's shared part is made from them
    with pytest.raises(StoreError, match=r"cannot read the cached ROME names .*; remove it"):
        build(SEEDS, store_dir, BASE)
    assert current_build(store_dir) == served


def _kinds(index: Path, iri: str) -> set[str]:
    """The kinds of the names the index's table gives the entity ``iri``."""
    position = sorted(json.loads((index / ENTITIES_FILE).read_text("utf-8"))["entities"]).index(iri)
    rows = (index / NAMES_FILE).read_text("utf-8").split("\n")
    return {row.split("\t")[1] for row in rows if row.split("\t")[0] == str(position)}


def test_a_refused_build_stops_the_index_process_it_started(built_store: Path, tmp_path: Path) -> None:
    """The index's process is started before the documents are checked; a build refused for a bad
    document stops it instead of waiting for it, and leaves no process behind."""
    assert list(cache_directory(built_store).glob("rome-*.names-*.json"))  # so the build starts the process
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "unknown.txt").write_text("Quelques mots qui ne sont d'aucun genre de document.\n", "utf-8")
    with pytest.raises(MetiersKgError, match="unknown.txt"):
        build(seeds, tmp_path / "kg", BASE)
    assert not [p for p in multiprocessing.active_children() if p.name == "name-index"]
