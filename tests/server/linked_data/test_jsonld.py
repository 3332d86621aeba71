"""Compacted JSON-LD with a published @context, application/json on RDF answers, /favicon.ico."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.core.vocab import PREFIXES
from tests.server.conftest import parse_answer
from tests.server.linked_data.test_resources import MET_717, as_terms, described

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture()
def client(make_app: Callable[..., Flask], built_store: Path) -> FlaskClient:
    return make_app(built_store, query_timeout=30).test_client()


def test_the_context_is_published_with_the_datasets_prefixes(client: FlaskClient) -> None:
    response = client.get("/context.jsonld")
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/ld+json; charset=utf-8")
    assert response.get_json() == {"@context": PREFIXES}


def test_a_resource_in_json_ld_is_compacted_against_the_context(client: FlaskClient, built_store: Path) -> None:
    response = client.get("/metier/MET.717", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    document = json.loads(response.data)
    assert document["@context"] == "http://localhost/context.jsonld"
    occupation = next(n for n in document["@graph"] if n["@id"] == MET_717)
    assert "mkg:FicheMetier" in occupation["@type"]
    assert occupation["skos:prefLabel"] == {
        "@value": "administrateur/trice de logiciels de laboratoire",
        "@language": "fr",
    }
    assert occupation["mkg:romeFiche"] == {"@id": BASE + "rome/M1810"}
    assert not any(key.startswith("http://www.w3.org/2004/02/skos/") for n in document["@graph"] for key in n)
    assert as_terms(parse_answer(client, response.data, "json-ld")) == described(built_store, MET_717)


def test_accept_application_json_gets_json_ld_instead_of_406(client: FlaskClient) -> None:
    for path in ("/metier/MET.717", "/ontology", "/dataset", "/.well-known/void"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json; charset=utf-8"), (
            path
        )
        assert len(parse_answer(client, response.data, "json-ld")) > 10, path
    browser = client.get("/metier/MET.717", headers={"Accept": "text/html,application/json;q=0.9"})
    assert browser.headers["Content-Type"] == "text/html; charset=utf-8"  # the alias never wins a tie


def test_application_json_on_a_select_still_means_sparql_results(client: FlaskClient) -> None:
    select = client.get(
        "/sparql",
        query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "application/json"},
    )
    assert select.headers["Content-Type"] == "application/json; charset=utf-8"
    assert list(select.get_json()) == ["head", "results"]
    ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert ask.get_json()["boolean"] is True


def test_favicon(client: FlaskClient) -> None:
    icon = client.get("/favicon.ico")
    assert (icon.status_code, icon.mimetype) == (200, "image/vnd.microsoft.icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00" and b"PNG" in icon.data[:40]  # an ICO holding one PNG
    page = client.get("/metier/MET.717", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico">' in page


def test_a_jsonld_context_url_follows_the_public_url(make_app: Callable[..., Flask], built_store: Path) -> None:
    client = make_app(built_store, public_url="https://kg.example.org/").test_client()
    response = client.get("/metier/MET.717.jsonld")
    assert json.loads(response.data)["@context"] == "https://kg.example.org/context.jsonld"
