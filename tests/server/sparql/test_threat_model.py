"""The attack surfaces the most trusted SPARQL servers list for themselves, against our server.

Apache Jena's draft threat model for Fuseki (apache/jena#3966) names, beyond SERVICE and deep
nesting (tests/server/test_hostile_input.py): ``FROM`` / ``FROM NAMED`` and ``file:`` IRIs
reaching local files or other hosts, RDF parsing that fetches (XML external entities and DTDs,
JSON-LD remote contexts), ``LOAD`` of local files, and the costs of text functions. Each test
sends one, against a real server with open updates on 127.0.0.1 and a listener that must never
see a request, and checks by effect: nothing fetched, nothing read from the disk, nothing
stored, the worker still there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.conftest import EX, occupation_quads, write_build
from tests.server.sparql.test_hostile_input import listener  # noqa: F401 - the fixture, shared
from tests.serving import serving, workers

pytestmark = pytest.mark.slow

SECRET = "métiers-kg-threat-model-secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    tmp = tmp_path_factory.mktemp("threats")
    write_build(tmp / "store", occupation_quads())
    secret = tmp / "secret.ttl"  # a local file an attacker would like to read through the server
    secret.write_text(f'<urn:secret> <urn:is> "{SECRET}" .\n', encoding="utf-8")
    with serving(tmp / "store", tmp / "serve.log", "--workers", "1", "--open-update") as (base, process):
        yield base, process.pid, secret


def stored_anywhere(base: str, text: str) -> bool:
    query = f'ASK {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} FILTER(CONTAINS(STR(?o), "{text}")) }}'
    answer = requests.get(
        f"{base}/sparql", params={"query": query}, timeout=30, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


def test_from_and_from_named_never_read_files_or_fetch(
    server: tuple[str, int, Path],
    listener: tuple[int, list[str]],  # noqa: F811 - the shared fixture
) -> None:
    base, _, secret = server
    port, hits = listener
    for dataset in (
        f"FROM <{secret.as_uri()}>",
        f"FROM NAMED <{secret.as_uri()}>",
        f"FROM <http://127.0.0.1:{port}/data.ttl>",
        f"FROM NAMED <http://127.0.0.1:{port}/data.ttl>",
    ):
        query = f"SELECT ?s ?p ?o ?g {dataset} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
        answer = requests.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.text.splitlines() == ["s,p,o,g"]  # graph names of this dataset: none by those names
    assert hits == []


def test_load_of_a_local_file_is_refused(server: tuple[str, int, Path]) -> None:
    base, _, secret = server
    for update in (f"LOAD <{secret.as_uri()}>", f"LOAD SILENT <{secret.as_uri()}> INTO GRAPH <{EX}stolen>"):
        answer = requests.post(
            f"{base}/sparql", data=update.encode(), timeout=30, headers={"Content-Type": "application/sparql-update"}
        )
        assert answer.status_code == 403, answer.text
        assert "LOAD" in answer.text
    assert not stored_anywhere(base, SECRET)


def test_rdfxml_external_dtd_and_entities_are_never_fetched(
    server: tuple[str, int, Path],
    listener: tuple[int, list[str]],  # noqa: F811 - the shared fixture
) -> None:
    base, _, secret = server
    port, hits = listener
    documents = [
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/evil.dtd">',
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY s SYSTEM "{secret.as_uri()}">]>',
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>',
    ]
    body = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e:">'
        '<rdf:Description rdf:about="urn:a"><e:p>x</e:p></rdf:Description></rdf:RDF>'
    )
    for prologue in documents:
        answer = requests.put(
            f"{base}/store",
            params={"graph": f"{EX}xxe"},
            data=(prologue + body).encode(),
            headers={"Content-Type": "application/rdf+xml"},
            timeout=30,
        )
        assert answer.status_code in (201, 204, 400), answer.text
        requests.delete(f"{base}/store", params={"graph": f"{EX}xxe"}, timeout=30)
    assert hits == []
    assert not stored_anywhere(base, SECRET)


def test_jsonld_remote_contexts_are_never_fetched(
    server: tuple[str, int, Path],
    listener: tuple[int, list[str]],  # noqa: F811 - the shared fixture
) -> None:
    base, _, _ = server
    port, hits = listener
    document = f'{{"@context": "http://127.0.0.1:{port}/context.jsonld", "@id": "urn:a", "name": "x"}}'
    answer = requests.put(
        f"{base}/store",
        params={"graph": f"{EX}remote-context"},
        data=document.encode(),
        headers={"Content-Type": "application/ld+json"},
        timeout=30,
    )
    assert answer.status_code == 400, answer.text
    assert hits == []
    assert requests.get(f"{base}/store", params={"graph": f"{EX}remote-context"}, timeout=30).status_code == 404


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(.*a){20}", "a{1000}{1000}", "[" * 5000])
def test_costly_regular_expressions_are_answered_without_losing_the_worker(
    server: tuple[str, int, Path], pattern: str
) -> None:
    base, pid, _ = server
    (before,) = workers(pid)
    text = "a" * 5000 + "!"
    query = f'ASK {{ BIND("{text}" AS ?t) FILTER(REGEX(?t, "{pattern}")) }}'
    started = time.monotonic()
    answer = requests.get(
        f"{base}/sparql", params={"query": query}, timeout=60, headers={"Accept": "application/sparql-results+json"}
    )
    assert time.monotonic() - started < 10  # linear-time matching: no catastrophic backtracking
    assert answer.status_code in (200, 400), answer.text  # answered, or refused as a pattern too large
    assert workers(pid) == {before}


def test_a_huge_accept_header_is_negotiated_promptly(server: tuple[str, int, Path]) -> None:
    base, _, _ = server
    accept = ", ".join(f"application/x-made-up-{i};q=0.{i % 9 + 1}" for i in range(600)) + ", text/csv;q=0.01"
    started = time.monotonic()
    answer = requests.get(
        f"{base}/sparql", params={"query": "SELECT (1 AS ?one) {}"}, timeout=30, headers={"Accept": accept}
    )
    assert time.monotonic() - started < 5
    assert answer.status_code == 200 and answer.text.splitlines() == ["one", "1"]
