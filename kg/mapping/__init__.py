"""Dataclasses → triples. The only place that mints IRIs (see kg.mapping.iris)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rdflib import Graph

from kg.core.graph import GraphBuilder, MappedGraph
from kg.mapping import formation as formation_mapping
from kg.mapping import onisep as onisep_mapping
from kg.mapping import referentiel as referentiel_mapping
from kg.mapping import testimony as testimony_mapping
from kg.mapping.iris import Iris
from kg.mapping.levels import levels_graph
from kg.mapping.rome import rome_fiches_graph
from kg.sources import Document, formation, onisep, referentiel, testimony

__all__ = ["Iris", "MappedGraph", "ontology_graph", "reference_graphs", "to_graph"]

ONTOLOGY_RESOURCE = "metiers-kg.ttl"


def to_graph(document: Document, iris: Iris) -> MappedGraph:
    """Map one parsed document to the triples of its own named graph."""
    if isinstance(document, onisep.Fiche):
        return onisep_mapping.to_graph(document, iris)
    if isinstance(document, formation.FicheFormation):
        return formation_mapping.to_graph(document, iris)
    if isinstance(document, referentiel.Referentiel):
        return referentiel_mapping.to_graph(document, iris)
    if isinstance(document, testimony.Testimony):
        return testimony_mapping.to_graph(document, iris)
    raise TypeError(f"no mapping for {type(document).__name__}")


def ontology_graph(iris: Iris) -> MappedGraph:
    """The ontology, as reviewed Turtle, in its own named graph."""
    graph = Graph().parse(
        data=(files("metiers_kg_data.ontology") / ONTOLOGY_RESOURCE).read_text("utf-8"), format="turtle"
    )
    builder = GraphBuilder(iris.graph("ontology"))
    for triple in graph:
        builder.add(*triple)
    return builder.result()


def reference_graphs(iris: Iris, rome: Path | None = None) -> list[MappedGraph]:
    """Graphs that do not come from a seed: ontology, ROME 4.0 fiche hierarchy (of export ``rome``), access levels.

    The rest of ROME is mapped once per export by kg.rome_stage; the seeds' shapes reach only this part.
    """
    return [ontology_graph(iris), rome_fiches_graph(iris, rome), levels_graph(iris)]
