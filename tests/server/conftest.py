"""Fixtures for the server tests: small real on-disk stores written with kg.store.new_build.

They do not go through the seeds pipeline (kg.build), so the endpoint is tested against data
whose every value the tests know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.store import new_build
from server.app import create_app
from server.config import ServerConfig

if TYPE_CHECKING:
    import rdflib
from server.runtime.services import EXTENSION

EX = "https://example.org/"
G_ONE = EX + "graph/one"
G_TWO = EX + "graph/two"
G_FILLER = EX + "graph/filler"
DEV = EX + "occupation/dev"
NURSE = EX + "occupation/nurse"
OCCUPATION = EX + "Occupation"
SALARY = EX + "salary"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DEV_LABEL = "Développeur·se"
NURSE_LABEL = "Infirmier, infirmière"  # a comma, to check CSV quoting

PREFIXES = f"PREFIX ex: <{EX}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
OCCUPATIONS_QUERY = PREFIXES + (
    "SELECT ?occupation ?label ?salary WHERE { ?occupation a ex:Occupation ; rdfs:label ?label ; "
    "ex:salary ?salary } ORDER BY ?salary"
)
# Two patterns over N triples: N² rows to count. Bounded (a few seconds over RUNAWAY_TRIPLES)
# so the executor thread left running in this process ends; the e2e test uses an unbounded one.
BOUNDED_RUNAWAY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
RUNAWAY_TRIPLES = 7000


def _quad(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(g))


def occupation_quads() -> list[ox.Quad]:
    """Three triples in each of two named graphs."""
    integer = ox.NamedNode(XSD_INTEGER)
    return [
        _quad(DEV, RDF_TYPE, ox.NamedNode(OCCUPATION), G_ONE),
        _quad(DEV, RDFS_LABEL, ox.Literal(DEV_LABEL, language="fr"), G_ONE),
        _quad(DEV, SALARY, ox.Literal("2100", datatype=integer), G_ONE),
        _quad(NURSE, RDF_TYPE, ox.NamedNode(OCCUPATION), G_TWO),
        _quad(NURSE, RDFS_LABEL, ox.Literal(NURSE_LABEL, language="fr"), G_TWO),
        _quad(NURSE, SALARY, ox.Literal("1900", datatype=integer), G_TWO),
    ]


def filler_quads(count: int) -> list[ox.Quad]:
    """``count`` generated triples, to make cross products expensive."""
    return [_quad(f"{EX}thing/{i}", f"{EX}value", ox.Literal(str(i)), G_FILLER) for i in range(count)]


def write_build(store_dir: Path, quads: Iterable[ox.Quad]) -> None:
    """One new build of ``store_dir`` holding exactly ``quads`` (switches ``current``)."""
    with new_build(store_dir) as store:
        store.bulk_add(list(quads))


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six occupation triples; shared, never rebuilt."""
    path = tmp_path_factory.mktemp("server-store") / "store"
    write_build(path, occupation_quads())
    return path


@pytest.fixture(scope="session")
def runaway_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runaway-store") / "store"
    write_build(path, filler_quads(RUNAWAY_TRIPLES))
    return path


class ExitRecorder:
    """Stands in for os._exit: records that the worker would have ended."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture()
def exit_recorder() -> ExitRecorder:
    return ExitRecorder()


@pytest.fixture()
def make_app(exit_recorder: ExitRecorder) -> Iterator[Callable[..., Flask]]:
    """Build apps on a store directory; their executor threads are stopped afterwards."""
    apps: list[Flask] = []

    def build(store: Path, **settings: object) -> Flask:
        config = ServerConfig(store_dir=store, workers=1, **settings)  # type: ignore[arg-type]
        app = create_app(config, exit_action=exit_recorder)
        apps.append(app)
        return app

    yield build
    for app in apps:  # a runaway left by a timeout test is bounded: wait for it, at most a minute
        assert app.extensions[EXTENSION].runner.shutdown(timeout=60)


@pytest.fixture()
def app(make_app: Callable[..., Flask], store_dir: Path) -> Flask:
    return make_app(store_dir, query_timeout=10)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def parse_answer(client: FlaskClient, data: bytes, parser: str) -> rdflib.Graph:
    """An RDF answer parsed with rdflib; a JSON-LD one with the context the server publishes at
    /context.jsonld put in place of its URL (the test client has no network to fetch it from)."""
    import json

    import rdflib

    if parser == "json-ld":
        document = json.loads(data)
        published = client.get("/context.jsonld")
        assert published.status_code == 200 and document["@context"].endswith("/context.jsonld")
        data = json.dumps({**document, "@context": published.get_json()["@context"]}).encode("utf-8")
    return rdflib.Graph().parse(data=data, format=parser)


@pytest.fixture(scope="session")
def reconcile_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``metiers-kg serve`` on the seeds' build, shared by the /reconcile tests (their answers depend on
    the build only)."""
    from tests.serving import serving

    with serving(built_store, tmp_path_factory.mktemp("reconcile") / "server.log", "--workers", "1") as (base, _):
        yield base
