"""ROME pages as a reader gets them: ``metiers-kg serve`` on the seeds' store, pages parsed as HTML.

The store is built with the subset export (tests/rome_subset.py), which keeps the whole detail
of the fiches the seeds name: M1810's counts below are those of France Travail's export
(``liens_rome_referentiels``: 17 appellations, 22 savoir-faire, 3 savoir-être, 25 savoirs,
7 contextes; ``coherence_item``: 8 "Principale"; ``rubrique_mobilite``: 9 moves, in order).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.store import Store
from tests.serving import serving

PREFIXES = "PREFIX mkg: <https://w3id.org/metiers-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


class Sections(HTMLParser):
    """Per ``<section id>``: its h2 text, its list entries (text, link) and its h3/h4 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, list]] = {}
        self.current: str | None = None
        self.depth = 0
        self.tag: str | None = None
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "section":
            if self.current is None and named.get("id"):
                self.current, self.depth = named["id"], 0
                self.found[self.current] = {"h2": [], "h3": [], "h4": [], "li": [], "value": []}
            elif self.current is not None:
                self.depth += 1
        if self.current is None:
            return
        if tag in ("h2", "h3", "h4"):
            self.tag = tag
            self.found[self.current][tag].append("")
        elif tag == "li":
            self.tag, self.href = "li", None
            self.found[self.current]["li"].append(["", None])
            if named.get("value"):
                self.found[self.current]["value"].append(int(named["value"] or 0))
        elif tag == "a" and self.tag == "li":
            self.found[self.current]["li"][-1][1] = named.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.current is not None:
            if self.depth == 0:
                self.current = None
            else:
                self.depth -= 1
        elif tag in ("h2", "h3", "h4", "li") and self.tag == tag:
            self.tag = None

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.tag is not None:
            entries = self.found[self.current][self.tag]
            if self.tag == "li":
                entries[-1][0] += data
            else:
                entries[-1] += data


def sections(base: str, path: str) -> dict[str, dict[str, list]]:
    response = requests.get(base + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    parser = Sections()
    parser.feed(response.text)
    return parser.found


def heading(section: dict[str, list]) -> str:
    return " ".join(section["h2"][0].split())


def count(store: Store, query: str) -> int:
    return int(next(iter(store.query(PREFIXES + query)))["n"].value)


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(built_store, tmp_path_factory.mktemp("rome-pages") / "server.log", "--workers", "1") as (base, _):
        yield base


def test_a_rome_fiche_page_shows_what_france_travails_fiche_shows(server: str, built_store: Path) -> None:
    page = sections(server, "/rome/M1810")
    assert {
        k: heading(v)
        for k, v in page.items()
        if k
        in (
            "appellations",
            "savoir-faire",
            "savoir-etre",
            "savoirs",
            "contextes",
            "mobilites",
            "riasec",
            "secteurs",
            "rattaches",
        )
    } == {
        "rattaches": "Métiers rattachés (6)",
        "appellations": "Appellations (17)",
        "savoir-faire": "Savoir-faire (22)",
        "savoir-etre": "Savoir-être professionnels (3)",
        "savoirs": "Savoirs (25)",
        "contextes": "Contextes de travail (7)",
        "mobilites": "Mobilités professionnelles (9)",
        "riasec": "Profil RIASEC (2)",
        "secteurs": "Secteurs d'activité (2)",
    }
    assert heading(page["definition"]) == "Définition" and heading(page["acces"]) == "Accès au métier"
    # Savoir-faire under their 16 macro-compétences, 8 of them flagged coeur de métier (all "Principale").
    savoir_faire = page["savoir-faire"]
    assert len(savoir_faire["h3"]) == 16 and len(savoir_faire["li"]) == 22
    assert sum("cœur de métier (principale)" in text for text, _ in savoir_faire["li"]) == 8
    # Savoirs by category (5) and sub-category (8); contextes by type (4).
    assert (len(page["savoirs"]["h3"]), len(page["savoirs"]["h4"])) == (5, 8)
    assert len(page["contextes"]["h3"]) == 4
    # Mobilités in France Travail's order, to the fiches of rubrique_mobilite.
    assert page["mobilites"]["value"] == list(range(1, 10))
    assert [href for _, href in page["mobilites"]["li"]] == [
        "/rome/I1106",
        "/rome/M1862",
        "/rome/I1105",
        "/rome/I1404",
        "/rome/M1854",
        "/rome/M1869",
        "/rome/M1874",
        "/rome/M1817",
        "/rome/M1878",
    ]
    # The principal appellation first; the principal secteur flagged; RIASEC major then minor.
    assert page["appellations"]["li"][0][0].strip().endswith("principale")
    assert sum(text.strip().endswith("principal") for text, _ in page["secteurs"]["li"]) == 1
    assert [text.split()[-1] for text, _ in page["riasec"]["li"]] == ["majeur", "mineur"]
    # Ours filed under it: 2 fiches métiers and 4 emploi-types, as the store says.
    filed = page["rattaches"]
    assert [" ".join(h.split()) for h in filed["h3"]] == ["Fiches métiers (2)", "Emplois-types (4)"]
    store = Store.open_current(built_store)
    assert count(store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o mkg:romeFiche <{BASE}rome/M1810> }}") == 6
    incoming = count(store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o mkg:mobilite <{BASE}rome/M1810> }}")
    assert heading(page["mobilites-vers"]) == f"Fiches qui mènent à celle-ci ({incoming})"
    # What the fiche view shows is not repeated in the generic table.
    html = requests.get(server + "/rome/M1810", headers={"Accept": "text/html"}, timeout=30).text
    description = html[html.index("<h2>Description</h2>") : html.index('<section class="query">')]
    assert "/rome/competence/" not in description and "/rome/M1869" not in description


def test_a_rome_item_page_shows_the_fiches_that_use_it(server: str, built_store: Path) -> None:
    store = Store.open_current(built_store)
    competence = f"{BASE}rome/competence/109971"  # a savoir-faire "Principale" in M1810 (coherence_item)
    page = sections(server, "/rome/competence/109971")
    users = count(store, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?f mkg:savoirFaire <{competence}> }}")
    assert users >= 1 and heading(page["fiches-rome-1"]) == f"Fiches ROME qui l'ont pour savoir-faire ({users})"
    m1810 = [text for text, href in page["fiches-rome-1"]["li"] if href == "/rome/M1810"]
    assert len(m1810) == 1 and m1810[0].strip().endswith("cœur de métier (principale)")
    contexte = f"{BASE}rome/contexte/403103"  # "Salarié secteur privé": 1,217 fiches in the complete export
    users = count(store, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?f mkg:contexteTravail <{contexte}> }}")
    page = sections(server, "/rome/contexte/403103")
    assert heading(page["fiches-rome-1"]) == f"Fiches ROME qui l'ont pour contexte de travail ({users})"
    assert len(page["fiches-rome-1"]["li"]) == users


def test_an_appellation_page_shows_its_fiche_and_our_linked_titles(server: str) -> None:
    page = sections(server, "/rome/appellation/509731")  # "Gestionnaire de parc informatique"
    assert heading(page["fiches-rome-1"]) == "Fiches ROME qui l'ont pour appellation (1)"
    titles = page["intitules-lies"]
    assert heading(titles) == "Nos intitulés liés (3)"  # MET.15, and its masculine and feminine appellations
    assert sorted(href for _, href in titles["li"]) == [
        "/metier/MET.15",
        "/metier/MET.15/appellation/feminin/gestionnaire-de-parc-micro-informatique",
        "/metier/MET.15/appellation/masculin/gestionnaire-de-parc-micro-informatique",
    ]
