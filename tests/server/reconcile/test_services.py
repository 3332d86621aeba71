"""``/reconcile``'s other services on a real server: suggest and flyout, data extension (propose, extend),
and the 1.0 draft's routes; every answer checked against the community group's schemas of its version."""

from __future__ import annotations

import json

import pytest
import requests

from tests.server.reconciliation_schemas import errors

pytestmark = pytest.mark.slow
CONCEPTEUR = "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
MET717 = "https://w3id.org/metiers-kg/metier/MET.717"
M1810 = "https://w3id.org/metiers-kg/rome/M1810"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
ALL_PROPERTIES = [
    "romeCode",
    "romeTitle",
    "romeFiche",
    "domaine",
    "grandDomaine",
    "escoOccupation",
    "iscoGroup",
    "appellations",
    "competences",
]


def get(url: str, schema: str | None = None, version: str = "0.2", **params: str) -> dict:
    answer = requests.get(url, params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    if schema:
        assert not errors(schema, body, version)
    return body


def test_the_manifest_announces_every_service(reconcile_server: str) -> None:
    root = f"{reconcile_server}/reconcile"
    manifest = get(root, "manifest")
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        assert (service["service_url"], service["service_path"]) == (root, f"/suggest/{kind}")
        assert service["flyout_service_path"] == f"/flyout/{kind}?id=${{id}}"
    assert manifest["extend"]["propose_properties"] == {"service_url": root, "service_path": "/extend/propose"}
    assert [s["name"] for s in manifest["extend"]["property_settings"]] == ["limit"]


def test_suggest_entity_completes_the_last_word(reconcile_server: str) -> None:
    url = f"{reconcile_server}/reconcile/suggest/entity"
    body = get(url, "suggest-entities-response", prefix="concepteur dévelop", type="EmploiType")
    assert body["result"] == [
        {
            "id": CONCEPTEUR,
            "name": "Concepteur développeur",
            "description": "M1805 Développeur / Développeuse informatique — matched «Concepteur développeur» (prefLabel)",
            "notable": [{"id": "EmploiType", "name": "Emploi-type"}],
        }
    ]
    boulang = get(url, "suggest-entities-response", prefix="boulang", limit="2")["result"]
    assert [(r["name"], r["notable"][0]["id"]) for r in boulang] == [
        ("Boulanger / Boulangère", "RomeFiche"),
        ("Boulanger / Boulangère", "RomeAppellation"),
    ]
    page_two = get(url, prefix="boulang", limit="2", cursor="2")["result"]
    assert page_two and not {r["id"] for r in page_two} & {r["id"] for r in boulang}
    assert get(url, prefix="M1810")["result"][0]["id"] == M1810  # an identifier is looked up
    assert get(url, prefix="xyzzy")["result"] == []
    padded = requests.get(url, params={"prefix": "boulang", "callback": "cb"}, timeout=10)
    assert padded.text.startswith('cb({"result": [') and padded.headers["Content-Type"].startswith(
        "application/javascript"
    )


def test_suggest_types_and_properties(reconcile_server: str) -> None:
    root = f"{reconcile_server}/reconcile"
    types = get(f"{root}/suggest/type", "suggest-types-response", prefix="rome")["result"]
    assert [t["id"] for t in types] == ["RomeFiche", "RomeAppellation", "RomeCompetence", "RomeSavoir"]
    assert [
        p["id"] for p in get(f"{root}/suggest/property", "suggest-properties-response", prefix="")["result"]
    ] == ALL_PROPERTIES
    assert [p["id"] for p in get(f"{root}/suggest/property", prefix="domaine")["result"]] == ["domaine", "grandDomaine"]
    flyout = get(f"{root}/flyout/entity", id=M1810)
    assert (
        flyout["id"] == M1810 and "<b>Technicien / Technicienne d&#x27;exploitation informatique</b>" in flyout["html"]
    )
    assert "Groupe ISCO-08" in get(f"{root}/flyout/property", id="iscoGroup")["html"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/suggest/entity", 400, "'prefix' is required: the text typed so far"),
        ("/suggest/entity?prefix=x&type=Planet", 400, "unknown type 'Planet'; the types are RomeFiche,"),
        ("/suggest/entity?prefix=x&limit=0", 400, "'limit' must be an integer from 1 to 100"),
        ("/suggest/planet?prefix=x", 404, "no suggest service 'planet'; they are entity, type, property"),
        ("/flyout/entity?id=nowhere", 404, "unknown entity 'nowhere'"),
        ("/extend/propose?type=Planet", 400, "unknown type 'Planet'"),
        (
            '?extend={"ids": ["x"], "properties": [{"id": "salary"}]}',
            400,
            "unknown property 'salary'; the properties are romeCode, romeTitle,",
        ),
        ('?extend={"ids": "x", "properties": []}', 400, "a data extension query is an object with 'ids'"),
        (
            '?extend={"ids": [], "properties": [{"id": "romeCode", "settings": {"limit": "many"}}]}',
            400,
            "property 'romeCode': setting 'limit' must be a number ≥ 0 (0: all values)",
        ),
        ("?extend={oops", 400, "malformed JSON in 'extend' at line 1, column 2"),
    ],
)
def test_bad_service_requests_say_what_is_wrong(reconcile_server: str, path: str, status: int, message: str) -> None:
    answer = requests.get(f"{reconcile_server}/reconcile{path}", timeout=10)
    assert answer.status_code == status and answer.text.startswith(message), answer.text


