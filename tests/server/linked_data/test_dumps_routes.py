"""/dumps/, /.well-known/void and /dataset through Flask's test client, on a fresh build of the seeds."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from kg.build import build
from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.publish.dumps import SUMS_FILE, VOID_FILE, read_dump_set
from kg.store import current_build
from tests.conftest import SEEDS
from tests.server.conftest import parse_answer

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Its own build: the server writes the dump set into STORE/dumps/<build>/."""
    path = tmp_path_factory.mktemp("dumps-store") / "store"
    build(SEEDS, path, BASE)
    return path


@pytest.fixture()
def client(make_app: Callable[..., Flask], store: Path) -> FlaskClient:
    return make_app(store).test_client()


def dump_dir(store: Path) -> Path:
    return store / "dumps" / current_build(store).name


def test_the_dumps_page_lists_every_file_with_its_checksum(client: FlaskClient, store: Path) -> None:
    response = client.get("/dumps/", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    dump_set = read_dump_set(dump_dir(store))  # written on that first request
    assert f"<strong>{dump_set.version}</strong>" in page
    for f in dump_set.files:
        assert f'href="/dumps/{f.name}"' in page and f.sha256 in page
    assert client.get("/dumps", headers={"Accept": BROWSER}).status_code == 308  # to /dumps/


def test_every_file_downloads_byte_for_byte_as_summed(client: FlaskClient, store: Path) -> None:
    client.get("/dumps/")
    sums = (dump_dir(store) / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(sums) >= 5
    for line in sums + [f"-  {SUMS_FILE}"]:
        digest, name = line.split("  ", 1)
        response = client.get(f"/dumps/{name}")
        assert response.status_code == 200, name
        if digest != "-":
            assert hashlib.sha256(response.data).hexdigest() == digest, name
        expected = {"gz": "application/gzip", "ttl": "text/turtle"}.get(name.rsplit(".", 1)[-1], "text/plain")
        assert response.mimetype == expected, name
        assert "Content-Encoding" not in response.headers  # a .gz stays gzip: the sum must match
        if name.endswith(".gz"):
            assert response.headers["ETag"] == f'"{digest}"'
            assert client.get(f"/dumps/{name}", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
        response.close()


def test_only_listed_files_are_served(client: FlaskClient, store: Path) -> None:
    client.get("/dumps/")
    (dump_dir(store).parent / ".lock").touch()
    for name in ("nope.ttl", "../.lock", "graphs", "%2e%2e/.lock"):
        assert client.get(f"/dumps/{name}").status_code == 404, name


def test_well_known_void_is_the_dump_sets_description(client: FlaskClient, store: Path) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.data == (dump_dir(store) / VOID_FILE).read_bytes()
    turtle = rdflib.Graph().parse(data=response.data, format="turtle")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert (dataset, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in turtle
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert len(parse_answer(client, jsonld.data, "json-ld")) == len(turtle)
    assert json.loads(jsonld.data)
    rdfxml = client.get("/.well-known/void", headers={"Accept": "application/rdf+xml"})
    assert len(rdflib.Graph().parse(data=rdfxml.data, format="xml")) == len(turtle)
    assert client.get("/.well-known/void", headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_the_dataset_iri_dereferences_to_a_page_and_to_rdf(client: FlaskClient, store: Path) -> None:
    page = client.get("/dataset", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    dump_set = read_dump_set(dump_dir(store))
    void = rdflib.Graph().parse(dump_dir(store) / VOID_FILE, format="turtle")
    triples = void.value(rdflib.URIRef(BASE + "dataset"), rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    assert f"<strong>{triples}</strong>triplets" in text and dump_set.version in text
    linkset = rdflib.URIRef(BASE + "dataset#linkset-rome")
    rome_links = void.value(linkset, rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    assert f'<td>Liens vers ROME 4.0</td><td>tous</td><td class="num">{rome_links}</td>' in text
    for suffix, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        response = client.get(f"/dataset.{suffix}")
        assert response.status_code == 200, suffix
        assert len(parse_answer(client, response.data, parser)) == len(void), suffix
    assert client.get("/dataset", headers={"Accept": "text/turtle"}).data == (dump_dir(store) / VOID_FILE).read_bytes()
    assert client.get("/dataset.xyz").status_code == 404
    root = client.get("/", headers={"Accept": "text/turtle"})
    assert (root.status_code, root.headers["Location"]) == (303, "/dataset")


def test_dumps_written_ahead_by_the_cli_are_used_and_a_new_build_gets_its_own(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    from kg.publish.dumps import write_dump_set
    from kg.store import Store

    store = tmp_path / "store"
    build(SEEDS, store, BASE)
    first = dump_dir(store)
    write_dump_set(Store.open_current(store), first, BASE)  # what `metiers-kg dump --format all` does
    stamp = (first / SUMS_FILE).stat().st_mtime_ns
    client = make_app(store).test_client()
    assert client.get("/dumps/").status_code == 200
    assert (first / SUMS_FILE).stat().st_mtime_ns == stamp  # not rewritten
    build(SEEDS, store, BASE)
    shutil.rmtree(store / "builds" / first.name)  # as `build` does once a build is 3 builds old
    assert client.get("/dumps/").status_code == 200
    assert dump_dir(store) != first and (dump_dir(store) / SUMS_FILE).is_file()
    assert not first.exists()
    assert read_dump_set(dump_dir(store)).version == read_dump_set_version(client)


def read_dump_set_version(client: FlaskClient) -> str:
    void = rdflib.Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    return str(void.value(rdflib.URIRef(BASE + "dataset"), rdflib.OWL.versionInfo))
