"""``/search`` on a real ``metiers-kg serve``: the results page, its JSON, the box on every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kg.search import TYPES
from tests.serving import serving

pytestmark = pytest.mark.slow
M1810 = "https://w3id.org/metiers-kg/rome/M1810"


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(built_store, tmp_path_factory.mktemp("search") / "server.log", "--workers", "1") as (base, _):
        yield base


def test_json_groups_hits_by_type_with_codes_and_links(server: str) -> None:
    answer = requests.get(
        f"{server}/search", params={"q": "exploitant informatique"}, headers={"Accept": "application/json"}, timeout=30
    )
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    types = [g["type"] for g in body["groups"]]
    assert types[:2] == ["RomeFiche", "RomeAppellation"] and types == [t for t in TYPES if t in types]
    assert all(h["score"] >= 50 for g in body["groups"] for h in g["hits"])  # weaker hits are not shown
    fiche = body["groups"][0]["hits"][0]
    assert (fiche["id"], fiche["code"], fiche["url"]) == (M1810, "M1810", "/rome/M1810")
    appellation = body["groups"][1]["hits"][0]
    assert appellation["code"] == "M1810" and appellation["url"].startswith("/rome/appellation/")
    esco = requests.get(
        f"{server}/search", params={"q": "DRH", "type": "EscoOccupation", "format": "json"}, timeout=30
    ).json()["groups"][0]["hits"][0]
    assert (esco["code"], esco["url"]) == ("ISCO 1212", esco["id"])  # ESCO links to ESCO
    one = requests.get(f"{server}/search", params={"q": "M1810", "format": "json", "limit": "1"}, timeout=30).json()
    assert [(g["type"], len(g["hits"])) for g in one["groups"]] == [("RomeFiche", 1)]


def test_the_page_lists_the_groups(server: str) -> None:
    page = requests.get(f"{server}/search", params={"q": "DRH", "type": "EscoOccupation"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'id="type-EscoOccupation"' in page.text and 'id="type-RomeFiche"' not in page.text
    assert "directeur des ressources humaines" in page.text and "ISCO 1212" in page.text
    nothing = requests.get(f"{server}/search", params={"q": "zzzqqqxxx"}, timeout=30)
    assert "Aucun résultat pour « zzzqqqxxx »" in nothing.text
    huge = requests.get(f"{server}/search", params={"q": "développeur " * 1000, "format": "json"}, timeout=60)
    assert huge.status_code == 200 and huge.json()["truncated"] is True


def test_every_page_has_the_search_box_and_its_script(server: str) -> None:
    for path in ("/", "/metier/", "/rome/M1810", "/report", "/search"):
        page = requests.get(server + path, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200, path
        assert 'form class="site-search" action="/search"' in page.text, path
        assert '<script src="/static/search.js" defer></script>' in page.text, path
    script = requests.get(f"{server}/static/search.js", timeout=10)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
