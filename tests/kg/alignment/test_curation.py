"""The curation file: every decision well-formed, pointing at real concepts, refused with its line otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.alignment.curation import CurationError, curation, parse_curation
from kg.alignment.model import MANUAL, NO_TERM_FOUND
from kg.sources.reference import is_known
from tests.kg.alignment.conftest import BASE

GOOD = curation()
HEADER_AND_COLUMNS = "\n".join(
    line
    for line in (Path(__file__).resolve().parents[3] / "alignment" / "curation.sssom.tsv")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.startswith("#") or line.startswith("subject_id")
)
ROW = (
    "kg:emploi-type/chef-de-projet\tChef de projet\tskos:closeMatch\t\tESCO:8b6388a4-4904-471b-9331-d3b1211f5525\t"
    "ICT project manager\tsemapv:ManualMappingCuration\t0.8\tmkgagent:reviewer\tA reviewer\t2026-01-31\t"
    "manages IT projects"
)


def test_every_shipped_decision_is_complete_and_reaches_a_known_concept() -> None:
    decisions = [m for ms in GOOD.decisions(BASE).values() for m in ms]
    assert len(decisions) == 80
    for m in decisions:
        assert m.justification == MANUAL and m.comment and m.author_id and m.date and 0 <= m.confidence <= 1
        assert m.object == NO_TERM_FOUND or is_known(m.object)
        assert m.line is not None


def test_subjects_follow_the_base_iri() -> None:
    other = GOOD.decisions("http://example.org/kg/")
    assert "http://example.org/kg/emploi-type/urbaniste" in other


def test_every_curated_subject_is_in_the_seeds(seed_alignment) -> None:
    assert seed_alignment.stale == ()


@pytest.mark.parametrize(
    "change,message",
    [
        (("skos:closeMatch", "skos:sameAs"), "is not a SKOS mapping property"),
        (("\t0.8\t", "\t1.8\t"), "must be a number from 0 to 1"),
        (("ESCO:8b6388a4", "ESCO:00000000"), "is not an ESCO occupation"),
        (("2026-01-31", "31/01/2026"), "must be an ISO date"),
        (("\tmanages IT projects", "\t"), "empty comment"),
        (("kg:emploi-type", "ESCO:emploi-type"), "must be a kg: CURIE"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(change: tuple[str, str], message: str) -> None:
    text = HEADER_AND_COLUMNS + "\n" + ROW + "\n" + ROW.replace(*change) + "\n"
    with pytest.raises(CurationError) as caught:
        parse_curation(text, Path("curation.sssom.tsv"))
    assert message in str(caught.value)
    assert caught.value.line == len(text.splitlines())


def test_a_pair_decided_twice_is_refused() -> None:
    text = HEADER_AND_COLUMNS + "\n" + ROW + "\n" + ROW.replace("0.8", "0.7") + "\n"
    with pytest.raises(CurationError, match="already decided on line"):
        parse_curation(text, Path("curation.sssom.tsv"))
