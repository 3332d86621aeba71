"""/sparql through Flask's test client against a real on-disk store: protocol, formats, errors."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient

from server.app import create_app
from server.config import ServerConfig
from server.http.negotiation import GRAPH_OFFERS, RESULTS_OFFERS
from server.runtime.store_provider import StoreProvider
from tests.server.conftest import (
    DEV,
    DEV_LABEL,
    EX,
    G_ONE,
    G_TWO,
    NURSE,
    NURSE_LABEL,
    OCCUPATIONS_QUERY,
    PREFIXES,
    XSD_INTEGER,
)

# A query result dropped on the wrong thread shows up as an unraisable exception: make it fail.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

SRX = "{http://www.w3.org/2005/sparql-results#}"
CONSTRUCT_ALL = "CONSTRUCT WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str | list[str]):
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    response.close()
    return response


def count_of(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


# -- SELECT in each results format ------------------------------------------------------------
def test_select_json_has_the_exact_bindings(client: FlaskClient) -> None:
    response = get(client, OCCUPATIONS_QUERY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    body = json.loads(response.data)
    assert body["head"]["vars"] == ["occupation", "label", "salary"]
    assert body["results"]["bindings"] == [
        {
            "occupation": {"type": "uri", "value": NURSE},
            "label": {"type": "literal", "value": NURSE_LABEL, "xml:lang": "fr"},
            "salary": {"type": "literal", "value": "1900", "datatype": XSD_INTEGER},
        },
        {
            "occupation": {"type": "uri", "value": DEV},
            "label": {"type": "literal", "value": DEV_LABEL, "xml:lang": "fr"},
            "salary": {"type": "literal", "value": "2100", "datatype": XSD_INTEGER},
        },
    ]


def test_select_xml(client: FlaskClient) -> None:
    response = get(client, OCCUPATIONS_QUERY, "application/sparql-results+xml")
    assert response.headers["Content-Type"] == "application/sparql-results+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["occupation", "label", "salary"]
    results = list(root.iter(f"{SRX}result"))
    assert len(results) == 2
    first = {b.get("name"): b[0] for b in results[0].iter(f"{SRX}binding")}
    assert (first["occupation"].tag, first["occupation"].text) == (f"{SRX}uri", NURSE)
    assert first["label"].text == NURSE_LABEL
    assert first["label"].get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert (first["salary"].text, first["salary"].get("datatype")) == ("1900", XSD_INTEGER)


def test_select_csv(client: FlaskClient) -> None:
    response = get(client, OCCUPATIONS_QUERY, "text/csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.decode("utf-8") == (
        f'occupation,label,salary\r\n{NURSE},"{NURSE_LABEL}",1900\r\n{DEV},{DEV_LABEL},2100\r\n'
    )
    assert list(csv.reader(io.StringIO(response.data.decode())))[1][1] == NURSE_LABEL


def test_select_tsv(client: FlaskClient) -> None:
    response = get(client, OCCUPATIONS_QUERY, "text/tab-separated-values")
    assert response.headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert response.data.decode("utf-8") == (
        f'?occupation\t?label\t?salary\n<{NURSE}>\t"{NURSE_LABEL}"@fr\t1900\n<{DEV}>\t"{DEV_LABEL}"@fr\t2100\n'
    )


@pytest.mark.parametrize(
    "query,expected",
    [
        (PREFIXES + f"ASK {{ <{DEV}> a ex:Occupation }}", True),
        (PREFIXES + f"ASK {{ <{DEV}> a ex:Nothing }}", False),
    ],
)
def test_ask_json_and_xml(client: FlaskClient, query: str, expected: bool) -> None:
    response = get(client, query)
    assert response.status_code == 200
    assert json.loads(response.data) == {"head": {}, "boolean": expected}
    xml = get(client, query, "application/sparql-results+xml")
    assert ET.fromstring(xml.data).find(f"{SRX}boolean").text == str(expected).lower()


# -- CONSTRUCT / DESCRIBE in each RDF format ----------------------------------------------------
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize(
    "media_type,rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_each_rdf_format(client: FlaskClient, media_type: str, rdflib_format: str) -> None:
    response = get(client, CONSTRUCT_ALL, media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.data.decode("utf-8"), format=rdflib_format)
    assert len(graph) == 6
    assert (rdflib.URIRef(DEV), rdflib.RDFS.label, rdflib.Literal(DEV_LABEL, lang="fr")) in graph


def test_describe_defaults_to_turtle(client: FlaskClient) -> None:
    response = get(client, f"DESCRIBE <{DEV}>", "*/*")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.data.decode(), format="turtle")
    assert set(graph.subjects()) == {rdflib.URIRef(DEV)} and len(graph) == 3


# -- negotiation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query,accept,expected",
    [
        (COUNT, "text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        (COUNT, "*/*", "application/sparql-results+json"),
        (COUNT, None, "application/sparql-results+json"),
        (COUNT, "", "application/sparql-results+json"),
        (COUNT, "application/*", "application/sparql-results+json"),
        (COUNT, "text/*", "text/csv"),
        (COUNT, "application/json", "application/json"),
        (COUNT, "application/xml", "application/xml"),
        (COUNT, "application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        (COUNT, "text/html, application/xhtml+xml, */*;q=0.8", "application/sparql-results+json"),
        (CONSTRUCT_ALL, "*/*", "text/turtle"),
        (CONSTRUCT_ALL, "application/*;q=0.9, text/turtle;q=0.1", "application/n-triples"),
        (CONSTRUCT_ALL, "application/rdf+xml, text/turtle;q=0.9", "application/rdf+xml"),
    ],
)
def test_negotiation(client: FlaskClient, query: str, accept: str | None, expected: str) -> None:
    response = get(client, query, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{expected}; charset=utf-8"


@pytest.mark.parametrize(
    "query,accept,offers",
    [
        (COUNT, "text/turtle", RESULTS_OFFERS),
        (CONSTRUCT_ALL, "text/csv, application/sparql-results+json", GRAPH_OFFERS),
        (COUNT, "application/sparql-results+json;q=0", RESULTS_OFFERS),
    ],
)
def test_nothing_acceptable_is_406_listing_the_types(
    client: FlaskClient, query: str, accept: str, offers: tuple
) -> None:
    response = get(client, query, accept)
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert all(offer.media_type in text for offer in offers), text


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    assert (
        get(client, COUNT, "application/sparql-results+xml", format="csv").headers["Content-Type"]
        == "text/csv; charset=utf-8"
    )
    assert (
        get(client, CONSTRUCT_ALL, "text/turtle", format="application/n-triples").headers["Content-Type"]
        == "application/n-triples; charset=utf-8"
    )
    # SPARQLWrapper's style: a short name and a media type, one of which we know
    assert (
        get(client, COUNT, format=["tsv", "text/tab-separated-values"]).headers["Content-Type"]
        == "text/tab-separated-values; charset=utf-8"
    )
    # a format that does not fit the query form leaves Accept in charge
    assert (
        get(client, CONSTRUCT_ALL, "text/turtle", format="csv").headers["Content-Type"] == "text/turtle; charset=utf-8"
    )


# -- the three ways of sending a query ----------------------------------------------------------
def test_get_and_both_posts_agree(client: FlaskClient) -> None:
    by_get = get(client, OCCUPATIONS_QUERY).data
    by_form = client.post("/sparql", data={"query": OCCUPATIONS_QUERY})
    by_body = client.post("/sparql", data=OCCUPATIONS_QUERY.encode("utf-8"), content_type="application/sparql-query")
    assert by_form.status_code == by_body.status_code == 200
    assert by_form.data == by_body.data == by_get


# -- errors -----------------------------------------------------------------------------------
def test_syntax_error_is_400_with_the_parser_position(client: FlaskClient) -> None:
    response = get(client, "SELECT ?x WHERE { ?x ?y }")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text == ("SPARQL syntax error at line 1, column 26: the query ends too early; expected LATERAL, SERVICE\n")


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            "SELECT * WHERE { ?s a mkg:FicheMetier }",  # the query: one line, the PREFIX to add
            "line 1, column 23: prefix mkg: is not declared; add: PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>",
        ),
        (
            "PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>\nSELECT * WHERE {\n  ?s a mkg:FicheMetier ;\n"
            '     skos:prefLabel "é:x" }',
            "line 4, column 6: prefix skos: is not declared; add: PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
        ),
        ("SELECT * WHERE { ?s a ex:Thing }", "line 1, column 23: prefix ex: is not declared"),  # not one of ours
        (
            "SELECT * WHERE { ?s <a b> ?o }",
            "line 1, column 21: invalid IRI (an IRI cannot contain spaces, quotes or <>{}|^`\\)",
        ),
        ('SELECT * WHERE { ?s ?p "abc }', "line 1, column 30: the string is not closed (missing quote)"),
        (
            "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s",
            "line 1, column 41: SELECT names a variable that is neither "
            "grouped (GROUP BY) nor computed by an aggregate (COUNT, SAMPLE…)",
        ),
    ],
)
def test_syntax_errors_say_what_is_wrong_in_one_line(client: FlaskClient, query: str, said: str) -> None:
    response = get(client, query)
    assert response.status_code == 400
    assert response.get_data(as_text=True) == f"SPARQL syntax error at {said}\n"


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}),
        lambda c: c.post("/sparql", data="INSERT DATA { <a:b> <a:c> <a:d> }", content_type="application/sparql-update"),
        lambda c: c.get("/sparql", query_string={"update": "CLEAR ALL"}),
    ],
    ids=["form", "body", "get"],
)
def test_update_is_refused_with_403(client: FlaskClient, send) -> None:
    response = send(client)
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "read-only" in text or "must be sent by POST" in text
    assert count_of(get(client, COUNT)) == 6


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_unsupported_post_body_is_415(client: FlaskClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", data=COUNT.encode(), headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_data(as_text=True)


def test_repeated_query_is_400(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"query": [COUNT, COUNT]}).status_code == 400
    response = client.post("/sparql", data={"query": [COUNT, COUNT]})
    assert response.status_code == 400 and "query" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", query_string={"query": ""}),
        lambda c: c.get("/sparql", query_string={"query": "  "}),
        lambda c: c.post("/sparql", data={"default-graph-uri": G_ONE}),
        lambda c: c.post("/sparql", data=b"", content_type="application/sparql-query"),
    ],
    ids=["get-nothing", "get-blank", "form-without-query", "empty-body"],
)
def test_missing_query_is_400_with_help(client: FlaskClient, send) -> None:
    response = send(client)
    assert response.status_code == 400
    assert "application/sparql-query" in response.get_data(as_text=True)


def test_unknown_path_and_method_are_plain_text(client: FlaskClient) -> None:
    # (GET of an unknown path is the linked-data blueprint's: it may answer a 404 page in HTML)
    assert client.post("/nowhere").headers["Content-Type"] == "text/plain; charset=utf-8"
    response = client.delete("/sparql")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_unexpected_error_is_500_logged_without_details(store_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    class FailingProvider(StoreProvider):
        def current(self):
            raise RuntimeError("secret internal detail")

    app = create_app(ServerConfig(store_dir=store_dir, workers=1), store_provider=FailingProvider(store_dir))
    with caplog.at_level("ERROR"):
        response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    assert "secret internal detail" in caplog.text


def test_missing_store_is_503(make_app, tmp_path: Path) -> None:
    client = make_app(tmp_path / "no-store").test_client()
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 503
    assert str(tmp_path / "no-store") in response.get_data(as_text=True)


# -- dataset ----------------------------------------------------------------------------------
def test_default_graph_is_the_union_of_named_graphs(client: FlaskClient) -> None:
    assert count_of(get(client, COUNT)) == 6


def test_default_graph_uri_restricts_the_dataset(client: FlaskClient) -> None:
    assert count_of(get(client, COUNT, **{"default-graph-uri": G_ONE})) == 3
    assert count_of(get(client, COUNT, **{"default-graph-uri": [G_ONE, G_TWO]})) == 6
    by_form = client.post("/sparql", data={"query": COUNT, "default-graph-uri": G_TWO})
    assert count_of(by_form) == 3
    by_body = client.post(f"/sparql?default-graph-uri={G_TWO}", data=COUNT, content_type="application/sparql-query")
    assert count_of(by_body) == 3


def test_named_graph_uri_restricts_graph_patterns(client: FlaskClient) -> None:
    response = get(client, COUNT_NAMED, **{"named-graph-uri": G_TWO})
    bindings = json.loads(response.data)["results"]["bindings"]
    assert [(b["g"]["value"], b["n"]["value"]) for b in bindings] == [(G_TWO, "3")]
    # with only named graphs given, the default graph is empty (the protocol's dataset is exact)
    assert count_of(get(client, COUNT, **{"named-graph-uri": G_TWO})) == 0


def test_invalid_graph_iri_is_400(client: FlaskClient) -> None:
    response = get(client, COUNT, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400


def test_relative_iris_resolve_against_the_base_iri(make_app, store_dir: Path) -> None:
    client = make_app(store_dir, base_iri=EX).test_client()
    assert json.loads(get(client, "ASK { <occupation/dev> ?p ?o }").data)["boolean"] is True
