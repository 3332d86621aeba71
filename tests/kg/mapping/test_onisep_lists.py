"""A fiche section's bullets become a schema.org ItemList: one ordered ListItem per entry."""

from __future__ import annotations

from pathlib import Path

import rdflib

from kg.core.vocab import DEFAULT_BASE_IRI, PREFIXES
from kg.mapping import Iris, to_graph
from kg.sources import parse

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
MET717 = next(SEEDS.glob("000_*.txt"))


def _graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for triple in to_graph(parse(MET717), Iris(DEFAULT_BASE_IRI)).triples:
        graph.add(triple)
    return graph


def test_each_bullet_is_one_ordered_list_item() -> None:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    rows = list(
        _graph().query(
            prologue
            + """
        SELECT ?title ?count ?position ?name WHERE {
          ?section a mkg:Section, schema:ItemList ; skos:prefLabel ?title ; schema:numberOfItems ?count ;
                   schema:itemListElement [ a schema:ListItem ; schema:position ?position ; schema:name ?name ] .
        } ORDER BY ?title ?position"""
        )
    )
    by_title: dict[str, list[tuple[int, str]]] = {}
    for title, count, position, name in rows:
        by_title.setdefault(str(title), []).append((int(position), str(name)))
        assert int(count) == sum(1 for r in rows if r[0] == title)
    formations = by_title["Formations recommandées"]
    assert [p for p, _ in formations] == list(range(1, 12))
    assert formations[0][1].startswith("diplôme d'ingénieur de l'École polytechnique universitaire de l'université")
    assert formations[0][1].endswith("(ID: FOR.5462)") and not formations[0][1].startswith("-")
    assert by_title["Centres d'intérêt"] == [(1, "je suis accro au numérique")]
    assert "Nature du travail" not in by_title
