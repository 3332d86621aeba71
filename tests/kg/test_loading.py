"""``metiers-kg load``: RDF files into a named graph, all or nothing, errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import Store, current_build
from tests.conftest import run_cli

GRAPH = "https://example.org/graph/extra"
TURTLE = """@prefix ex: <https://example.org/> .
ex:a ex:p "un" , "deux" .
ex:b ex:p ex:a .
"""
NTRIPLES = '<https://example.org/c> <https://example.org/p> "trois" .\n'
TRIG = '<https://example.org/g2> { <https://example.org/d> <https://example.org/p> "quatre" . }\n'


def count(store: Path, graph: str) -> int:
    return sum(1 for _ in Store.open_current(store).quads(ox.NamedNode(graph)))


def test_files_of_several_formats_go_to_the_named_graph(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(TURTLE)
    (tmp_path / "b.nt").write_text(NTRIPLES)
    (tmp_path / "c.trig").write_text(TRIG)
    store = tmp_path / "store"
    result = run_cli(
        "load", "--store", store, "--graph", GRAPH, tmp_path / "a.ttl", tmp_path / "b.nt", tmp_path / "c.trig"
    )
    assert result.returncode == 0, result.stderr
    assert count(store, GRAPH) == 4
    assert count(store, "https://example.org/g2") == 1  # a dataset's own named graphs are kept
    assert "now holds 5 quads" in result.stderr


def test_load_adds_to_a_built_store_without_touching_the_other_graphs(built_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "current").symlink_to(current_build(built_store))  # share the session's build read-only
    before = len(Store.open_current(store))
    (tmp_path / "a.ttl").write_text(TURTLE)
    assert run_cli("load", "--store", store, "--graph", GRAPH, tmp_path / "a.ttl").returncode == 0
    assert len(Store.open_current(store)) == before + 3
    assert current_build(store) != current_build(built_store)  # copy-on-write: a new build


@pytest.mark.parametrize(
    "name,content,words",
    [
        (
            "broken.ttl",
            '@prefix ex: <https://example.org/> .\nex:a ex:p "ok" .\nex:b ex:p "unterminated .\n',
            "broken.ttl",
        ),
        ("data.csv", "a,b\n", "unknown RDF file extension"),
        ("missing.ttl", None, "no such file"),
    ],
    ids=["syntax-error", "unknown-extension", "missing-file"],
)
def test_a_bad_file_loads_nothing(tmp_path: Path, name: str, content: str | None, words: str) -> None:
    store = tmp_path / "store"
    (tmp_path / "good.ttl").write_text(TURTLE)
    assert run_cli("load", "--store", store, "--graph", GRAPH, tmp_path / "good.ttl").returncode == 0
    before = current_build(store)
    if content is not None:
        (tmp_path / name).write_text(content)
    result = run_cli("load", "--store", store, "--graph", GRAPH, tmp_path / "good.ttl", tmp_path / name)
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr
    assert current_build(store) == before and count(store, GRAPH) == 3


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:a ex:p "ok" .\nex:b ex:p ex:c ex:d .\n')
    result = run_cli("load", "--store", tmp_path / "store", "--graph", GRAPH, bad)
    assert result.returncode == 1
    assert f"{bad}: Parser error at line 3" in result.stderr
