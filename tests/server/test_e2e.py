"""``metiers-kg serve`` as a real server process (granian), queried by real HTTP and SPARQL clients."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from SPARQLWrapper import JSON, POST, RDFXML, TURTLE, SPARQLWrapper

from tests.server.conftest import (
    DEV,
    DEV_LABEL,
    G_ONE,
    NURSE,
    NURSE_LABEL,
    OCCUPATIONS_QUERY,
    filler_quads,
    occupation_quads,
    write_build,
)
from tests.serving import serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # SPARQLWrapper + rdflib 7
]

RUNAWAY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 2000⁴ rows
CONSTRUCT_ONE = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G_ONE}> {{ ?s ?p ?o }} }}"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    store = tmp_path / "store"
    write_build(store, occupation_quads() + filler_quads(2000))
    log = tmp_path / "serve.log"
    with serving(store, log, "--workers", "1", "--query-timeout", "1") as (base, process):
        yield base, process, log


def test_serve_end_to_end(server: tuple[str, subprocess.Popen, Path]) -> None:
    base, process, log = server
    endpoint = f"{base}/sparql"
    assert f"at {endpoint}" in log.read_text()  # the startup line names the URL

    health = requests.get(f"{base}/healthz", timeout=10).json()
    assert health == {"status": "ok", "triples": 2006, "build": "000001"}

    # SPARQLWrapper, GET (its default) and POST, JSON SELECT
    for method in ("GET", POST):
        client = SPARQLWrapper(endpoint)
        client.setTimeout(10)
        client.setMethod(method)
        client.setQuery(OCCUPATIONS_QUERY)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert [(r["occupation"]["value"], r["label"]["value"], r["salary"]["value"]) for r in rows] == [
            (NURSE, NURSE_LABEL, "1900"),
            (DEV, DEV_LABEL, "2100"),
        ]

    # SPARQLWrapper CONSTRUCT, as Turtle text and as an rdflib graph from RDF/XML
    client = SPARQLWrapper(endpoint)
    client.setTimeout(10)
    client.setQuery(CONSTRUCT_ONE)
    client.setReturnFormat(TURTLE)
    turtle = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    client.setReturnFormat(RDFXML)
    from_xml = client.queryAndConvert()
    assert len(turtle) == len(from_xml) == 3
    assert (rdflib.URIRef(DEV), rdflib.RDFS.label, rdflib.Literal(DEV_LABEL, lang="fr")) in from_xml

    # plain requests, content negotiation
    response = requests.get(endpoint, params={"query": OCCUPATIONS_QUERY}, headers={"Accept": "text/csv"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8").splitlines()[1] == f'{NURSE},"{NURSE_LABEL}",1900'

    # a runaway query: 503 quickly, then the worker is replaced and the next query is answered
    started = time.monotonic()
    response = requests.post(endpoint, data={"query": RUNAWAY_QUERY}, timeout=(5, 20))
    assert response.status_code == 503, response.text
    assert "1 s" in response.text
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 15  # the worker retires once the 503 is sent, and a new one is spawned
    while log.read_text().count("Spawning worker") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)

    response = requests.get(endpoint, params={"query": OCCUPATIONS_QUERY}, headers={"Accept": "text/csv"}, timeout=30)
    assert response.status_code == 200 and NURSE_LABEL in response.text

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    text = log.read_text()
    assert "exits to stop a query" in text
    assert text.count("Spawning worker") == 2, text  # the first worker, then its replacement
