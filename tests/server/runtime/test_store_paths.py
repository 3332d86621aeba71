"""Where ``metiers-kg serve`` finds its store: a relative ``--store`` is the user's working directory's."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from flask import Flask

from kg.core.vocab import DEFAULT_BASE_IRI, ONTOLOGY_IRI
from tests.conftest import SEEDS, run_cli
from tests.server.conftest import DEV_LABEL, occupation_quads, write_build
from tests.serving import serving

pytestmark = pytest.mark.slow


def test_a_relative_store_is_resolved_against_the_working_directory(tmp_path: Path) -> None:
    """As under ``make run`` (``--store var/store``): the dumps listed at /dumps/ all download."""
    write_build(tmp_path / "var" / "store", occupation_quads())
    with serving(Path("var/store"), tmp_path / "serve.log", "--workers", "1", cwd=tmp_path) as (base, _):
        listing = requests.get(f"{base}/dumps/", headers={"Accept": "text/html"}, timeout=30)
        assert listing.status_code == 200, listing.text
        dump = requests.get(f"{base}/dumps/metiers-kg.ttl.gz", timeout=30)
        assert dump.status_code == 200, dump.text
        turtle = gzip.decompress(dump.content)
    labels = {q.object.value for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert DEV_LABEL in labels
    assert (tmp_path / "var" / "store" / "dumps").is_dir()  # written where the user's store is


LOCAL_BASE = "http://127.0.0.1:8000/"  # as in the issue: a build for a server reached directly


@pytest.fixture(scope="module")
def local_base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("local-base") / "store"
    result = run_cli("build", "--seeds", SEEDS, "--store", store, "--base-iri", LOCAL_BASE)
    assert result.returncode == 0, result.stderr
    return store


def test_serve_uses_the_base_iri_the_store_was_built_with(local_base_store: Path, tmp_path: Path) -> None:
    with serving(local_base_store, tmp_path / "serve.log", "--workers", "1") as (base, _):
        page = requests.get(f"{base}/metier/MET.717", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and f"{LOCAL_BASE}metier/MET.717" in page.text
        ontology = requests.get(f"{base}/ontology", headers={"Accept": "text/turtle"}, timeout=30)
        assert ontology.status_code == 200 and ONTOLOGY_IRI in ontology.text
        editor = requests.get(f"{base}/", headers={"Accept": "text/html"}, timeout=30)
        assert f'"base_iri": "{LOCAL_BASE}"' in editor.text  # the editor's examples and links (its settings)


def test_serve_refuses_a_base_iri_that_contradicts_the_store(local_base_store: Path) -> None:
    result = run_cli("serve", "--store", local_base_store, "--port", "1", "--base-iri", DEFAULT_BASE_IRI, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"metiers-kg serve: error: {local_base_store}: was built with base IRI {LOCAL_BASE}, not {DEFAULT_BASE_IRI}; "
        f"leave --base-iri (METIERS_KG_BASE_IRI) out to use the store's, or build again with --base-iri "
        f"{DEFAULT_BASE_IRI}"
    ]


def test_dump_describes_the_store_under_its_recorded_base(local_base_store: Path, tmp_path: Path) -> None:
    result = run_cli("dump", "--store", local_base_store, "--format", "all", "--output", tmp_path / "dumps")
    assert result.returncode == 0, result.stderr
    void = (tmp_path / "dumps" / "void.ttl").read_text(encoding="utf-8")
    assert f"<{LOCAL_BASE}dataset>" in void and DEFAULT_BASE_IRI + "dataset" not in void


def test_the_ontology_answers_whatever_the_base(make_app: Callable[..., Flask], local_base_store: Path) -> None:
    """Its IRI is fixed: served under another base (a store that recorded none), it is still found."""
    client = make_app(local_base_store, base_iri="https://example.org/elsewhere/").test_client()
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and "owl:Ontology" in response.get_data(as_text=True)
