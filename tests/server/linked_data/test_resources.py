"""Dereferenceable IRIs, through Flask's test client on the real store built from seeds/.

Expected triples are computed from the store directly (the description query run by pyoxigraph
in-process), never hard-coded, since the mapping keeps growing; the exact facts that the seeds
fix (MET.717 → ROME M1810, 11 formations) are asserted as such.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from kg.build import build
from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.core.vocab import MKG, MKG_NS
from kg.mapping.iris import Iris
from kg.store import Store
from server.linked_data.description_query import description_query
from tests.conftest import SEEDS
from tests.server.conftest import parse_answer

pytestmark = [
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # rdflib's JSON-LD parser
]

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
MET_717 = BASE + "metier/MET.717"
RDF_FORMATS = {  # media type → (suffix, rdflib parser)
    "text/turtle": ("ttl", "turtle"),
    "application/n-triples": ("nt", "nt"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
}


@pytest.fixture()
def client(make_app: Callable[..., Flask], built_store: Path) -> FlaskClient:
    return make_app(built_store, query_timeout=30).test_client()


def described(store_dir: Path, iri: str) -> set[tuple[str, str, str]]:
    """What the server must send for ``iri``: the description query, run here, as N-Triples terms."""
    results = Store.open_current(store_dir).query(description_query(iri))
    ntriples = results.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    return as_terms(rdflib.Graph().parse(data=ntriples, format="nt"))


def as_terms(graph: rdflib.Graph) -> set[tuple[str, str, str]]:
    return {tuple(term.n3() for term in triple) for triple in graph}  # type: ignore[misc]


def get(client: FlaskClient, path: str, accept: str | None = None, **headers: str):
    response = client.get(path, headers={**({"Accept": accept} if accept else {}), **headers})
    response.close()
    return response


def test_an_occupation_page_shows_its_labels_sections_formations_and_rome_link(
    client: FlaskClient, built_store: Path
) -> None:
    response = get(client, "/metier/MET.717", BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == "/metier/MET.717.html"
    page = response.get_data(as_text=True)
    assert "<h1>administrateur/trice de logiciels de laboratoire</h1>" in page
    store = Store.open_current(built_store)
    formations = list(
        store.query(
            f"SELECT DISTINCT ?f ?label WHERE {{ <{MET_717}> <{MKG.recommendedFormation}> ?f . "
            "?f <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
        )
    )
    assert len({row["f"] for row in formations}) == 11
    for row in formations:
        assert f'href="/formation/{row["f"].value.rsplit("/", 1)[1]}"' in page
        assert _html(row["label"].value) in page
    sections = list(
        store.query(
            f"SELECT DISTINCT ?title WHERE {{ <{MET_717}> <{MKG.section}>+ ?s . "
            "?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
        )
    )
    assert sections and all(_html(row["title"].value) in page for row in sections)
    assert 'href="/rome/M1810"' in page and "Alignements ROME / ESCO" in page
    assert _html(description_query(MET_717)) in page  # the query that shows the same
    assert f'href="/#query={quote(description_query(MET_717), safe="")}"' in page
    assert 'href="/dumps/graphs/fiche/MET.717.ttl.gz"' in page


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_each_rdf_format_by_content_negotiation_holds_exactly_the_description(
    client: FlaskClient, built_store: Path, media_type: str
) -> None:
    response = get(client, "/metier/MET.717", f"{media_type}, text/html;q=0.5")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    suffix, parser = RDF_FORMATS[media_type]
    assert response.headers["Content-Location"] == f"/metier/MET.717.{suffix}"
    graph = parse_answer(client, response.data, parser)
    expected = described(built_store, MET_717)
    assert as_terms(graph) == expected
    own = ox.serialize(
        [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in Store.open_current(built_store).quads()
            if q.subject == ox.NamedNode(MET_717)
        ],
        format=ox.RdfFormat.N_TRIPLES,
    )
    assert as_terms(rdflib.Graph().parse(data=own, format="nt")) <= expected  # every triple of the occupation


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_a_suffix_picks_the_format_without_headers(client: FlaskClient, media_type: str) -> None:
    suffix, parser = RDF_FORMATS[media_type]
    response = get(client, f"/metier/MET.717.{suffix}", BROWSER)  # the suffix wins over Accept
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Content-Location" not in response.headers
    assert len(parse_answer(client, response.data, parser)) > 0
    assert get(client, "/metier/MET.717.html").headers["Content-Type"] == "text/html; charset=utf-8"


def test_every_kind_of_minted_iri_dereferences(client: FlaskClient, built_store: Path) -> None:
    iris = Iris(BASE)
    for iri in (
        iris.emploi_type("Concepteur développeur"),
        iris.rome("M1810"),
        iris.rome("M18"),
        iris.rome("M"),
        iris.rome_scheme(),
        iris.formation("FOR.10998"),
        iris.access_level(3),
        iris.graph("fiche", "MET.717"),
        iris.skill("Développement et tests dans le langage retenu"),
        MET_717 + "/section/2.1",
    ):
        response = get(client, "/" + str(iri)[len(BASE) :], "text/turtle")
        assert response.status_code == 200, iri
        assert as_terms(rdflib.Graph().parse(data=response.data, format="turtle")) == described(built_store, str(iri))


def test_who_links_here_and_labels_of_neighbours_are_in_the_description(client: FlaskClient) -> None:
    graph = rdflib.Graph().parse(data=get(client, "/rome/M1810", "text/turtle").data, format="turtle")
    assert (rdflib.URIRef(MET_717), MKG.romeFiche, rdflib.URIRef(BASE + "rome/M1810")) in graph
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert graph.value(rdflib.URIRef(MET_717), skos.prefLabel) is not None  # so a client can show it
    assert graph.value(MKG.romeFiche, rdflib.RDFS.label) is not None  # and the predicate's label
    page = get(client, "/rome/M1810", BROWSER).get_data(as_text=True)
    assert "Métiers rattachés" in page and 'href="/metier/MET.717"' in page


def test_unknown_iris_get_404_in_the_requested_format(client: FlaskClient) -> None:
    response = get(client, "/metier/MET.999999", "text/turtle")
    assert (response.status_code, response.headers["Content-Type"]) == (404, "text/turtle; charset=utf-8")
    assert len(rdflib.Graph().parse(data=response.data, format="turtle")) == 0
    assert b"MET.999999> is not described" in response.data
    response = get(client, "/metier/MET.999999.jsonld")
    assert (response.status_code, response.headers["Content-Type"]) == (404, "application/ld+json; charset=utf-8")
    assert json.loads(response.data) == []
    response = get(client, "/metier/MET.999999", BROWSER)
    assert (response.status_code, response.headers["Content-Type"]) == (404, "text/html; charset=utf-8")
    assert "Ressource inconnue" in response.get_data(as_text=True)
    response = get(client, "/metier/MET.999999.rdf")
    assert response.status_code == 404
    assert len(rdflib.Graph().parse(data=response.data, format="xml")) == 0


def test_a_known_iri_in_no_acceptable_format_is_406(client: FlaskClient) -> None:
    response = get(client, "/metier/MET.717", "image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_links_to_other_formats_and_revalidation(client: FlaskClient) -> None:
    response = get(client, "/metier/MET.717", "text/turtle")
    links = response.headers["Link"]
    for suffix, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("html", "text/html")):
        assert f'</metier/MET.717.{suffix}>; rel="alternate"; type="{media_type}"' in links
    etag = response.headers["ETag"]
    again = get(client, "/metier/MET.717", "text/turtle", **{"If-None-Match": etag})
    assert again.status_code == 304


def test_the_ontology_answers_at_its_iri_with_every_term_documented(client: FlaskClient, built_store: Path) -> None:
    graph = Iris(BASE).graph("ontology")
    store = Store.open_current(built_store)
    terms = [
        row["t"].value
        for row in store.query(
            f"SELECT DISTINCT ?t WHERE {{ GRAPH <{graph}> {{ ?t a ?kind }} FILTER(STRSTARTS(STR(?t), '{MKG_NS}')) }}"
        )
    ]
    assert len(terms) > 50
    page = get(client, "/ontology", BROWSER).get_data(as_text=True)
    for term in terms:
        assert f'id="{term[len(MKG_NS) :]}"' in page, term
    assert _html("Propriétés d'objet") in page and "Fiche métier" in page  # fr labels
    response = get(client, "/ontology", "text/turtle")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    parsed = rdflib.Graph().parse(data=response.data, format="turtle")
    assert len(parsed) == len(list(store.quads(ox.NamedNode(str(graph)))))
    assert len(rdflib.Graph().parse(data=get(client, "/ontology.ttl").data, format="turtle")) == len(parsed)
    mkg_page = get(client, "/metier/MET.717", BROWSER).get_data(as_text=True)
    assert 'href="/ontology#FicheMetier"' in mkg_page  # types link to the documentation


@pytest.fixture(scope="module")
def other_base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("other-base") / "store"
    build(SEEDS, store, "http://data.example.org/kg/")
    return store


def test_a_base_that_is_not_the_servers_host_is_mapped(make_app: Callable[..., Flask], other_base_store: Path) -> None:
    client = make_app(other_base_store, base_iri="http://data.example.org/kg/").test_client()
    iri = "http://data.example.org/kg/metier/MET.717"
    for path in ("/metier/MET.717", "/kg/metier/MET.717"):  # behind a redirect, or a proxy keeping the path
        response = get(client, path, "text/turtle")
        assert response.status_code == 200, path
        graph = rdflib.Graph().parse(data=response.data, format="turtle")
        assert (rdflib.URIRef(iri), rdflib.RDF.type, MKG.FicheMetier) in graph
    page = get(client, "/metier/MET.717", BROWSER).get_data(as_text=True)
    assert 'href="/rome/M1810"' in page  # links stay on this server
    assert get(client, "/ontology", "text/turtle").status_code == 200  # the ontology's IRI is fixed


def test_a_path_cannot_inject_into_the_description_query(client: FlaskClient) -> None:
    for path in ("/x%3E%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23", '/metier/MET.717"', "/a%20b"):
        response = get(client, path, "text/turtle")
        assert response.status_code == 404, path
        assert len(rdflib.Graph().parse(data=response.data, format="turtle")) == 0


def test_a_sections_bullets_are_shown_as_a_list(client: FlaskClient, built_store: Path) -> None:
    """The source's "- diplôme … (ID: FOR.5462)" lines: one list entry each, in order, not one paragraph."""
    page = get(client, "/metier/MET.717", BROWSER).get_data(as_text=True)
    names = [
        row["name"].value
        for row in Store.open_current(built_store).query(
            "PREFIX schema: <https://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            f'SELECT ?name WHERE {{ <{MET_717}> ?p ?s . ?s skos:prefLabel "Formations recommandées"@fr ; '
            "schema:itemListElement [ schema:position ?n ; schema:name ?name ] } ORDER BY ?n"
        )
    ]
    assert len(names) == 11
    assert '<ul class="list">' + "".join(f"<li>{_html(n)}</li>" for n in names) + "</ul>" in page
    assert "- diplôme" not in page and "/item/1" not in page  # no bullet text, no entry as a stray part


