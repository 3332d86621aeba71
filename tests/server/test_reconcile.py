"""``/reconcile`` on a real ``metiers-kg serve``, every answer checked against the community group's schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.reconciliation_schemas import examples, validator
from tests.serving import serving

pytestmark = pytest.mark.slow
CONCEPTEUR = "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
M1810 = "https://w3id.org/metiers-kg/rome/M1810"


@pytest.mark.parametrize(("schema", "path", "valid"), examples(), ids=lambda v: getattr(v, "name", str(v)))
def test_the_validator_agrees_with_the_schema_examples(schema: str, path: Path, valid: bool) -> None:
    errors = list(validator(schema).iter_errors(json.loads(path.read_text("utf-8"))))
    assert (not errors) == valid, errors[:1]


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(built_store, tmp_path_factory.mktemp("reconcile") / "server.log", "--workers", "1") as (base, _):
        yield base


def reconcile(server: str, queries: dict, **kwargs) -> dict:
    answer = requests.post(f"{server}/reconcile", data={"queries": json.dumps(queries)}, timeout=30, **kwargs)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not list(validator("reconciliation-result-batch").iter_errors(body))
    return body


def test_the_manifest(server: str) -> None:
    manifest = requests.get(f"{server}/reconcile", timeout=10).json()
    assert not list(validator("manifest").iter_errors(manifest))
    assert manifest["identifierSpace"] == "https://w3id.org/metiers-kg/"
    assert [t["id"] for t in manifest["defaultTypes"]] == [
        "RomeFiche", "RomeAppellation", "EscoOccupation", "FicheMetier", "EmploiType", "RomeCompetence",
        "RomeSavoir", "EscoSkill"]
    assert manifest["batchSize"] == 100 and manifest["view"]["url"] == "{{id}}"
    preview = requests.get(manifest["preview"]["url"].replace("{{id}}", M1810), timeout=10)
    assert preview.status_code == 200 and "M1810" in preview.text


def test_a_batch_by_form_post(server: str) -> None:
    body = reconcile(server, {
        "q0": {"query": "Concepteur développeur", "type": "EmploiType"},
        "q1": {"query": "M1810"},
        "q2": {"query": "administratrice de logiciels de laboratoire", "type": ["FicheMetier"], "limit": 2},
    })
    assert sorted(body) == ["q0", "q1", "q2"]
    top = body["q0"]["result"][0]
    assert (top["id"], top["score"], top["match"]) == (CONCEPTEUR, 100.0, True)
    assert {"id": "exact_label", "value": True} in top["features"]
    assert top["type"] == [{"id": "EmploiType", "name": "Emploi-type"}]
    assert [(r["id"], r["match"]) for r in body["q1"]["result"]] == [(M1810, True)]
    assert body["q2"]["result"][0]["id"] == "https://w3id.org/metiers-kg/metier/MET.717"
    assert len(body["q2"]["result"]) <= 2


def test_get_and_jsonp(server: str) -> None:
    queries = json.dumps({"q0": {"query": "M1810"}})
    plain = requests.get(f"{server}/reconcile", params={"queries": queries}, timeout=10)
    assert plain.json()["q0"]["result"][0]["id"] == M1810
    padded = requests.get(f"{server}/reconcile", params={"queries": queries, "callback": "cb"}, timeout=10)
    assert padded.headers["Content-Type"].startswith("application/javascript")
    assert padded.text.startswith("cb(") and json.loads(padded.text[3:-2]) == plain.json()
    manifest = requests.get(f"{server}/reconcile", params={"callback": "cb"}, timeout=10)
    assert manifest.text.startswith("cb({")


@pytest.mark.parametrize(("queries", "message"), [
    ("{not json", "malformed JSON in 'queries' at line 1, column 2"),
    ('{"q0": {"query": "x", "type": "Planet"}}', "query 'q0': unknown type 'Planet'"),
    ('{"q0": {"query": 3}}', "query 'q0': must be an object with a 'query' string"),
    ('{"q0": {"query": "x", "limit": -1}}', "query 'q0': 'limit' must be a positive integer"),
    (json.dumps({f"q{i}": {"query": "x"} for i in range(101)}), "too many queries: 101 in one batch"),
    ("[]", "'queries' must be a non-empty JSON object"),
])
def test_bad_requests_say_what_is_wrong(server: str, queries: str, message: str) -> None:
    answer = requests.post(f"{server}/reconcile", data={"queries": queries}, timeout=30)
    assert answer.status_code == 400 and message in answer.text


def test_a_bad_callback_is_refused(server: str) -> None:
    answer = requests.get(f"{server}/reconcile", params={"callback": "alert(1)//"}, timeout=10)
    assert answer.status_code == 400 and "callback" in answer.text
