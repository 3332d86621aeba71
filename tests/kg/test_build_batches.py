"""The build's batches: checked in order, and kept on disk while they wait (``kg.build_batches``)."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from kg.build_batches import BatchSpool, CheckedBatch, checked_batches
from kg.core.vocab import DEFAULT_BASE_IRI
from tests.conftest import SEED_FILES


@pytest.fixture(scope="module")
def seed_batches() -> list[CheckedBatch]:
    """The seeds checked one document per batch, in this process."""
    return list(checked_batches(SEED_FILES, DEFAULT_BASE_IRI, batch_size=1, workers=1))


def test_one_batch_per_seed_in_document_order(seed_batches: list[CheckedBatch]) -> None:
    sources = [[g.source for g in b.graphs if g.source is not None] for b in seed_batches]
    assert sources == [[path] for path in SEED_FILES]
    assert all(g.nquads.count(b"\n") == g.quads for b in seed_batches for g in b.graphs)


def test_spooled_batches_come_back_whole_and_in_order(seed_batches: list[CheckedBatch], tmp_path: Path) -> None:
    with closing(BatchSpool(tmp_path / "store")) as spool:
        for batch in seed_batches:
            spool.put(batch)
        assert len(spool) == len(seed_batches)
        assert list(spool.batches()) == seed_batches
        assert len(spool) == 0
        assert list((tmp_path / "store").iterdir()) == []  # an unnamed file: nothing to clean up


def test_an_empty_spool_gives_nothing(tmp_path: Path) -> None:
    with closing(BatchSpool(tmp_path)) as spool:
        assert list(spool.batches()) == []
