"""Access levels ("bac + 3") as one shared concept scheme tied to the European Qualifications Framework."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.core.graph import GraphBuilder, MappedGraph, integer
from kg.core.vocab import EQF, MKG, RDF, SKOS
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris

# French levels after the baccalauréat and their EQF (CEC) levels, per the French national
# qualifications framework (décret n° 2019-14): bac = 4, bac+2 = 5, bac+3 = 6, bac+5 = 7,
# bac+8 = 8. The in-between years sit in the level of the diploma they lead to, so their
# EQF level is a broader match, not an exact one.
EQF_BY_YEARS_AFTER_BAC = {0: 4, 1: 4, 2: 5, 3: 6, 4: 6, 5: 7, 6: 7, 7: 7, 8: 8}
EXACT_EQF_YEARS = frozenset({0, 2, 3, 5, 8})


def level_label(years_after_bac: int) -> str:
    return "bac" if years_after_bac == 0 else f"bac + {years_after_bac}"


def levels_graph(iris: Iris) -> MappedGraph:
    """The scheme of access levels, each with its EQF level."""
    scheme = iris.access_level_scheme()
    builder = GraphBuilder(iris.graph("niveaux"))
    add_provenance(builder, None, iris)
    builder.add(scheme, RDF.type, SKOS.ConceptScheme)
    builder.add(scheme, SKOS.prefLabel, Literal("Niveaux d'accès (années après le baccalauréat)", lang="fr"))
    builder.add(scheme, SKOS.prefLabel, Literal("Access levels (years after the baccalauréat)", lang="en"))
    for years, eqf in EQF_BY_YEARS_AFTER_BAC.items():
        level = iris.access_level(years)
        builder.add(level, RDF.type, MKG.AccessLevel)
        builder.add(level, SKOS.inScheme, scheme)
        builder.add(level, SKOS.topConceptOf, scheme)
        builder.add(scheme, SKOS.hasTopConcept, level)
        builder.add(level, SKOS.prefLabel, Literal(level_label(years), lang="fr"))
        builder.add(level, SKOS.notation, Literal(str(years)))
        builder.add(level, MKG.yearsAfterBac, integer(years))
        builder.add(level, MKG.eqfLevel, integer(eqf))
        builder.add(level, SKOS.exactMatch if years in EXACT_EQF_YEARS else SKOS.broadMatch, EQF[str(eqf)])
    return builder.result()


def add_access_level(
    builder: GraphBuilder, iris: Iris, subject: URIRef, label: str, years_after_bac: int | None, line: int | None
) -> None:
    """Link to the shared level concept when the level is numeric; keep the words otherwise."""
    if years_after_bac is None or years_after_bac not in EQF_BY_YEARS_AFTER_BAC:
        builder.fr(subject, MKG.prerequisite, f"Niveau d'accès minimum : {label}", line)
        return
    builder.add(subject, MKG.minimumAccessLevel, iris.access_level(years_after_bac), line)
