"""The ONISEP corpus as a reader meets it: a formation page has its description and the fiches that recommend it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.slow
def test_formation_page_describes_it_and_lists_the_fiches_that_recommend_it(
        make_app: Callable[..., Flask], corpus_build) -> None:
    client = make_app(corpus_build[0]).test_client()
    response = client.get("/formation/FOR.10363", headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    response.close()
    assert "<h1>master mention informatique</h1>" in page
    for text in ("1353261J", "RNCP39278", "P2Y", "http://data.europa.eu/snb/eqf/7",
                 "ingénieur/e système", "gestionnaire de parc micro-informatique"):
        assert text in page, text
