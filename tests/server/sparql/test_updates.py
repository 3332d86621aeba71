"""SPARQL Update and the Graph Store Protocol: permission, atomicity, durability (real on-disk stores)."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.store import Store
from tests.server.conftest import G_ONE, G_TWO, occupation_quads, write_build

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

TOKEN = "0123456789abcdef-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
INSERT = "INSERT DATA { GRAPH <https://example.org/graph/new> { <https://example.org/a> <https://example.org/b> 1 } }"


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    write_build(path, occupation_quads())
    return path


@pytest.fixture()
def writer(make_app, store: Path) -> FlaskClient:
    return make_app(store, update_token=TOKEN).test_client()


def send(client: FlaskClient, method: str = "POST", path: str = "/sparql", **kwargs):
    response = client.open(path, method=method, **kwargs)
    response.get_data()
    response.close()
    return response


def count(client: FlaskClient) -> int:
    return int(send(client, "GET", query_string={"query": COUNT}).json["results"]["bindings"][0]["n"]["value"])


def on_disk(store: Path) -> int:
    """What a fresh reader of the store sees: the update is durable and visible to other processes."""
    return len(Store.open_current(store))


@pytest.mark.parametrize(
    "headers,status,challenge,message",
    [  # RFC 6750, as Fuseki's bearer tests check it
        ({}, 401, 'Bearer realm="metiers-kg"', "send 'Authorization: Bearer <token>'"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, 'Bearer realm="metiers-kg"', "send 'Authorization: Bearer <token>'"),
        (
            {"Authorization": "Bearer"},
            400,
            'Bearer realm="metiers-kg", error="invalid_request"',
            "not 'Bearer <token>'",
        ),
        (
            {"Authorization": "Bearer not&base$64"},
            400,
            'Bearer realm="metiers-kg", error="invalid_request"',
            "not 'Bearer <token>'",
        ),
        (
            {"Authorization": "Bearer wrong-token-0000000"},
            401,
            'Bearer realm="metiers-kg", error="invalid_token"',
            "does not match",
        ),
    ],
)
def test_updates_without_the_token_are_refused(
    writer: FlaskClient, store: Path, headers, status: int, challenge: str, message: str
) -> None:
    response = send(writer, data=INSERT, headers={"Content-Type": "application/sparql-update", **headers})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert response.headers["WWW-Authenticate"] == challenge
    upload = send(
        writer,
        "PUT",
        "/store",
        query_string={"graph": G_ONE},
        data=b"",
        headers={"Content-Type": "text/turtle", **headers},
    )
    assert (upload.status_code, upload.headers["WWW-Authenticate"]) == (status, challenge)
    assert on_disk(store) == 6


def test_update_with_the_token_is_applied_and_durable(writer: FlaskClient, store: Path) -> None:
    builds_before = os.readlink(store / "current")
    response = send(writer, data=INSERT, headers={"Content-Type": "application/sparql-update", **AUTH})
    assert response.status_code == 204
    assert os.readlink(store / "current") != builds_before  # a new build, switched atomically
    assert on_disk(store) == 7 and count(writer) == 7
    form = send(
        writer,
        data={
            "update": f"DELETE DATA {{ GRAPH <{G_ONE}> {{ <https://example.org/occupation/dev> "
            "a <https://example.org/Occupation> } }"
        },
        headers=AUTH,
    )
    assert form.status_code == 204 and count(writer) == 6


def test_a_failing_update_changes_nothing(writer: FlaskClient, store: Path) -> None:
    current = os.readlink(store / "current")
    # the first operation would succeed, the second fails at evaluation: all or nothing
    bad = "INSERT DATA { <https://e.org/x> <https://e.org/y> 1 } ; LOAD <file:///nonexistent.ttl>"
    response = send(writer, data=bad, headers={"Content-Type": "application/sparql-update", **AUTH})
    assert response.status_code == 403 and "LOAD <file:///nonexistent.ttl> is not allowed" in response.get_data(
        as_text=True
    )
    half = f"INSERT DATA {{ <https://e.org/x> <https://e.org/y> 1 }} ; CREATE GRAPH <{G_ONE}>"
    response = send(writer, data=half, headers={"Content-Type": "application/sparql-update", **AUTH})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    syntax = send(writer, data="CLEAR XYZ", headers={"Content-Type": "application/sparql-update", **AUTH})
    assert syntax.status_code == 400 and "syntax error" in syntax.get_data(as_text=True).lower()
    prefix = send(
        writer,
        data="INSERT DATA { <https://e.org/x> skos:prefLabel 'x' }",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert prefix.status_code == 400 and prefix.get_data(as_text=True) == (
        "SPARQL Update syntax error at line 1, column 33: prefix skos: is not declared; "
        "add: PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    )
    assert os.readlink(store / "current") == current and on_disk(store) == 6
    assert not [p for p in (store / "builds").iterdir() if p.name.endswith(".partial")]


def test_using_graph_uri_and_its_conflict_with_with(writer: FlaskClient) -> None:
    update = "INSERT { GRAPH <https://example.org/graph/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    ok = send(
        writer,
        data=update,
        query_string={"using-graph-uri": G_TWO},
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert ok.status_code == 204
    copied = send(
        writer,
        "GET",
        query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/graph/copy> { ?s ?p ?o } }"},
    )
    assert copied.json["results"]["bindings"][0]["n"]["value"] == "3"
    conflict = send(
        writer,
        data=f"WITH <{G_ONE}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        query_string={"using-graph-uri": G_TWO},
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert conflict.status_code == 400 and "USING or WITH" in conflict.get_data(as_text=True)


def test_graph_store_protocol(writer: FlaskClient, store: Path) -> None:
    graph = "https://example.org/graph/gsp"
    turtle = b"<https://example.org/s> <https://example.org/p> 1 , 2 ."
    put = send(
        writer,
        "PUT",
        "/store",
        query_string={"graph": graph},
        data=turtle,
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert put.status_code == 201
    got = send(writer, "GET", "/store", query_string={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/n-triples; charset=utf-8"
    assert sorted(got.data.decode().splitlines()) == [
        '<https://example.org/s> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        '<https://example.org/s> <https://example.org/p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ]
    again = send(
        writer,
        "PUT",
        "/store",
        query_string={"graph": graph},
        data=b"<https://example.org/s> <https://example.org/p> 3 .",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert again.status_code == 204  # replaced
    post = send(
        writer,
        "POST",
        "/store",
        query_string={"graph": graph},
        data=b'<https://example.org/s> <https://example.org/p> "4" .',
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert post.status_code == 204
    head = send(writer, "HEAD", "/store", query_string={"graph": graph})
    assert head.status_code == 200 and head.data == b""
    assert on_disk(store) == 8
    assert send(writer, "DELETE", "/store", query_string={"graph": graph}, headers=AUTH).status_code == 204
    assert send(writer, "GET", "/store", query_string={"graph": graph}).status_code == 404
    assert send(writer, "DELETE", "/store", query_string={"graph": graph}, headers=AUTH).status_code == 404
    assert on_disk(store) == 6


def test_graph_store_errors(writer: FlaskClient) -> None:
    assert send(writer, "GET", "/store").status_code == 400  # neither ?graph nor ?default
    assert send(writer, "GET", "/store", query_string={"default": ""}).status_code == 200
    bad = send(
        writer,
        "PUT",
        "/store",
        query_string={"graph": G_ONE},
        data=b"<a> <b>",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert bad.status_code == 400
    unsupported = send(
        writer,
        "PUT",
        "/store",
        query_string={"graph": G_ONE},
        data=b"x",
        headers={"Content-Type": "text/plain", **AUTH},
    )
    assert unsupported.status_code == 415 and "text/turtle" in unsupported.get_data(as_text=True)


def test_read_only_server_refuses_graph_store_writes(client: FlaskClient) -> None:
    response = send(client, "DELETE", "/store", query_string={"graph": G_ONE})
    assert response.status_code == 403 and "read-only" in response.get_data(as_text=True)
    assert isinstance(ox.NamedNode(G_ONE), ox.NamedNode)
