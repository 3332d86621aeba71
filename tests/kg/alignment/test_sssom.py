"""The published mapping set: reproducible from the seeds, equal to what the store serves, valid SSSOM."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.alignment.sssom import mappings_from_store, sssom_tsv
from kg.alignment.workflow import candidates_tsv
from kg.mapping import Iris
from kg.store import Store
from tests.conftest import FULL_ROME, REPO, run_cli
from tests.kg.alignment.conftest import BASE

PUBLISHED = REPO / "alignment" / "mappings.sssom.tsv"
CURATION = REPO / "alignment" / "curation.sssom.tsv"
CANDIDATES = REPO / "alignment" / "candidates.tsv"


def test_committed_mapping_set_is_what_the_pipeline_makes(seed_alignment) -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == sssom_tsv(seed_alignment.mappings, BASE), (
        "alignment/mappings.sssom.tsv is stale: run 'metiers-kg align --seeds seeds'"
    )


def test_committed_candidates_are_what_the_pipeline_makes(seed_alignment) -> None:
    # The ROME candidates come from every ROME appellation: the complete export, as `metiers-kg align` reads it.
    assert CANDIDATES.read_text(encoding="utf-8") == candidates_tsv(seed_alignment, Iris(BASE), FULL_ROME), (
        "alignment/candidates.tsv is stale: run 'metiers-kg align --seeds seeds'"
    )


def test_the_store_serves_exactly_the_published_mappings(built_store: Path, tmp_path: Path) -> None:
    served = sssom_tsv(mappings_from_store(Store.open_current(built_store)), BASE)
    assert served == PUBLISHED.read_text(encoding="utf-8")
    result = run_cli("report", "--store", built_store, "--sssom", tmp_path / "out.sssom.tsv")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.sssom.tsv").read_text(encoding="utf-8") == served


@pytest.mark.parametrize("path", [PUBLISHED, CURATION], ids=["published", "curation"])
def test_mapping_sets_validate_with_the_sssom_library(path: Path) -> None:
    sssom_parsers = pytest.importorskip("sssom.parsers")
    from sssom.constants import SchemaValidationType
    from sssom.validators import validate

    msdf = sssom_parsers.parse_sssom_table(str(path))
    assert (
        len(msdf.df)
        == len(
            [
                text_line
                for text_line in path.read_text(encoding="utf-8").splitlines()
                if text_line and not text_line.startswith("#")
            ]
        )
        - 1
    )
    checks = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    reports = validate(msdf, checks, fail_on_error=False)
    assert all(not report.results for report in reports.values()), reports
