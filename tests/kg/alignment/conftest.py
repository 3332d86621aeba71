"""The seeds' digests and alignment, computed once per session (pure pipeline, no store)."""

from __future__ import annotations

import pytest

from kg.alignment.stage import Alignment, align_corpus
from kg.alignment.workflow import digests_of
from kg.mapping import Iris
from tests.conftest import SEEDS

BASE = "https://w3id.org/metiers-kg/"


@pytest.fixture(scope="session")
def seed_digests() -> list:
    return digests_of(SEEDS, Iris(BASE))


@pytest.fixture(scope="session")
def seed_alignment(seed_digests: list) -> Alignment:
    return align_corpus(seed_digests, Iris(BASE))
