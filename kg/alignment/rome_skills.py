"""Our skills → ROME 4.0's: savoir-faire with ROME's savoir-faire compétences, connaissances with its savoirs.

The same machinery as ESCO skills (``kg.alignment.candidates``: content-word overlap, 1.0 for
equal titles, the evidence in words), over a ``LabelIndex`` of the ROME export's labels:

* every skill gets its best-scored ROME items in ``alignment/candidates.tsv`` (``metiers-kg
  align``) for a reviewer, beside its ESCO ones;
* the graph gets an automatic ``skos:closeMatch`` only where ESCO's matcher would give one: the
  skill's title *is* a ROME item's title (same label key), of two words at least, and exactly
  one ROME item of that kind carries it (``semapv:LexicalMatching``, "unreviewed" in the comment);
* nothing else is asserted: the candidates wait for a reviewer, as ESCO's do (the curation file
  holds them beside the ESCO ones: a reviewed ROME decision replaces the automatic match of that skill).
"""

from __future__ import annotations

from pathlib import Path

from kg import __version__
from kg.alignment.candidates import Candidate, candidates
from kg.alignment.digest import Subject
from kg.alignment.lexicon import lexicon
from kg.alignment.model import CLOSE, LEXICAL, ROME_SKILL_TARGET, Mapping
from kg.core.memo import memo
from kg.core.text import forms, key
from kg.mapping.iris import Iris
from kg.mapping.rome import export_stamp, rome_skill_labels
from kg.sources.reference import LabelIndex

MATCHER = "métiers-kg lexical matcher"
CONFIDENCE = 0.8  # as an ESCO preferred-label match: the same title, unreviewed
MIN_WORDS = 2
KIND_PART = {"savoir-faire": "competence", "connaissance": "savoir"}  # our skill kind → the ROME items it meets


def rome_skill_keys(kind: str, base_iri: str, export: Path | None = None) -> dict[str, set[str]]:
    """Label key → IRIs of the ROME items our ``kind`` of skill meets (what the build's strict matcher needs)."""
    return _skill_keys(kind, base_iri, *export_stamp(export))


def rome_skill_items(kind: str, base_iri: str, export: Path | None = None) -> dict[str, str]:
    """IRI → label of the ROME items our ``kind`` of skill is compared with."""
    return _skill_items(kind, base_iri, *export_stamp(export))


def rome_skill_index(kind: str, base_iri: str, export: Path | None = None) -> LabelIndex:
    """The label index of the ROME items our ``kind`` of skill is compared with (for the reviewer's candidates)."""
    return _skill_index(kind, base_iri, *export_stamp(export))


@memo(maxsize=4)
def _skill_keys(kind: str, base_iri: str, export: Path, _stamp: tuple) -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = {}
    for iri, label in rome_skill_items(kind, base_iri, export).items():
        for form in forms(label):
            by_key.setdefault(key(form), set()).add(iri)
    return by_key


@memo(maxsize=4)
def _skill_items(kind: str, base_iri: str, export: Path, _stamp: tuple) -> dict[str, str]:
    savoir_faire, savoirs = rome_skill_labels(export)
    iris = Iris(base_iri)
    return {
        str(iris.rome_part(KIND_PART[kind], code)): label
        for code, label in (savoir_faire if kind == "savoir-faire" else savoirs).items()
    }


@memo(maxsize=4)
def _skill_index(kind: str, base_iri: str, export: Path, _stamp: tuple) -> LabelIndex:
    labels = rome_skill_items(kind, base_iri, export)
    index = LabelIndex()
    for iri, label in labels.items():
        index.add(iri, label, "fr", True)
    return index


def rome_skill_candidates(
    subject: Subject, base_iri: str, export: Path | None = None, limit: int = 3
) -> list[Candidate]:
    """The ``limit`` best-scored ROME compétences (savoir-faire) or savoirs (connaissance) of a skill."""
    if subject.kind not in KIND_PART:
        return []
    index = rome_skill_index(subject.kind, base_iri, export)
    return candidates(subject, index, lexicon(), {}, limit=limit, scheme="ROME")


def rome_skill_links(
    subjects: dict[str, Subject],
    iris: Iris,
    date: str | None,
    export: Path | None = None,
    decisions: dict[str, list[Mapping]] | None = None,
) -> list[Mapping]:
    """A skill's reviewed ROME decisions (``alignment/curation.sssom.tsv``) if it has any, else a
    closeMatch when its title is exactly one ROME item's title."""
    out = []
    for subject in subjects.values():
        if subject.kind not in KIND_PART:
            continue
        labels = rome_skill_items(subject.kind, iris.base, export)
        reviewed = [m for m in (decisions or {}).get(subject.iri, ()) if m.target == ROME_SKILL_TARGET]
        if reviewed:
            out += [m.described(subject.label, labels.get(m.object, ""), subject.kind) for m in reviewed]
            continue
        by_key = rome_skill_keys(subject.kind, iris.base, export)
        found = {
            uri: label
            for label in subject.labels_fr
            if len(key(label).split()) >= MIN_WORDS
            for uri in by_key.get(key(label), ())
        }
        if len(found) != 1:
            continue  # no ROME item of that title, or several: a reviewer's call
        ((uri, label),) = found.items()
        out.append(
            Mapping(
                subject=subject.iri,
                predicate=CLOSE,
                object=uri,
                justification=LEXICAL,
                confidence=CONFIDENCE,
                author_id=str(iris.agent(MATCHER)),
                author_label=f"{MATCHER} {__version__}",
                date=date,
                comment=f"unreviewed: the title '{label}' is ROME {KIND_PART[subject.kind]} "
                f"{uri.rsplit('/', 1)[-1]} '{labels[uri]}'",
                target=ROME_SKILL_TARGET,
                subject_label=subject.label,
                object_label=labels[uri],
                subject_kind=subject.kind,
                tool=f"métiers-kg {__version__}",
            )
        )
    return sorted(out, key=Mapping.sort_key)
