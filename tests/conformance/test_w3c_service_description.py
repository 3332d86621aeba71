"""The W3C SPARQL 1.1 Service Description tests (3), against a real ``metiers-kg serve``.

The manifest (vendored under w3c/) only names the three tests; what each checks follows the
W3C test descriptions: a GET on the endpoint returns RDF (here: in each of our four RDF
formats, by Accept), the description has an ``sd:endpoint`` triple naming the URL it was
fetched from, and it conforms to the vocabulary (checked with SHACL, ``sd-shapes.ttl``).
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
import requests

from tests.conformance.conftest import record
from tests.conformance.manifest import MF, W3C

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")]

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SHAPES = Path(__file__).resolve().parent / "sd-shapes.ttl"
MANIFEST = W3C / "service-description" / "manifest.ttl"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
KASEI = "http://kasei.us/2009/09/sparql/data/"


def manifest_names() -> list[str]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    root = next(graph.subjects(MF.entries, None))
    return [str(e).rsplit("#", 1)[1] for e in rdflib.collection.Collection(graph, graph.value(root, MF.entries))]


def fetch(base: str, accept: str) -> tuple[requests.Response, rdflib.Graph]:
    response = requests.get(f"{base}/sparql", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    media_type = response.headers["Content-Type"].split(";")[0]
    return response, rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])


def test_the_manifest_names_three_tests() -> None:
    assert manifest_names() == ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]


def test_has_endpoint_triple(read_only_server: str) -> None:
    _, graph = fetch(read_only_server, "text/turtle")
    endpoints = list(graph.objects(None, SD.endpoint))
    record("SPARQL 1.1 Service Description", endpoints == [rdflib.URIRef(f"{read_only_server}/sparql")])
    assert endpoints == [rdflib.URIRef(f"{read_only_server}/sparql")]


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_returns_rdf(read_only_server: str, media_type: str) -> None:
    response, graph = fetch(read_only_server, media_type)
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    services = list(graph.subjects(rdflib.RDF.type, SD.Service))
    if media_type == "text/turtle":
        record("SPARQL 1.1 Service Description", len(services) == 1)
    assert len(services) == 1


def test_conforms_to_schema(read_only_server: str) -> None:
    _, graph = fetch(read_only_server, "application/rdf+xml, text/turtle;q=0.9")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"))
    service = next(graph.subjects(rdflib.RDF.type, SD.Service))
    dataset = graph.value(service, SD.defaultDataset)
    counts = {
        str(graph.value(node, SD.name)): int(graph.value(graph.value(node, SD.graph), VOID.triples))
        for node in graph.objects(dataset, SD.namedGraph)
    }
    default_count = int(graph.value(graph.value(dataset, SD.defaultGraph), VOID.triples))
    ok = conforms and counts == {f"{KASEI}data{i}.rdf": 1 for i in (1, 2, 3)} and default_count == 3
    record("SPARQL 1.1 Service Description", ok)
    assert conforms, report
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}  # read-only server
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    assert counts == {f"{KASEI}data{i}.rdf": 1 for i in (1, 2, 3)}
    assert default_count == 3
