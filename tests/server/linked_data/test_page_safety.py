"""Small hostile inputs answered with a clear refusal, and headers that keep pages safe (issue 10, item 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from flask import Flask
from flask.testing import FlaskClient

from kg.core.vocab import DEFAULT_BASE_IRI
from tests.server.conftest import G_ONE, RDFS_LABEL, write_build

RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def test_pages_forbid_inline_scripts_and_sniffing(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": BROWSER})
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    answer = client.get("/sparql", query_string={"query": "ASK {}"})
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_form_bodies_that_are_not_utf8_get_400(client: FlaskClient) -> None:
    for body in (b"query=ASK%20%7B%7D%FF", b"query=ASK {}\xff"):
        answer = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert "not percent-encoded UTF-8" in answer.get_data(as_text=True)


def test_unknown_methods_share_one_metrics_label(client: FlaskClient) -> None:
    for method in ("FOO", "BAR", "BAZ"):
        client.open("/sparql", method=method).close()  # metrics count a request when its answer is closed
    exposed = client.get("/metrics").get_data(as_text=True)
    assert 'method="other"' in exposed
    assert not any(f'method="{name}"' in exposed for name in ("FOO", "BAR", "BAZ"))


def test_a_javascript_iri_in_the_data_is_shown_not_linked(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    resource = f"{DEFAULT_BASE_IRI}metier/MET.1"
    write_build(
        tmp_path / "store",
        [
            ox.Quad(
                ox.NamedNode(resource),
                ox.NamedNode(RDFS_LABEL),
                ox.Literal("Métier", language="fr"),
                ox.NamedNode(G_ONE),
            ),
            ox.Quad(
                ox.NamedNode(resource),
                ox.NamedNode(RDFS_SEE_ALSO),
                ox.NamedNode("javascript:alert(1)"),
                ox.NamedNode(G_ONE),
            ),
        ],
    )
    page = make_app(tmp_path / "store").test_client().get("/metier/MET.1", headers={"Accept": BROWSER})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "javascript:alert(1)" in text and 'href="javascript:' not in text