def test_a_rome_page_shows_its_occupations_first_and_its_mappings_as_a_table(
    client: FlaskClient, built_store: Path
) -> None:
    page = get(client, "/rome/M1810", BROWSER).get_data(as_text=True)
    store = Store.open_current(built_store)
    filed = {row["o"].value for row in store.query(f"SELECT ?o WHERE {{ ?o <{MKG.romeFiche}> <{BASE}rome/M1810> }}")}
    assert len(filed) == 6 and '<h2>Métiers rattachés <span class="count">(6)</span></h2>' in page
    featured = page.index("Métiers rattachés")
    assert featured < page.index("<h2>Description</h2>")
    assert "Liens entrants" not in page[:featured]  # other incoming links (ROME mobilités…) come after
    for iri in filed:
        assert f'href="/{iri[len(BASE) :]}"' in page[featured : page.index("<h2>Correspondances</h2>")]
    mappings = [row["m"].value for row in store.query(f"SELECT ?m WHERE {{ ?m <{MKG.basis}> <{BASE}rome/M1810> }}")]
    table = page[
        page.index('<table class="mappings">') : page.index("</table>", page.index('<table class="mappings">'))
    ]
    assert table.count("<tr>") == len(mappings) + 1 == 9  # a header and one row per mapping node
    assert "correspondance associée" in table and "chaînage de correspondances" in table and "0.5" in table
    assert "/mapping/" not in page.split('<section class="query">')[0]  # no hex links left
    for raw in ("skos:broader", "skos:narrower", "skos:notation", "xsd:", "@fr<"):
        assert raw not in page, raw
    assert page.count('href="/rome/M18"') == 1  # broader and M18's narrower: the same link, shown once


def test_incoming_links_carry_their_inverse_label(client: FlaskClient) -> None:
    page = get(client, "/emploi-type/pilote-d-exploitation", BROWSER).get_data(as_text=True)
    assert "origine possible" not in page.split("<h2>Description</h2>")[0]
    assert "<h2>Peut mener à" in page or "<h2>Peut venir de" in page
    occupation = get(client, "/metier/MET.717", BROWSER).get_data(as_text=True)
    assert "skos:altLabel" not in occupation and ">autre libellé</a>" in occupation
    assert "xsd:integer" not in occupation
