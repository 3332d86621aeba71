"""The ONISEP corpus as a reader meets it: a formation page has its description and the fiches that recommend it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.slow
def test_formation_page_describes_it_and_lists_the_fiches_that_recommend_it(
    make_app: Callable[..., Flask], corpus_build
) -> None:
    client = make_app(corpus_build[0]).test_client()
    response = client.get("/formation/FOR.10363", headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    response.close()
    assert "<h1>master mention informatique</h1>" in page
    for text in (
        "1353261J",
        "RNCP39278",
        "P2Y",
        "http://data.europa.eu/snb/eqf/7",
        "ingénieur/e système",
        "gestionnaire de parc micro-informatique",
    ):
        assert text in page, text


def test_browse_pages_list_every_resource_a_to_z_with_counts(make_app: Callable[..., Flask], built_store) -> None:
    client = make_app(built_store).test_client()
    page = client.get("/metier/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>Fiches métiers</h1>" in page and "<p>2 dans le graphe" in page
    assert page.index("administrateur/trice de logiciels de laboratoire") < page.index(
        "gestionnaire de parc micro-informatique"
    )  # A to Z
    assert 'href="/metier/MET.717"' in page and 'href="/formation/"' in page  # navigation
    emplois = client.get("/emploi-type/").get_data(as_text=True)
    assert "<p>36 dans le graphe" in emplois and 'href="/emploi-type/concepteur-developpeur"' in emplois
    rome = client.get("/rome/").get_data(as_text=True)
    assert 'href="/rome/M1810"' in rome
    assert client.get("/formation/").status_code == 200 and client.get("/nothing-here/").status_code == 404


@pytest.mark.slow
def test_browse_formations_of_the_corpus(make_app: Callable[..., Flask], corpus_build) -> None:
    page = make_app(corpus_build[0]).test_client().get("/formation/").get_data(as_text=True)
    assert "<h1>Formations</h1>" in page and 'href="/formation/FOR.10363">master mention informatique</a>' in page


@pytest.mark.slow
def test_home_page_says_what_the_corpus_graph_holds(make_app: Callable[..., Flask], corpus_build) -> None:
    page = make_app(corpus_build[0]).test_client().get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '<a href="/metier/">887 fiches métiers</a>' in page
    assert "(dont 1\u202f982 décrites par leur fiche)" in page
    assert '<a href="/rome/">1\u202f584 fiches ROME</a>, 13\u202f120 appellations ROME.' in page
