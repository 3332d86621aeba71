"""RDF 1.2 triple terms written through SPARQL Update (``<<( s p o )>>``, in object position) on a resource:
its page and its RDF show them as Turtle 1.2 writes them; JSON-LD 1.1, which has none, says so (406)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.core.vocab import DEFAULT_BASE_IRI as BASE

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

TOKEN = "0123456789abcdef-token"
MET_717 = BASE + "metier/MET.717"
TERM = "<<( <https://example.org/a> <https://example.org/says> <https://example.org/c> )>>"
INSERT = f"INSERT DATA {{ GRAPH <https://example.org/notes> {{ <{MET_717}> <https://example.org/source> {TERM} }} }}"


@pytest.fixture()
def client(make_app: Callable[..., Flask], built_store: Path, tmp_path: Path) -> FlaskClient:
    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)  # the session's store stays as built
    client = make_app(store, update_token=TOKEN).test_client()
    written = client.post(
        "/sparql",
        data=INSERT.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert written.status_code == 204, written.get_data(as_text=True)
    return client


def test_the_page_and_the_rdf_show_the_triple_term(client: FlaskClient) -> None:
    page = client.get("/metier/MET.717", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "https://example.org/says" in page.get_data(as_text=True)
    ntriples = client.get("/metier/MET.717", headers={"Accept": "application/n-triples"})
    assert f"<{MET_717}> <https://example.org/source> {TERM} .\n" in ntriples.get_data(as_text=True)
    turtle = client.get("/metier/MET.717", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and f"<https://example.org/source> {TERM}" in turtle.get_data(as_text=True)
    assert client.get("/metier/MET.717", headers={"Accept": "application/rdf+xml"}).status_code == 200


def test_json_ld_says_it_cannot_express_the_triple_term(client: FlaskClient) -> None:
    answer = client.get("/metier/MET.717", headers={"Accept": "application/ld+json"})
    assert answer.status_code == 406
    text = answer.get_data(as_text=True)
    assert "JSON-LD 1.1 cannot express the RDF 1.2 triple term" in text and "text/turtle" in text
