"""The store switches builds atomically; failed, concurrent or killed builds leave it serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.store import Store, current_build, new_build

EX = "http://example.org/"


def quads(n: int, graph: str = "g") -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), ox.NamedNode(EX + graph))
            for i in range(n)]


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
