"""ROME's part of the name index, cached per export (kg.search.rome_names): the same index, or none of it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from kg.build import build
from kg.core.vocab import MKG, RDF, SKOS
from kg.rome_stage import cache_directory
from kg.search import INDEX_DIR, SearchIndex, write_index
from kg.search.rome_names import describes_rome
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
    cache = cache_directory(built_store)
    assert len(list(cache.glob("rome-*.names-*.json"))) == 1  # written once, beside the ROME database


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
