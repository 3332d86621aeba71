"""The provider follows ``current`` across rebuilds; /healthz reports what is served."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from kg.core.errors import StoreError
from server.runtime.store_provider import StoreProvider
from tests.server.conftest import filler_quads, occupation_quads, write_build

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def served_count(client) -> int:
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_healthz_reports_triples_and_build(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "triples": 6, "build": "000001"}


def test_healthz_is_503_without_a_store(make_app, tmp_path: Path) -> None:
    response = make_app(tmp_path / "missing").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert str(tmp_path / "missing") in response.json["error"]


def test_a_rebuilt_store_is_served_without_restart(make_app, tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_build(store, occupation_quads())
    client = make_app(store).test_client()
    assert served_count(client) == 6

    write_build(store, filler_quads(2))

    assert served_count(client) == 2
    assert client.get("/healthz").json == {"status": "ok", "triples": 2, "build": "000002"}


def test_old_handle_lives_while_used_and_is_dropped_after(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_build(store, occupation_quads())
    provider = StoreProvider(store)
    old = provider.current()
    assert provider.current() is old  # unchanged link: same handle, nothing reopened
    old_ref = weakref.ref(old)

    write_build(store, filler_quads(3))
    new = provider.current()

    assert new is not old and new.build_id == "000002" and new.triples == 3
    assert len(old.store) == 6  # a query holding the old handle keeps working on its build
    del old
    gc.collect()
    assert old_ref() is None  # nobody uses it any more: closed


def test_provider_raises_store_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path / "nothing")):
        StoreProvider(tmp_path / "nothing").current()
