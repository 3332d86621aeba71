"""``/reconcile`` on a real ``metiers-kg serve``, every answer checked against the community group's schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.server.reconciliation_schemas import examples, validator

pytestmark = pytest.mark.slow
CONCEPTEUR = "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
M1810 = "https://w3id.org/metiers-kg/rome/M1810"


@pytest.mark.parametrize(("version", "schema", "path", "valid"), examples(), ids=lambda v: getattr(v, "name", str(v)))
def test_the_validator_agrees_with_the_schema_examples(version: str, schema: str, path: Path, valid: bool) -> None:
    found = list(validator(schema, version).iter_errors(json.loads(path.read_text("utf-8"))))
    assert (not found) == valid, found[:1]


def test_every_vendored_example_is_run() -> None:
    assert [sum(1 for e in examples() if e[0] == v) for v in ("0.2", "1.0-draft")] == [44, 51]


@pytest.fixture(scope="module")
def server(reconcile_server: str) -> str:
    return reconcile_server


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
        "RomeFiche",
        "RomeAppellation",
        "EscoOccupation",
        "FicheMetier",
        "EmploiType",
        "RomeCompetence",
        "RomeSavoir",
        "EscoSkill",
    ]
    assert manifest["batchSize"] == 100 and manifest["view"]["url"] == "{{id}}"
    preview = requests.get(manifest["preview"]["url"].replace("{{id}}", M1810), timeout=10)
    assert preview.status_code == 200 and "M1810" in preview.text


def test_a_batch_by_form_post(server: str) -> None:
    body = reconcile(
        server,
        {
            "q0": {"query": "Concepteur développeur", "type": "EmploiType"},
            "q1": {"query": "M1810"},
            "q2": {"query": "administratrice de logiciels de laboratoire", "type": ["FicheMetier"], "limit": 2},
        },
    )
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


LONG_TITLE = ("Technicien de maintenance " * 400)[:10_000]


@pytest.mark.parametrize(
    ("queries", "status", "message"),
    [
        ("{not json", 400, "malformed JSON in 'queries' at line 1, column 2: Expecting property name"),
        (
            '{"q0": {"query": "x", "type": "Planet"}}',
            400,
            "query 'q0': unknown type 'Planet'; the types are RomeFiche,",
        ),
        ('{"q0": {"query": 3}}', 400, "query 'q0': must be an object with a 'query' string"),
        ('{"q0": {"query": "x", "limit": -1}}', 400, "query 'q0': 'limit' must be a positive integer"),
        (
            json.dumps({f"q{i}": {"query": "x"} for i in range(101)}),
            413,
            "too many queries: 101 in one batch, the service takes at most 100 (batchSize in the manifest)",
        ),
        (
            json.dumps({f"q{i}": {"query": "infirmier"} for i in range(10_000)}),
            413,
            "too many queries: 10000 in one batch, the service takes at most 100 (batchSize in the manifest)",
        ),
        (
            json.dumps({"q0": {"query": LONG_TITLE}}),
            400,
            "query 'q0': the query is 10000 characters long; titles are searched up to 1000 characters",
        ),
        ("[]", 400, "'queries' must be a non-empty JSON object"),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "salary", "v": "2000"}]}}',
            400,
            (
                "query 'q0': unknown property 'salary'; the properties a query may give are romeCode, romeFiche, domaine, "
                "grandDomaine, escoOccupation, iscoGroup"
            ),
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "appellations", "v": "x"}]}}',
            400,
            "query 'q0': property 'appellations' is returned by data extension but cannot refine a query",
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "grandDomaine", "v": "ZZ"}]}}',
            400,
            "query 'q0': property 'grandDomaine': 'ZZ' is not a ROME grand domaine letter (M) or its IRI",
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "iscoGroup", "v": true}]}}',
            400,
            "query 'q0': property 'iscoGroup': a value must be a string, a number or an object with an 'id'",
        ),
        (
            '{"q0": {"query": "x", "properties": {"pid": "iscoGroup"}}}',
            400,
            "query 'q0': 'properties' must be a list of {\"pid\": property id, \"v\": value(s)}",
        ),
    ],
)
def test_bad_requests_say_what_is_wrong(server: str, queries: str, status: int, message: str) -> None:
    answer = requests.post(f"{server}/reconcile", data={"queries": queries}, timeout=60)
    assert (answer.status_code, answer.headers["Content-Type"]) == (status, "text/plain; charset=utf-8")
    assert answer.text.startswith(message), answer.text


def test_a_body_over_the_size_limit_is_refused(server: str) -> None:
    queries = json.dumps({f"q{i}": {"query": "Technicien de maintenance industrielle"} for i in range(30_000)})
    answer = requests.post(f"{server}/reconcile", data={"queries": queries}, timeout=60)
    assert answer.status_code == 413
    assert answer.text == (
        "the request body is over 1048576 bytes; send at most 100 queries per batch (batchSize in the manifest)\n"
    )


def test_a_body_that_is_not_utf8_is_refused(server: str) -> None:
    body = b"queries=" + b'{"q0":{"query":"Infirmi%E8re"}}'  # %E8: "è" in Latin-1, not UTF-8
    answer = requests.post(
        f"{server}/reconcile", data=body, timeout=10, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400
    assert answer.text.startswith(
        "a field of the request is not UTF-8 once percent-decoded (byte b'\\xe8' at offset 23 of its value)"
    ), answer.text
    raw = b'queries={"q0":{"query":"Infirmi\xe8re"}}'  # the byte itself, unescaped
    answer = requests.post(
        f"{server}/reconcile", data=raw, timeout=10, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400
    assert answer.text == "the request is not UTF-8 (byte b'\\xe8' at offset 31 of the body)\n"


def test_an_empty_query_has_no_candidates(server: str) -> None:
    assert reconcile(server, {"q0": {"query": ""}, "q1": {"query": "  "}}) == {
        "q0": {"result": []},
        "q1": {"result": []},
    }


def top(body: dict, key: str) -> tuple[str, float, bool, dict]:
    first = body[key]["result"][0]
    return first["id"], first["score"], first["match"], {f["id"]: f["value"] for f in first["features"]}


def test_properties_raise_the_candidates_that_have_them(server: str) -> None:
    ibode = {"query": "Infirmier de bloc opératoire", "type": "RomeFiche", "limit": 3}
    body = reconcile(
        server,
        {
            "plain": ibode,
            "right": {**ibode, "properties": [{"pid": "grandDomaine", "v": "J"}]},
            "wrong": {**ibode, "properties": [{"pid": "grandDomaine", "v": "M"}]},
            "iri": {**ibode, "properties": [{"pid": "domaine", "v": {"id": "https://w3id.org/metiers-kg/rome/J15"}}]},
        },
    )
    j1504 = "https://w3id.org/metiers-kg/rome/J1504"
    plain = top(body, "plain")
    assert plain[0] == j1504 and plain[1] >= 95  # the title of one of its appellations
    assert top(body, "right") == (j1504, plain[1], plain[2], {**plain[3], "property_grandDomaine": True})
    # a name in another grand domaine keeps 85 % of its score: never an automatic match
    wrong = top(body, "wrong")
    assert wrong[:3] == (j1504, round(plain[1] * 0.85, 1), False) and wrong[3]["property_grandDomaine"] is False
    in_j15 = [r["id"] for r in body["iri"]["result"]]  # a domaine given by its IRI: its fiches come first
    assert in_j15[0] == j1504 and len(in_j15) == 3
    assert all(iri.startswith("https://w3id.org/metiers-kg/rome/J15") for iri in in_j15)


def test_an_isco_group_covers_its_subgroups(server: str) -> None:
    body = reconcile(
        server,
        {
            "unit": {
                "query": "développeur",
                "type": "EscoOccupation",
                "limit": 2,
                "properties": [{"pid": "iscoGroup", "v": 2512}],
            },
            "major": {
                "query": "développeur",
                "type": "EscoOccupation",
                "limit": 2,
                "properties": [{"pid": "iscoGroup", "v": "http://data.europa.eu/esco/isco/C25"}],
            },
        },
    )
    for key in ("unit", "major"):  # every candidate shown is a developer of ISCO 2512 (in major group 25)
        assert [{f["id"]: f["value"] for f in r["features"]}["property_iscoGroup"] for r in body[key]["result"]] == [
            True,
            True,
        ]


def test_a_bad_callback_is_refused(server: str) -> None:
    answer = requests.get(f"{server}/reconcile", params={"callback": "alert(1)//"}, timeout=10)
    assert answer.status_code == 400 and "callback" in answer.text
