"""/report in the site's layout: French, every listed item linked to its page, reachable from the navigation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from kg.core.vocab import DEFAULT_BASE_IRI as BASE


def _local(iri: str) -> str:
    return "/" + iri[len(BASE) :]


def test_the_report_page_links_every_item_in_the_sites_layout(
    make_app: Callable[..., Flask], built_store: Path
) -> None:
    client = make_app(built_store, query_timeout=30).test_client()
    page = client.get("/report", headers={"Accept": "text/html"}).get_data(as_text=True)
    data = client.get("/report?format=json").get_json()
    assert '<header class="site">' in page and "<h1>Rapport qualité</h1>" in page
    for key in ("emploi_types", "appellations<", "Quality report", "Unmatched", "closeMatch<"):
        assert key not in page, key
    assert '<th scope="row">Emplois-types</th>' in page and "<th>proche</th>" in page
    items = [i for v in data["esco"].values() for i in v["unmatched_items"]]
    assert len(items) == sum(len(v["unmatched_items"]) for v in data["esco"].values()) > 100
    for item in items:
        assert f'<a href="{_local(item["iri"])}" title="{item["iri"]}">' in page, item
    unresolved = data["passerelles"]["unresolved_items"]
    assert len(unresolved) == data["passerelles"]["unresolved"] == 9
    assert all(f'href="{_local(i["emploi_iri"])}"' in page and f"(ligne {i['line']}, " in page for i in unresolved)
    mentions = data["mentions"]["unmatched_items"]
    assert len(mentions) == 16 and all(f'href="{_local(m["iri"])}"' in page for m in mentions)
    assert client.get(_local(mentions[0]["iri"]), headers={"Accept": "text/html"}).status_code == 200
    other = client.get("/metier/MET.717", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a href="/report">Rapport qualité</a>' in other  # in the navigation of every page