def test_properties_are_proposed_for_each_type(reconcile_server: str) -> None:
    url = f"{reconcile_server}/reconcile/extend/propose"
    body = get(url, "data-extension-property-proposal", type="RomeAppellation")
    assert body["type"] == "RomeAppellation" and [p["id"] for p in body["properties"]] == ALL_PROPERTIES
    assert len(get(url, "data-extension-property-proposal", type="EscoOccupation", limit="3")["properties"]) == 3


def extend(server: str, ids: list[str], properties: list[dict]) -> dict:
    query = json.dumps({"ids": ids, "properties": properties})
    answer = requests.post(f"{server}/reconcile", data={"extend": query}, timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not errors("data-extension-response", body)
    return body


def test_data_extension_reads_the_graph(reconcile_server: str) -> None:
    body = extend(
        reconcile_server,
        [CONCEPTEUR, MET717, SOFTWARE_DEVELOPER, "https://example.org/unknown"],
        [{"id": p} for p in ALL_PROPERTIES[:7]] + [{"id": "appellations", "settings": {"limit": "2"}}],
    )
    assert body["meta"][2] == {
        "id": "romeFiche",
        "name": "Fiche ROME",
        "type": {"id": "RomeFiche", "name": "Fiche ROME"},
    }
    assert body["rows"][CONCEPTEUR] == {
        "romeCode": [{"str": "M1805"}],
        "romeTitle": [{"str": "Développeur / Développeuse informatique"}],
        "romeFiche": [
            {"id": "https://w3id.org/metiers-kg/rome/M1805", "name": "M1805 Développeur / Développeuse informatique"}
        ],
        "domaine": [
            {"id": "https://w3id.org/metiers-kg/rome/M18", "name": "M18 Systèmes d'information et de télécommunication"}
        ],
        "grandDomaine": [{"id": "https://w3id.org/metiers-kg/rome/M", "name": "M Support à l'entreprise"}],
        "escoOccupation": [{"id": SOFTWARE_DEVELOPER, "name": "développeur de logiciels/développeuse de logiciels"}],
        "iscoGroup": [{"id": "http://data.europa.eu/esco/isco/C2512", "name": "2512 Concepteurs de logiciels"}],
        "appellations": [{"str": "Analyste réalisateur"}, {"str": "Analyste-programmeur"}],
    }
    assert body["rows"][MET717]["romeCode"] == [{"str": "M1810"}]
    assert body["rows"][MET717]["iscoGroup"] == [
        {"id": "http://data.europa.eu/esco/isco/C2514", "name": "2514 Programmeurs d’applications"}
    ]
    # an ESCO occupation's ROME fiches: those of the appellations the official crosswalk maps to it
    assert [v["str"] for v in body["rows"][SOFTWARE_DEVELOPER]["romeCode"]] == ["M1805"]
    assert body["rows"]["https://example.org/unknown"] == {p: [] for p in ALL_PROPERTIES[:7] + ["appellations"]}


def test_the_main_competences_are_the_core_of_the_fiche(reconcile_server: str) -> None:
    body = extend(reconcile_server, [M1810], [{"id": "competences"}])
    names = [v["name"] for v in body["rows"][M1810]["competences"]]
    assert len(names) == 8 and "Gérer les droits d'accès des utilisateurs" in names


def test_an_extension_over_the_batch_size_is_refused(reconcile_server: str) -> None:
    query = json.dumps({"ids": [M1810] * 101, "properties": [{"id": "romeCode"}]})
    answer = requests.post(f"{reconcile_server}/reconcile", data={"extend": query}, timeout=30)
    assert answer.status_code == 413 and answer.text.startswith("too many ids: 101 in one batch")


def test_the_1_0_draft_endpoint(reconcile_server: str) -> None:
    root = f"{reconcile_server}/reconcile/1.0-draft"
    manifest = get(root, "manifest", "1.0-draft")
    assert manifest["versions"] == ["1.0-draft"] and manifest["suggest"] == {
        "entity": True,
        "type": True,
        "property": True,
    }
    batch = {
        "queries": [
            {"conditions": [{"matchType": "name", "propertyValue": "Concepteur développeur"}], "type": "EmploiType"},
            {"conditions": [{"matchType": "id", "propertyValue": "M1810"}]},
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "développeur"},
                    {"matchType": "property", "propertyId": "iscoGroup", "propertyValue": "2512", "required": True},
                ],
                "limit": 3,
            },
        ]
    }
    assert not errors("reconciliation-query-batch", batch, "1.0-draft")
    answer = requests.post(f"{root}/reconcile", json=batch, timeout=30)
    assert answer.status_code == 200, answer.text
    results = answer.json()
    assert not errors("reconciliation-result-batch", results, "1.0-draft")
    first = [r["candidates"][0] for r in results["results"]]
    assert [(c["id"], c["match"]) for c in first[:2]] == [(CONCEPTEUR, True), (M1810, True)]
    # required: a filter; every candidate is in ISCO 2512
    assert all(
        {"id": "property_iscoGroup", "value": True, "name": "it has the query's iscoGroup"} in c["features"]
        for c in results["results"][2]["candidates"]
    )
    extended = requests.post(f"{root}/extend", json={"ids": [M1810], "properties": [{"id": "romeCode"}]}, timeout=30)
    assert extended.json()["rows"] == [{"id": M1810, "properties": [{"id": "romeCode", "values": [{"str": "M1810"}]}]}]
    assert not errors("data-extension-response", extended.json(), "1.0-draft")
    assert get(f"{root}/suggest/entity", "suggest-entities-response", "1.0-draft", prefix="boulang")["result"]
    assert get(f"{root}/extend/propose", "data-extension-property-proposal", "1.0-draft", type="RomeFiche")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "malformed JSON in the body at line 1, column 2"),
        (b'{"queries": "x"}', 400, "the body must be a JSON object with a non-empty list of 'queries'"),
        (
            b'{"queries": [{"conditions": [{"matchType": "name", "propertyValue": "Infirmi\xe8re"}]}]}',
            400,
            "the body is not UTF-8 (byte b'\\xe8' at offset 76)",
        ),
        (
            json.dumps({"queries": [{"conditions": [{"matchType": "name", "propertyValue": "x"}]}] * 10_000}).encode(),
            413,
            "too many queries: 10000 in one batch, the service takes at most 100",
        ),
        (
            b'{"queries": [{"conditions": [{"matchType": "nickname", "propertyValue": "x"}]}]}',
            400,
            "query 0: each condition needs a 'matchType': name, id or property",
        ),
        (
            (
                b'{"queries": [{"conditions": [{"matchType": "property", "propertyId": "iscoGroup", "propertyValue": "25", '
                b'"matchQuantifier": "none"}]}]}'
            ),
            400,
            "query 0: matchQuantifier 'none' is not supported (any, all)",
        ),
    ],
)
def test_bad_1_0_batches_say_what_is_wrong(reconcile_server: str, body: bytes, status: int, message: str) -> None:
    answer = requests.post(
        f"{reconcile_server}/reconcile/1.0-draft/reconcile",
        data=body,
        timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == status and answer.text.startswith(message), answer.text
