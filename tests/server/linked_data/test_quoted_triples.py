"""RDF 1.2 triple terms (``<<( s p o )>>``, what SPARQL Update's ``<< s p o >>`` reifies) written on a real
server: the pages that show them (a resource, a mapping, the ontology) render them as Turtle writes them,
and the dumps of the updated build are still made and served."""

from __future__ import annotations

import gzip
import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.core.vocab import MKG, MKG_NS, ONTOLOGY_IRI, OWL, RDF, SKOS, SSSOM
from tests.serving import serving

TOKEN = "0123456789abcdef-token"
MET_717 = BASE + "metier/MET.717"
TERM = "<<( <https://example.org/a> <https://example.org/says> <https://example.org/c> )>>"
SHOWN = TERM  # the page writes it as Turtle 1.2 does
MAPPING = "https://example.org/mapping/1"
TERM_IRI = MKG_NS + "FicheMetier"


def update(base: str, sparql: str) -> None:
    answer = requests.post(
        f"{base}/sparql",
        data=sparql.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert answer.status_code == 204, answer.text


def ontology_graph(base: str) -> str:
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{ONTOLOGY_IRI}> a <{OWL.Ontology}> }} }}"
    answer = requests.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "application/json"}, timeout=30)
    return answer.json()["results"]["bindings"][0]["g"]["value"]


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("quoted-triples")
    store = root / "store"
    shutil.copytree(built_store, store, symlinks=True)  # the session's store stays as built
    with serving(store, root / "server.log", "--workers", "1", "--update-token", TOKEN) as (base, _):
        notes = "https://example.org/notes"
        update(
            base,
            f"""INSERT DATA {{ GRAPH <{notes}> {{
              <{MET_717}> <https://example.org/source> {TERM} ; a {TERM} .
              << <{MET_717}> <https://example.org/says> <https://example.org/c> >> <https://example.org/by> "x" .
              <{MAPPING}> a <{MKG.Mapping}> ; <{OWL.annotatedSource}> <{MET_717}> ;
                <{OWL.annotatedProperty}> <{SKOS.closeMatch}> ; <{OWL.annotatedTarget}> {TERM} ;
                <{SSSOM.confidence}> {TERM} ; <{SSSOM.predicate_modifier}> {TERM} .
            }} }}""",
        )
        update(
            base,
            f"INSERT DATA {{ GRAPH <{ontology_graph(base)}> {{ <{TERM_IRI}> <{RDF.type}> {TERM} ; "
            f"<https://example.org/source> {TERM} }} }}",
        )
        yield base


def get(url: str, accept: str) -> requests.Response:
    return requests.get(url, headers={"Accept": accept}, timeout=60)


def test_a_resource_page_shows_its_triple_terms(server: str) -> None:
    page = get(f"{server}/metier/MET.717", "text/html")
    assert page.status_code == 200, page.text[-2000:]
    text = html.unescape(page.text)
    assert f'<span class="type"><span class="literal">{SHOWN}</span></span>' in text  # its rdf:type
    assert 'title="https://example.org/source" class="external">https://example.org/source</a>' in text
    assert f'<td><span class="literal">{SHOWN}</span></td> <td class="num">{SHOWN}</td>' in " ".join(text.split())
    turtle = get(f"{server}/metier/MET.717", "text/turtle")
    assert turtle.status_code == 200 and f"<https://example.org/source> {TERM}" in turtle.text


def test_the_ontology_page_shows_its_triple_terms(server: str) -> None:
    page = get(f"{server}/ontology", "text/html")
    assert page.status_code == 200, page.text[-2000:]
    assert SHOWN in html.unescape(page.text)


def test_the_dumps_of_the_updated_build_hold_the_triple_terms(server: str) -> None:
    index = get(f"{server}/dumps/", "text/html")
    assert index.status_code == 200, index.text[-2000:]
    assert get(f"{server}/.well-known/void", "text/turtle").status_code == 200
    assert get(f"{server}/dataset", "text/html").status_code == 200
    nquads = requests.get(f"{server}/dumps/metiers-kg.nq.gz", timeout=60)
    assert nquads.status_code == 200
    assert f"<{MET_717}> <https://example.org/source> {TERM} <https://example.org/notes> ." in (
        gzip.decompress(nquads.content).decode("utf-8").splitlines()
    )
