"""A small runner for the W3C SPARQL 1.1 Protocol manifest (vendored under w3c/, see its PROVENANCE).

Each ``mf:ProtocolTest`` is a sequence of ``ht:Request``s (method, path, headers, body in a
given character encoding) with the expected status classes and, for some, the expected result
form (``boolean``, ``tabular``, ``RDF``) and boolean value. :func:`protocol_tests` reads them
with rdflib; :func:`check` sends them over real HTTP and returns what went wrong (empty = pass).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import rdflib
import requests
from rdflib.collection import Collection

W3C = Path(__file__).resolve().parent / "w3c"
PROTOCOL_MANIFEST = W3C / "protocol" / "manifest.ttl"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

TABULAR = {
    "application/sparql-results+xml",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
}
BOOLEAN = {"application/sparql-results+xml", "application/sparql-results+json", "application/json", "application/xml"}
RDF = {"application/rdf+xml", "text/turtle", "application/n-triples", "text/plain", "application/xhtml+xml"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2, 3, 4…
    form: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str  # the local name, e.g. query_post_form
    title: str
    requests: tuple[Request, ...]
    graph_data: tuple[tuple[str, str], ...]  # (file name, graph IRI)

    @property
    def is_update(self) -> bool:
        return "update" in self.name


def protocol_tests(manifest: Path = PROTOCOL_MANIFEST) -> list[ProtocolTest]:
    """Every test of the manifest, in its own order."""
    graph = rdflib.Graph().parse(manifest, format="turtle")
    root = next(graph.subjects(MF.entries, None))
    entries = Collection(graph, graph.value(root, MF.entries))
    return [_test(graph, entry) for entry in entries]


def _test(graph: rdflib.Graph, entry: rdflib.URIRef) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    requests_ = tuple(_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests)))
    data = tuple(
        sorted(
            (Path(str(graph.value(d, UT.graph))).name, str(graph.value(d, rdflib.RDFS.label)))
            for d in graph.objects(entry, UT.graphData)
        )
    )
    return ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), requests_, data)


def _request(graph: rdflib.Graph, node: rdflib.term.Node) -> Request:
    headers = []
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(int(str(s).rsplit("StatusCode", 1)[1][0]) for s in graph.objects(response, MF.expectedStatus))
    expected_boolean = graph.value(response, MF.expectedBoolean)
    form = graph.value(response, MF.expectedFormat)
    return Request(
        str(graph.value(node, HT.methodName)),
        str(graph.value(node, HT.absolutePath)),
        tuple(headers),
        body,
        statuses,
        str(form) if form is not None else None,
        None if expected_boolean is None else bool(expected_boolean.toPython()),
    )


def check(base: str, test: ProtocolTest, session: requests.Session) -> list[str]:
    """Send the test's requests in order to the endpoint at ``base``; return the failures."""
    problems = []
    for index, req in enumerate(test.requests):
        # The manifest's paths start with /sparql/; ours is /sparql (the manifest says to substitute).
        path = "/sparql" + req.path[len("/sparql/") :] if req.path.startswith("/sparql/") else req.path
        response = session.request(
            req.method, base + path, data=req.body, headers=dict(req.headers), timeout=30, allow_redirects=False
        )
        where = f"request {index + 1} ({req.method} {req.path[:60]})"
        if response.status_code // 100 not in req.statuses:
            problems.append(
                f"{where}: status {response.status_code}, expected "
                f"{'/'.join(f'{s}xx' for s in sorted(req.statuses))}: {response.text[:200]}"
            )
            continue
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if req.form == "tabular" and media_type not in TABULAR:
            problems.append(f"{where}: {media_type!r} is not a tabular results format")
        if req.form == "boolean" and media_type not in BOOLEAN:
            problems.append(f"{where}: {media_type!r} is not a boolean results format")
        if req.form == "RDF" and media_type not in RDF:
            problems.append(f"{where}: {media_type!r} is not an RDF format")
        if req.boolean is not None and media_type in BOOLEAN:
            got = _boolean(response.content, media_type)
            if got is not req.boolean:
                problems.append(f"{where}: boolean {got}, expected {req.boolean}")
    return problems


def _boolean(body: bytes, media_type: str) -> bool | None:
    if "json" in media_type:
        return json.loads(body).get("boolean")
    element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return None if element is None else element.text == "true"
