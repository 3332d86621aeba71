"""A real ``metiers-kg serve`` queried by real clients: SPARQLWrapper, rdflib's SPARQLStore, Comunica (node),
plus what only a real server shows: streaming a million rows, a client hanging up, updates seen by
every worker, metrics summed over workers."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from tests.server.conftest import (
    DEV,
    DEV_LABEL,
    EX,
    NURSE,
    NURSE_LABEL,
    OCCUPATIONS_QUERY,
    filler_quads,
    occupation_quads,
    write_build,
)
from tests.serving import REPO, serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

CLIENTS = REPO / "tests" / "clients"
TOKEN = "test-token-0123456789"
MILLION = f"SELECT ?a ?b WHERE {{ ?a <{EX}value> ?x . ?b <{EX}value> ?y }}"  # 1000 × 1000 rows
BILLION = f"SELECT * WHERE {{ ?a <{EX}value> ?x . ?b <{EX}value> ?y . ?c <{EX}value> ?z }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("clients") / "store"
    write_build(store, occupation_quads() + filler_quads(1000))
    log = store.parent / "serve.log"
    with serving(store, log, "--workers", "2", "--query-timeout", "60", "--update-token", TOKEN) as (base, _):
        yield base, log


def test_sparqlwrapper_json_xml_csv_and_construct(server: tuple[str, Path]) -> None:
    endpoint = f"{server[0]}/sparql"
    client = SPARQLWrapper(endpoint)
    client.setTimeout(30)
    client.setQuery(OCCUPATIONS_QUERY)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["occupation"]["value"] for r in rows] == [NURSE, DEV]
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert [n.firstChild.data for n in document.getElementsByTagName("uri")] == [NURSE, DEV]
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().splitlines()[1] == f'{NURSE},"{NURSE_LABEL}",1900'
    client.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{EX}Occupation> ; ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == 6 and (rdflib.URIRef(DEV), rdflib.RDFS.label, rdflib.Literal(DEV_LABEL, lang="fr")) in graph


def test_rdflib_sparqlstore(server: tuple[str, Path]) -> None:
    graph = rdflib.Graph(SPARQLStore(f"{server[0]}/sparql", returnFormat="json"))
    rows = list(graph.query(OCCUPATIONS_QUERY))
    assert [(str(r.occupation), str(r.label), int(r.salary)) for r in rows] == [
        (NURSE, NURSE_LABEL, 1900),
        (DEV, DEV_LABEL, 2100),
    ]
    assert graph.query("ASK { ?s a <https://example.org/Occupation> }").askAnswer is True


@pytest.fixture(scope="session")
def comunica() -> Path:
    """``npm ci`` once in tests/clients (pinned by its package-lock.json)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("node and npm are needed for the Comunica client test")
    if not (CLIENTS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=CLIENTS,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    return CLIENTS / "comunica_select.mjs"


def test_comunica(server: tuple[str, Path], comunica: Path) -> None:
    result = subprocess.run(
        ["node", str(comunica), f"{server[0]}/sparql", OCCUPATIONS_QUERY],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((r["occupation"], r["label"], r["salary"]) for r in rows) == [
        (DEV, DEV_LABEL, "2100"),
        (NURSE, NURSE_LABEL, "1900"),
    ]


def _workers_rss_kib(log: Path) -> int:
    """Largest resident size among the server's workers (from the pids logged when they are spawned)."""
    pids = [line.rsplit(" ", 1)[1] for line in log.read_text().splitlines() if "Spawning worker" in line]
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))))
    return max(sizes)


def test_a_million_rows_stream_at_once_in_bounded_memory(server: tuple[str, Path]) -> None:
    base, log = server
    started = time.monotonic()
    with requests.get(
        f"{base}/sparql",
        params={"query": MILLION},
        headers={"Accept": "text/tab-separated-values"},
        stream=True,
        timeout=60,
    ) as response:
        assert response.status_code == 200 and response.headers.get("Transfer-Encoding") == "chunked"
        chunks = response.iter_content(64 * 1024)
        first = next(chunks)
        first_byte = time.monotonic() - started
        baseline = _workers_rss_kib(log)
        lines, size, peak = first.count(b"\n"), len(first), baseline
        for index, chunk in enumerate(chunks):
            lines += chunk.count(b"\n")
            size += len(chunk)
            if index % 200 == 0:
                peak = max(peak, _workers_rss_kib(log))
    assert first_byte < 2.0
    assert lines == 1_000_001  # the header line and every row
    assert size == 63_780_006  # e.g. "<https://example.org/thing/1>\t<https://example.org/thing/7>\n"
    assert peak - baseline < 64 * 1024, f"worker grew by {(peak - baseline) // 1024} MiB while streaming"


def test_a_client_that_hangs_up_stops_the_query(server: tuple[str, Path]) -> None:
    base, log = server
    for _ in range(2):  # both workers get one
        with requests.get(
            f"{base}/sparql", params={"query": BILLION}, headers={"Accept": "text/csv"}, stream=True, timeout=30
        ) as response:
            assert response.status_code == 200
            next(response.iter_content(1024))
        # leaving the block closes the connection after one chunk of a 10⁹-row answer
    started = time.monotonic()
    for _ in range(4):  # both workers are free again at once: the queries stopped at their next write
        response = requests.get(f"{base}/sparql", params={"query": OCCUPATIONS_QUERY}, timeout=10)
        assert response.status_code == 200
    assert time.monotonic() - started < 5
    assert "exits to stop a query" not in log.read_text()  # stopped by cancellation, not by killing


def test_updates_with_the_token_are_seen_by_every_worker(server: tuple[str, Path]) -> None:
    base = server[0]
    refused = requests.post(f"{base}/sparql", data={"update": "CLEAR ALL"}, timeout=10)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    insert = f"INSERT DATA {{ GRAPH <{EX}graph/extra> {{ <{EX}x> <{EX}y> 42 }} }}"
    done = requests.post(
        f"{base}/sparql",
        data=insert.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert done.status_code == 204, done.text
    for _ in range(6):  # whichever worker answers, it reads the write
        answer = requests.get(f"{base}/sparql", params={"query": f"ASK {{ <{EX}x> <{EX}y> 42 }}"}, timeout=10)
        assert answer.json()["boolean"] is True
    deleted = requests.delete(
        f"{base}/store", params={"graph": f"{EX}graph/extra"}, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert deleted.status_code == 204


def test_metrics_are_summed_over_workers(server: tuple[str, Path]) -> None:
    base = server[0]
    for _ in range(10):
        requests.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10).raise_for_status()
    text = requests.get(f"{base}/metrics", timeout=10).text
    total = sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith('metiers_kg_requests_total{endpoint="sparql.sparql",method="GET",status="200"}')
    )
    assert total >= 10
    assert "metiers_kg_request_duration_seconds_bucket" in text and "metiers_kg_query_timeouts_total" in text
