"""``metiers-kg align``: the reviewer's loop, reproducible from the seeds.

1. ``candidates.tsv``: for every occupation, appellation and skill, the best-scored ESCO
   concepts with the evidence for each and the decision the curation file already holds;
2. a reviewer records decisions in ``curation.sssom.tsv`` (reviewed, versioned);
3. ``mappings.sssom.tsv``: the mapping set the build publishes (curated decisions, strict
   automatic matches, ISCO groups, cross-source links), in SSSOM TSV.

Both outputs are sorted and free of clock dates, so re-running on the same input changes
nothing and a diff shows exactly what a new document or a new decision changes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from kg.alignment.candidates import Candidate, candidates
from kg.alignment.digest import SKILL_KINDS, Digest, Subject, digest
from kg.alignment.lexicon import lexicon
from kg.alignment.model import Mapping
from kg.alignment.rome_candidates import needs_rome, rome_candidates
from kg.alignment.rome_skills import rome_skill_candidates, rome_skill_items
from kg.alignment.sssom import contract, curie_map, sssom_tsv
from kg.alignment.stage import (
    Alignment,
    align_corpus,
    decision_date,
    rome_labels,
    rome_titles,
)
from kg.mapping import Iris, to_graph
from kg.mapping.esco_rome import official_by_fiche
from kg.mapping.rome import rome_appellation_fiches
from kg.sources import list_documents, parse
from kg.sources.reference import concept_label, occupation_index, skill_index

CANDIDATE_COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "rank",
    "object_id",
    "object_label",
    "score",
    "evidence",
    "decision",
)


def digests_of(seeds: Path, iris: Iris) -> list[Digest]:
    return [digest(to_graph(parse(path), iris)) for path in list_documents(seeds)]


def _decision(mappings: list[Mapping], obj: str) -> str:
    for m in mappings:
        if m.object == obj:
            how = "reviewed" if m.line is not None else "automatic"
            return f"{how}: {'Not ' if m.negated else ''}{m.predicate.rsplit('#', 1)[-1]}"
    return ""


def candidates_tsv(alignment: Alignment, iris: Iris, rome: Path | None = None) -> str:
    """One row per (subject, candidate), best first; the current decision beside each.

    ESCO candidates for every subject, then ROME fiche candidates for the occupations filed under no
    ROME code (``kg.alignment.rome_candidates``).
    """
    prefixes = curie_map(iris.base)
    labels = rome_labels(iris, rome)
    titles = rome_titles(rome)
    official = official_by_fiche(rome_appellation_fiches(rome), iris)
    by_subject: dict[str, list[Mapping]] = {}
    for m in alignment.mappings:
        by_subject.setdefault(m.subject, []).append(m)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(CANDIDATE_COLUMNS)

    def ranked(iri: str, subject: Subject, found: list[Candidate], label_of: Callable[[str], str]) -> None:
        """One row per candidate, best first, with the reviewer's decision on it if there is one."""
        mine = by_subject.get(iri, [])
        for rank, candidate in enumerate(found, start=1):
            writer.writerow(
                [
                    contract(iri, prefixes),
                    subject.label,
                    subject.kind,
                    rank,
                    contract(candidate.object, prefixes),
                    label_of(candidate.object),
                    f"{candidate.score:.3f}",
                    candidate.evidence,
                    _decision(mine, candidate.object),
                ]
            )

    for iri, subject in alignment.subjects.items():
        is_skill = subject.kind in SKILL_KINDS
        index = skill_index() if is_skill else occupation_index()
        found = candidates(subject, index, lexicon(), labels, limit=3 if is_skill else 5, official=official)
        ranked(iri, subject, found, concept_label)
        if not found:
            no_term = "https://w3id.org/sssom/NoTermFound"
            row = [contract(iri, prefixes), subject.label, subject.kind, 0, "", "", "", "no candidate"]
            writer.writerow([*row, _decision(by_subject.get(iri, []), no_term)])
        rome_items = rome_skill_items(subject.kind, iris.base, rome) if is_skill else {}
        ranked(iri, subject, rome_skill_candidates(subject, iris.base, rome), rome_items.__getitem__)  # after ESCO's
    for iri, subject in alignment.subjects.items():
        if needs_rome(subject):
            ranked(iri, subject, rome_candidates(subject, titles, iris), lambda uri: labels.get(uri, ""))
    return out.getvalue()


def run_align(seeds: Path, output_dir: Path, base_iri: str) -> tuple[Path, Path, Alignment]:
    """Write candidates.tsv and mappings.sssom.tsv for the documents of ``seeds``."""
    iris = Iris(base_iri)
    alignment = align_corpus(digests_of(seeds, iris), iris)
    output_dir.mkdir(parents=True, exist_ok=True)
    candidates_path, sssom_path = output_dir / "candidates.tsv", output_dir / "mappings.sssom.tsv"
    candidates_path.write_text(candidates_tsv(alignment, iris), encoding="utf-8")
    sssom_path.write_text(sssom_tsv(alignment.mappings, base_iri, decision_date()), encoding="utf-8")
    return candidates_path, sssom_path, alignment
