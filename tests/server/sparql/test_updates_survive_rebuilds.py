"""What clients write through the endpoint survives a rebuild, or the rebuild says why it cannot (issue 10).

Built from seeds/ with the real CLI, written through a real server (SPARQL Update and the
Graph Store Protocol), rebuilt with the CLI: the written graphs are still served; a write into
a graph the build itself produces stops the next build, naming it, until --discard-updates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.conftest import SEEDS, run_cli
from tests.serving import serving

pytestmark = pytest.mark.slow

NOTES = "https://example.org/graph/notes"
UPLOADED = "https://example.org/graph/uploaded"
FICHE_GRAPH = "https://w3id.org/metiers-kg/graph/fiche/MET.717"


def count(base: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = requests.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    return int(answer.text.split()[1])


def update(base: str, text: str) -> None:
    answer = requests.post(
        f"{base}/sparql", data=text.encode(), timeout=60, headers={"Content-Type": "application/sparql-update"}
    )
    assert answer.status_code == 204, answer.text


def test_rebuild_keeps_written_graphs_or_names_the_clash(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("build", "--seeds", SEEDS, "--store", store).returncode == 0
    with serving(store, tmp_path / "one.log", "--open-update", "--workers", "1") as (base, _):
        update(base, f"INSERT DATA {{ GRAPH <{NOTES}> {{ <urn:a> <urn:said> 'une note', 'deux' }} }}")
        put = requests.put(
            f"{base}/store",
            params={"graph": UPLOADED},
            timeout=60,
            data=b"<urn:x> <urn:y> <urn:z> .\n",
            headers={"Content-Type": "application/n-triples"},
        )
        assert put.status_code == 201, put.text
        update(base, f"INSERT DATA {{ GRAPH <{NOTES}> {{ <urn:b> <urn:said> 'trois' }} }}")

    rebuilt = run_cli("build", "--seeds", SEEDS, "--store", store)
    assert rebuilt.returncode == 0, rebuilt.stderr
    with serving(store, tmp_path / "two.log", "--open-update", "--workers", "1") as (base, _):
        assert (count(base, NOTES), count(base, UPLOADED)) == (3, 1)
        before = count(base, FICHE_GRAPH)
        update(base, f"INSERT DATA {{ GRAPH <{FICHE_GRAPH}> {{ <urn:c> <urn:said> 'edit' }} }}")

    refused = run_cli("build", "--seeds", SEEDS, "--store", store)
    assert refused.returncode == 1
    assert f"<{FICHE_GRAPH}>" in refused.stderr and "--discard-updates" in refused.stderr
    assert refused.stderr.count("\n") == 1
    with serving(store, tmp_path / "three.log", "--workers", "1") as (base, _):
        assert count(base, FICHE_GRAPH) == before + 1  # the refused build changed nothing

    discarded = run_cli("build", "--seeds", SEEDS, "--store", store, "--discard-updates")
    assert discarded.returncode == 0, discarded.stderr
    with serving(store, tmp_path / "four.log", "--workers", "1") as (base, _):
        assert (count(base, FICHE_GRAPH), count(base, NOTES), count(base, UPLOADED)) == (before, 0, 0)
