"""The query editor page (YASGUI, vendored) and its example queries, against the seeds' graph."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.core.vocab import MKG, MKG_NS
from kg.store import Store
from server.sparql.editor import EXAMPLES

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
STATIC = Path(__file__).resolve().parents[3] / "server" / "static" / "yasgui"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture()
def client(make_app: Callable[..., Flask], built_store: Path) -> FlaskClient:
    return make_app(built_store, query_timeout=30).test_client()


def test_root_and_sparql_give_the_editor_to_browsers(client: FlaskClient) -> None:
    for path in ("/", "/sparql"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert '<script src="/static/yasgui/yasgui.min.js">' in page
        assert 'href="/static/yasgui/yasgui.min.css"' in page
        assert '"http://localhost/sparql"' in page  # the editor queries this server
        assert all(f'data-example="{e.key}"' in page for e in EXAMPLES)


def editor_settings(page: str) -> dict:
    """The settings the editor page hands to its script (server/static/editor.js)."""
    found = re.search(r'<script type="application/json" id="editor-settings">(.*?)</script>', page, re.S)
    assert found, "no editor settings in the page"
    return json.loads(found.group(1))


def test_behind_a_proxy_the_editor_queries_the_public_endpoint(
    make_app: Callable[..., Flask], built_store: Path
) -> None:
    """An https proxy in front of a plain-http server: the page must not send the browser to the
    inside URL (a mixed-content block), and without --public-url it keeps the request's path prefix."""
    public = make_app(built_store, public_url="https://kg.example.org/api").test_client()
    page = public.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '"https://kg.example.org/api/sparql"' in page and "http://localhost" not in page
    assert editor_settings(page)["resource_root"] == "https://kg.example.org/api"  # result IRIs open there
    mounted = make_app(built_store).test_client()
    page = mounted.get("/", base_url="http://localhost/kg/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '"http://localhost/kg/sparql"' in page


def test_the_page_loads_nothing_from_elsewhere(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    loaded = re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert loaded and all(url.startswith("/") for url in loaded), loaded
    script = client.get("/static/editor.js").get_data(as_text=True)
    assert editor_settings(page)["prefixes_url"] == "/ui/prefixes.json"  # no prefix.cc
    assert 'autocompleters = ["prefixes", "variables"]' in script  # no LOV
    assert "<script>" not in page  # no inline script: the pages' CSP forbids them
    prefixes = client.get("/ui/prefixes.json").get_json()
    assert prefixes["mkg"] == MKG_NS and prefixes["void"] == "http://rdfs.org/ns/void#"
    for name in ("yasgui.min.js", "yasgui.min.css"):
        assert client.get(f"/static/yasgui/{name}").status_code == 200


def test_the_vendored_files_are_those_the_provenance_note_names(client: FlaskClient) -> None:
    note = (STATIC / "PROVENANCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^([0-9a-f]{64})  (\S+)$", note, flags=re.M))
    assert sorted(listed.values()) == ["LICENSE.txt", "yasgui.min.css", "yasgui.min.js", "yasgui.min.js.LICENSE.txt"]
    for digest, name in listed.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    assert "4.2.28" in note and "MIT" in (STATIC / "LICENSE.txt").read_text(encoding="utf-8")


def test_machine_clients_of_sparql_are_not_given_the_editor(client: FlaskClient) -> None:
    for accept in (None, "*/*", "text/turtle", "application/sparql-results+json"):
        response = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert response.mimetype != "text/html", accept
        response.close()
    query = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": BROWSER})
    assert query.status_code == 200 and query.mimetype != "text/html"  # a query is answered, not edited
    query.close()
    assert client.get("/", headers={"Accept": "*/*"}).mimetype == "text/html"


def run_example(client: FlaskClient, key: str) -> list[dict[str, str]]:
    query = next(e for e in EXAMPLES if e.key == key).for_base(BASE)
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = json.loads(response.data)["results"]["bindings"]
    response.close()
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def triples(store_dir: Path) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in Store.open_current(store_dir).quads()}


def test_the_rome_example_finds_the_occupations_of_m1810(client: FlaskClient, built_store: Path) -> None:
    facts = triples(built_store)
    kinds = {str(MKG.FicheMetier), str(MKG.EmploiType)}
    expected = {
        s
        for s, p, o in facts
        if p == str(MKG.romeFiche) and o == BASE + "rome/M1810" and any((s, RDF_TYPE, k) in facts for k in kinds)
    }
    rows = run_example(client, "rome-m1810")
    assert {r["metier"] for r in rows} == expected
    assert BASE + "metier/MET.717" in expected


def test_the_evolutions_example_follows_passerelles_both_ways(client: FlaskClient, built_store: Path) -> None:
    facts = triples(built_store)
    start = next(
        s
        for s, p, o in facts
        if p == PREF_LABEL and o == "Concepteur développeur" and (s, RDF_TYPE, str(MKG.EmploiType)) in facts
    )
    expected = {o for s, p, o in facts if s == start and p == str(MKG.possibleEvolution)} | {
        s for s, p, o in facts if o == start and p == str(MKG.possibleOrigin)
    }
    rows = run_example(client, "evolutions")
    assert {r["evolution"] for r in rows} == expected and expected


def test_the_formations_example_lists_the_eleven_formations_of_met_717(client: FlaskClient) -> None:
    rows = run_example(client, "formations")
    assert len({r["formation"] for r in rows}) == 11
    assert {"code": "FOR.10998", "formation": BASE + "formation/FOR.10998"}.items() <= next(
        r for r in rows if r["code"] == "FOR.10998"
    ).items()


def test_the_esco_example_lists_every_skos_match_of_an_emploi_type(client: FlaskClient, built_store: Path) -> None:
    facts = triples(built_store)
    matches = {"exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"}
    expected = {
        (s, o)
        for s, p, o in facts
        if p.rsplit("#", 1)[-1] in matches
        and p.startswith("http://www.w3.org/2004/02/skos/core#")
        and o.startswith("http://data.europa.eu/esco/occupation/")
        and (s, RDF_TYPE, str(MKG.EmploiType)) in facts
    }
    rows = run_example(client, "esco")
    assert {(r["emploiType"], r["esco"]) for r in rows} == expected


@pytest.mark.parametrize("key", ["competences", "niveaux", "graphes"])
def test_the_other_examples_answer(client: FlaskClient, key: str) -> None:
    assert run_example(client, key)


def test_home_page_says_what_the_graph_holds(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    holdings = re.sub(r"[ \n]+", " ", re.search(r'<p class="holdings">(.*?)</p>', page, re.S).group(1))
    assert holdings.startswith(
        'Le graphe contient <a href="/metier/">2 fiches métiers</a>, <a href="/formation/">18 formations</a>, '
    )  # the seeds' fiches recommend them
    assert '<a href="/emploi-type/">36 emplois-types</a>, 1 témoignage, ' in holdings
    assert holdings.endswith('<a href="/rome/">1\u202f584 fiches ROME</a>, 1\u202f727 appellations ROME.')  # the subset
