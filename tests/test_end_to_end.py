"""The README's promise, end to end: seeds → build → ``metiers-kg serve`` → real clients on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from tests.conftest import REPO
from tests.serving import serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # SPARQLWrapper + rdflib 7
]

BASE = "https://w3id.org/metiers-kg/"
PREFIXES = f"PREFIX mkg: <{BASE}ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


@pytest.fixture(scope="module")
def endpoint(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(built_store, log, "--workers", "2") as (base, _):
        yield f"{base}/sparql"


def readme_curl_example() -> str:
    """The curl command of the README's quick start, as a reader would paste it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```sh\n(curl .*?)```", readme, re.S)
    assert match, "the README's quick start has no curl example"
    return match.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_example_answers_from_the_seeds(endpoint: str) -> None:
    command = readme_curl_example().replace("http://127.0.0.1:8000/sparql", endpoint)
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30, check=True)
    rows = [(row["occupation"].removeprefix(BASE), row["label"]) for row in csv.DictReader(io.StringIO(result.stdout))]
    assert rows == [  # both fiches and the four emploi-types of the référentiel coded M1810
        ("emploi-type/chef-de-projet-production", "Chef de projet production"),
        ("emploi-type/integrateur-d-exploitation", "Intégrateur d'exploitation"),
        ("emploi-type/pilote-d-exploitation", "Pilote d'exploitation"),
        ("emploi-type/technicien-d-infrastructure", "Technicien d'infrastructure"),
        ("metier/MET.717", "administrateur/trice de logiciels de laboratoire"),
        ("metier/MET.15", "gestionnaire de parc micro-informatique"),
    ]


def test_sparqlwrapper_reads_the_built_graph(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setTimeout(20)
    client.setQuery(
        PREFIXES
        + """
        SELECT ?family (COUNT(?e) AS ?n) WHERE { ?e a mkg:EmploiType ; mkg:family/skos:prefLabel ?family }
        GROUP BY ?family ORDER BY ?family"""
    )
    client.setReturnFormat(JSON)
    counts = [int(row["n"]["value"]) for row in client.queryAndConvert()["results"]["bindings"]]
    assert sorted(counts) == [3, 5, 6, 7, 15] and sum(counts) == 36

    client.setReturnFormat(CSV)
    client.setQuery(PREFIXES + f"SELECT ?code WHERE {{ <{BASE}metier/MET.15> mkg:romeFiche/skos:notation ?code }}")
    assert client.queryAndConvert().decode("utf-8").split() == ["code", "M1810"]


def test_describe_a_fiche_as_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setTimeout(20)
    client.setQuery(f"DESCRIBE <{BASE}metier/MET.717>")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    fiche = rdflib.URIRef(f"{BASE}metier/MET.717")
    formations = set(graph.objects(fiche, rdflib.URIRef(f"{BASE}ontology#recommendedFormation")))
    assert len(formations) == 11


def test_errors_a_client_gets(endpoint: str) -> None:
    syntax = requests.get(endpoint, params={"query": "SELECT ?s WHERE { ?s ?p }"}, timeout=20)
    assert syntax.status_code == 400 and "error" in syntax.text.lower()
    update = requests.post(endpoint, data={"update": "CLEAR ALL"}, timeout=20)
    assert update.status_code == 403
    refused = requests.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "image/png"}, timeout=20)
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text
