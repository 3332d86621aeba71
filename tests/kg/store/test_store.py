"""The store switches builds atomically; failed, concurrent or killed builds leave it serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build_records import INDEX_DIR
from kg.core.errors import StoreError
from kg.store import Store, build_info, current_build, new_build, revise_current, settle_base_iri, written_graphs

EX = "http://example.org/"


def quads(n: int, graph: str = "g") -> list[ox.Quad]:
    return [
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), ox.NamedNode(EX + graph))
        for i in range(n)
    ]


def build(store_dir: Path, n: int) -> None:
    with new_build(store_dir) as store:
        store.bulk_add(quads(n))


def count(store_dir: Path) -> int:
    return len(Store.open_current(store_dir))


def test_a_new_build_replaces_the_current_one(tmp_path: Path) -> None:
    build(tmp_path, 3)
    first = current_build(tmp_path)
    build(tmp_path, 5)
    assert current_build(tmp_path) != first
    assert count(tmp_path) == 5


def test_a_failing_build_leaves_the_previous_store_and_no_partial_directory(tmp_path: Path) -> None:
    build(tmp_path, 3)
    before = current_build(tmp_path)
    with pytest.raises(RuntimeError):
        with new_build(tmp_path) as store:
            store.bulk_add(quads(10))
            raise RuntimeError("boom")
    assert current_build(tmp_path) == before
    assert count(tmp_path) == 3
    assert not [p for p in (tmp_path / "builds").iterdir() if p.name.endswith(".partial")]


def test_only_the_last_builds_are_kept(tmp_path: Path) -> None:
    for n in range(1, 6):
        build(tmp_path, n)
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == ["000003", "000004", "000005"]


def test_opening_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run 'metiers-kg build' first"):
        Store.open_current(tmp_path / "nothing")


def test_a_second_writer_is_refused_while_a_build_runs(tmp_path: Path) -> None:
    build(tmp_path, 1)
    with new_build(tmp_path) as store:
        store.bulk_add(quads(2))
        with pytest.raises(StoreError, match="another build or load"):
            with new_build(tmp_path):
                pass
    assert count(tmp_path) == 2


SLOW_BUILD = """
import sys, time
from kg.store import new_build
import pyoxigraph as ox
with new_build(sys.argv[1]) as store:
    store.bulk_add(ox.Quad(ox.NamedNode(f"http://example.org/k{i}"), ox.NamedNode("http://example.org/p"),
                           ox.Literal("x"), ox.NamedNode("http://example.org/g")) for i in range(1000))
    print("writing", flush=True)
    time.sleep(60)
"""


def test_a_build_killed_with_sigkill_leaves_the_previous_store_intact(tmp_path: Path) -> None:
    build(tmp_path, 3)
    before = current_build(tmp_path)
    process = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        assert any(p.name.endswith(".partial") for p in (tmp_path / "builds").iterdir())
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert current_build(tmp_path) == before
    assert count(tmp_path) == 3
    build(tmp_path, 4)  # the next build cleans the dead one's leftovers and takes the lock
    assert count(tmp_path) == 4
    assert not [p for p in (tmp_path / "builds").iterdir() if p.name.endswith(".partial")]


def test_a_build_records_its_base_iri_and_copies_of_it_keep_it(tmp_path: Path) -> None:
    assert build_info(tmp_path) == {}  # no store yet
    with new_build(tmp_path, info={"base_iri": "http://127.0.0.1:8000/"}) as store:
        store.bulk_add(quads(2))
    assert build_info(tmp_path) == {"base_iri": "http://127.0.0.1:8000/"}
    with new_build(tmp_path, copy_current=True) as store:  # metiers-kg load
        store.bulk_add(quads(3))
    with revise_current(tmp_path) as store:  # the server's updates
        store.bulk_add(quads(4))
    assert build_info(tmp_path) == {"base_iri": "http://127.0.0.1:8000/"} and count(tmp_path) == 4
    with pytest.raises(RuntimeError), new_build(tmp_path, info={"base_iri": "http://other.example/"}):
        raise RuntimeError("the build failed")
    assert build_info(tmp_path) == {"base_iri": "http://127.0.0.1:8000/"}
    build(tmp_path, 1)  # a build that records nothing has no base
    assert build_info(tmp_path) == {}


def test_the_recorded_base_is_the_default_and_a_contradicting_one_is_refused(tmp_path: Path) -> None:
    with new_build(tmp_path, info={"base_iri": "http://127.0.0.1:8000/"}) as store:
        store.bulk_add(quads(1))
    assert settle_base_iri(tmp_path, None, "https://default.example/") == "http://127.0.0.1:8000/"
    assert settle_base_iri(tmp_path, "http://127.0.0.1:8000/", "https://default.example/") == "http://127.0.0.1:8000/"
    with pytest.raises(StoreError, match=r"was built with base IRI http://127.0.0.1:8000/, not https://w3id.org/"):
        settle_base_iri(tmp_path, "https://w3id.org/metiers-kg/", "https://default.example/")
    assert settle_base_iri(tmp_path / "none", None, "https://default.example/") == "https://default.example/"


def test_an_online_revision_keeps_its_builds_name_index_and_records_what_it_wrote(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with new_build(store_dir) as store:
        store.bulk_add([ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1"), ox.NamedNode("urn:g"))])
        (Path(store.path) / INDEX_DIR).mkdir()
        (Path(store.path) / INDEX_DIR / "segment").write_text("names")
    with revise_current(store_dir) as store:
        store.oxigraph.update("INSERT DATA { GRAPH <urn:notes> { <urn:b> <urn:p> 2 } }")
    revised = current_build(store_dir)
    assert (revised / INDEX_DIR / "segment").read_text() == "names"
    assert written_graphs(store_dir) == ("urn:notes",)
