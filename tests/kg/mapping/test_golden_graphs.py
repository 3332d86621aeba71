"""Each seed maps to the graph reviewed in ``golden/`` (N-Triples, sorted; compared by isomorphism, so blank-node names
and triple order do not matter, and a difference shows the triples gained and lost).

When a mapping change is intended, regenerate the files and review their diff:
``python -m tests.kg.mapping.test_golden_graphs``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.core.vocab import DEFAULT_BASE_IRI, PREFIXES
from kg.mapping import Iris, to_graph
from kg.sources import parse

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"


def mapped(seed: Path) -> rdflib.Graph:
    """The seed's named graph as the mapper makes it (no SOURCE_DATE_EPOCH: no build date)."""
    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in to_graph(parse(seed), Iris(DEFAULT_BASE_IRI)).triples:
        graph.add(triple)
    return graph


def golden_file(seed: Path) -> Path:
    return GOLDEN / f"{seed.stem}.nt"


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda seed: seed.stem)
def test_each_seed_maps_to_its_golden_graph(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    got = mapped(seed)
    expected = rdflib.Graph().parse(golden_file(seed), format="nt")
    if not isomorphic(got, expected):
        _, lost, gained = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(
            f"{seed.name} no longer maps to {golden_file(seed).name}:\n"
            f"lost {len(lost)}:\n{lost.serialize(format='nt')[:3000]}\n"
            f"gained {len(gained)}:\n{gained.serialize(format='nt')[:3000]}"
        )


if __name__ == "__main__":
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    GOLDEN.mkdir(exist_ok=True)
    for seed_file in sorted(SEEDS.glob("*.txt")):
        lines = sorted(mapped(seed_file).serialize(format="nt").splitlines())  # exact lexical forms, sorted
        golden_file(seed_file).write_text("".join(line + "\n" for line in lines if line), encoding="utf-8")
        print(golden_file(seed_file))
