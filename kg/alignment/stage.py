"""The alignment stage of the build: digests of the whole corpus → mappings, as plain data.

Runs in the parent process once every batch is parsed and mapped (alignment crosses
documents); its output goes through the same SHACL check and into the same new store as the
documents, so a build is still all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.alignment.align import align_subjects, merge_subjects
from kg.alignment.curation import Curation, curation
from kg.alignment.digest import Digest, Subject
from kg.alignment.formations import formation_links
from kg.alignment.links import cross_source_links, mention_links
from kg.alignment.model import ROME_FICHE_TARGET, ROME_SKILL_TARGET, Mapping
from kg.alignment.rdf import alignment_graph, esco_graph
from kg.alignment.rome_candidates import RomeTitles, rome_fiche_matches
from kg.alignment.rome_links import appellation_keys, rome_appellation_links
from kg.alignment.rome_skills import KIND_PART, rome_skill_keys, rome_skill_links
from kg.alignment.tables import saved_tables, tables_file
from kg.core.dates import source_date
from kg.core.graph import MappedGraph
from kg.core.memo import memo
from kg.mapping.iris import Iris
from kg.mapping.rome import rome_appellation_fiches, rome_appellations, rome_fiche_labels
from kg.sources.reference import esco_occupations, isco_groups, occupation_index, skill_index, tables_source


@dataclass(frozen=True)
class Alignment:
    mappings: tuple[Mapping, ...]
    subjects: dict[str, Subject]
    stale: tuple[str, ...]  # curated subjects that this corpus does not have (another document's)
    curation: Curation


def decision_date() -> str | None:
    """Date stamped on automatic mappings: the build date from SOURCE_DATE_EPOCH, never the clock."""
    moment = source_date()
    return moment.date().isoformat() if moment is not None else None


def rome_labels(iris: Iris, rome: Path | None = None) -> dict[str, str]:
    return {str(iris.rome(code)): label for code, label in rome_fiche_labels(rome)}


def rome_titles(rome: Path | None = None) -> RomeTitles:
    """Every ROME appellation form of the export, indexed for the ROME candidates (once per export content)."""
    fiches = rome_appellation_fiches(rome)
    return _titles(tuple((code, label, fiches[code]) for code, label in sorted(rome_appellations(rome).items())))


@memo(maxsize=2)
def _titles(appellations: tuple[tuple[str, str, str], ...]) -> RomeTitles:
    return RomeTitles({code: label for code, label, _ in appellations}, {code: f for code, _, f in appellations})


def prepare(base_iri: str | None = None, rome: Path | None = None, rome_entry: Path | None = None) -> None:
    """Load the reference tables and label indexes (cached), that a build overlaps with its batches:
    ESCO's (~2 s), the ROME appellations for the ROME candidates and, given the build's base IRI, the
    ROME appellations' and skills' title keys. Given the ROME cache entry of the build, they are loaded
    from beside it, or saved there once made (kg.alignment.tables)."""
    with saved_tables(tables_file(rome_entry, rome) if rome_entry is not None else None):
        rome_titles(rome)
        esco_occupations()
        isco_groups()
        occupation_index()
        skill_index()
        if base_iri is not None:
            appellation_keys(tuple(sorted(rome_appellations(rome).items())))
            for kind in KIND_PART:
                rome_skill_keys(kind, base_iri, rome)
    curation()  # not saved: a reviewer edits it between builds


def align_corpus(
    digests: list[Digest], iris: Iris, reviewed: Curation | None = None, rome: Path | None = None
) -> Alignment:
    """Every mapping of the corpus: reviewed or matched ESCO/ISCO, ROME fiches for occupations filed under
    none, cross-source links, mention links."""
    reviewed = reviewed or curation()
    date = decision_date()
    subjects = merge_subjects(s for d in digests for s in d.subjects)
    decisions = reviewed.decisions(iris.base)
    esco_decisions = {
        s: kept
        for s, ms in decisions.items()
        if (kept := [m for m in ms if m.target not in (ROME_FICHE_TARGET, ROME_SKILL_TARGET)])
    }
    labels = rome_labels(iris, rome)
    mappings = align_subjects(subjects, esco_decisions, iris, date)
    fiche_labels = {code: label for code, label in rome_fiche_labels(rome)}
    mappings += rome_fiche_matches(subjects, rome_titles(rome), decisions, fiche_labels, iris, date)
    links = cross_source_links(subjects, mappings, labels, iris, date)
    links += rome_appellation_links(subjects, rome_appellations(rome), iris, date, rome_appellation_fiches(rome))
    links += rome_skill_links(subjects, iris, date, rome, decisions)
    mentions = mention_links(sorted(digests, key=lambda d: d.graph), subjects, labels, iris, date)
    stale = tuple(sorted(set(decisions) - set(subjects)))
    return Alignment(tuple(mappings + links + mentions), subjects, stale, reviewed)


def alignment_graphs(
    digests: list[Digest], iris: Iris, rome: Path | None = None
) -> tuple[Alignment, list[MappedGraph]]:
    """The alignment of the corpus and its named graphs (mappings with evidence; ESCO/ISCO concepts reached)."""
    alignment = align_corpus(digests, iris, rome=rome)
    mappings = list(alignment.mappings)
    graphs = [alignment_graph(mappings, iris, alignment.curation.source), esco_graph(mappings, iris, tables_source())]
    if _names_occupations(digests):
        graphs.append(formation_links(digests, iris))
    return alignment, graphs


def _names_occupations(digests: list[Digest]) -> bool:
    return any(d.named_occupations for d in digests)  # a corpus without fiches formations has no such graph


def alignment_graph_names(digests: list[Digest], iris: Iris) -> set[str]:
    """The named graphs ``alignment_graphs`` makes for this corpus, known before it runs."""
    names = ["alignment", "esco"] + (["formations-metiers"] if _names_occupations(digests) else [])
    return {str(iris.graph(name)) for name in names}
