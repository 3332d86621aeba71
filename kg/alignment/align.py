"""Occupations and skills → ESCO, and ESCO → ISCO-08: reviewed decisions first, then a strict matcher.

For each subject (fiche, emploi-type, appellation, savoir-faire, connaissance):

1. if the curation file has rows for it, those rows are the answer (accepted, rejected or
   "no term found"), whatever the matcher would say;
2. otherwise the lexical matcher may propose one ``skos:closeMatch``, and only when a title
   of the subject *is* a title ESCO gives (same label key), of two words at least, carried by
   exactly one ESCO concept: one-word titles ("Urbaniste", "Architecte") are too often
   homonyms across sectors to be matched unreviewed. Such a mapping says it is automatic
   (``semapv:LexicalMatching``, the tool as author, a lower confidence);
3. anything else stays unmatched and is reported as such.

ISCO-08 groups are never matched directly: each comes from an ESCO occupation mapping and
ESCO's own ``iscoGroup`` for that occupation, so an ISCO link is consistent with its ESCO
match by construction (and the report checks it again over the store).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg import __version__
from kg.alignment.digest import SKILL_KINDS, Subject
from kg.alignment.model import (
    BROAD,
    CHAINING,
    CLOSE,
    EXACT,
    ISCO_TARGET,
    LEXICAL,
    NARROW,
    OCCUPATION_TARGET,
    RELATED,
    SKILL_TARGET,
    Mapping,
)
from kg.core.text import key
from kg.mapping.iris import Iris
from kg.sources.reference import (
    LabelIndex,
    concept_label,
    esco_occupations,
    isco_groups,
    occupation_index,
    skill_index,
)

MATCHER = "métiers-kg lexical matcher"
CONFIDENCE_PREFERRED = 0.8  # the subject's title is ESCO's preferred label
CONFIDENCE_ALTERNATIVE = 0.7  # … one of ESCO's alternative labels
MIN_WORDS = 2

# What the ESCO match says about the subject's place under the ESCO occupation's ISCO group.
ISCO_PREDICATE = {EXACT: BROAD, CLOSE: BROAD, BROAD: BROAD, NARROW: RELATED}


def merge_subjects(subjects: Iterable[Subject]) -> dict[str, Subject]:
    """One subject per IRI: a skill named in several emploi-types or documents gathers all its labels."""
    merged: dict[str, Subject] = {}
    for subject in subjects:
        known = merged.get(subject.iri)
        if known is None:
            merged[subject.iri] = subject
            continue
        merged[subject.iri] = Subject(
            known.iri,
            known.kind,
            known.label,
            tuple(sorted(set(known.labels_fr) | set(subject.labels_fr))),
            tuple(sorted(set(known.labels_en) | set(subject.labels_en))),
            tuple(sorted(set(known.rome) | set(subject.rome))),
            tuple(sorted(set(known.owners) | set(subject.owners))),
            min(known.document, subject.document),
            known.line,
        )
    return dict(sorted(merged.items()))


def align_subjects(
    subjects: dict[str, Subject], decisions: dict[str, list[Mapping]], iris: Iris, date: str | None
) -> list[Mapping]:
    """ESCO occupation / skill mappings of every subject, and the ISCO groups they imply."""
    out: list[Mapping] = []
    for iri, subject in subjects.items():
        reviewed = decisions.get(iri)
        if reviewed:
            out.extend(_with_subject(m, subject) for m in reviewed)
            continue
        automatic = lexical_match(subject, iris, date)
        if automatic is not None:
            out.append(automatic)
    out.extend(derive_isco(out, iris, date))
    return sorted(out, key=Mapping.sort_key)


def _with_subject(mapping: Mapping, subject: Subject) -> Mapping:
    fields = dict(mapping.__dict__)
    fields["subject_label"] = mapping.subject_label or subject.label
    fields["subject_kind"] = subject.kind
    return Mapping(**fields)


def lexical_match(subject: Subject, iris: Iris, date: str | None) -> Mapping | None:
    """The one automatic ESCO match of a subject nobody reviewed: a title equal to exactly one concept's."""
    is_skill = subject.kind in SKILL_KINDS
    index: LabelIndex = skill_index() if is_skill else occupation_index()
    found: dict[str, tuple[float, str, str]] = {}
    probes = [("fr", label) for label in subject.labels_fr] + [("en", label) for label in subject.labels_en]
    for language, label in probes:
        label_key = key(label)
        if len(label_key.split()) < MIN_WORDS:
            continue
        for hit in index.by_key.get(label_key, ()):
            if hit.language != language:
                continue
            confidence = CONFIDENCE_PREFERRED if hit.preferred else CONFIDENCE_ALTERNATIVE
            if confidence > found.get(hit.uri, (0.0, "", ""))[0]:
                kind = "preferred" if hit.preferred else "alternative"
                found[hit.uri] = (confidence, label, f"{hit.language} {kind} label '{hit.label}'")
    if len(found) != 1:
        return None  # nothing, or a title ESCO gives to several concepts: leave it to a reviewer
    ((uri, (confidence, label, how)),) = found.items()
    return Mapping(
        subject=subject.iri,
        predicate=CLOSE,
        object=uri,
        justification=LEXICAL,
        confidence=confidence,
        author_id=str(iris.agent(MATCHER)),
        author_label=f"{MATCHER} {__version__}",
        date=date,
        comment=f"unreviewed: the title '{label}' is ESCO's {how}",
        target=SKILL_TARGET if is_skill else OCCUPATION_TARGET,
        subject_label=subject.label,
        object_label=concept_label(uri),
        subject_kind=subject.kind,
        tool=f"métiers-kg {__version__}",
    )


def derive_isco(mappings: list[Mapping], iris: Iris, date: str | None) -> list[Mapping]:
    """Subject → ISCO-08 unit group of each ESCO occupation it is matched with (exact/close/broad/narrow)."""
    occupations = esco_occupations()
    bases: dict[tuple[str, str], list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        if mapping.target != OCCUPATION_TARGET or not mapping.positive or mapping.predicate not in ISCO_PREDICATE:
            continue
        occupation = occupations.get(mapping.object)
        if occupation is not None:
            bases[(mapping.subject, occupation.isco_uri)].append(mapping)
    out = []
    for (subject, group), via in sorted(bases.items()):
        predicates = {ISCO_PREDICATE[m.predicate] for m in via}
        predicate = BROAD if BROAD in predicates else RELATED
        code = group.rsplit("C", 1)[-1]
        names = ", ".join(f"'{m.object_label or occupations[m.object].label_en}'" for m in via)
        out.append(
            Mapping(
                subject=subject,
                predicate=predicate,
                object=group,
                justification=CHAINING,
                confidence=max(m.confidence for m in via),
                author_id=str(iris.agent("métiers-kg ISCO derivation")),
                author_label=f"métiers-kg ISCO derivation {__version__}",
                date=date,
                comment=f"ISCO-08 unit group {code} of the matched ESCO occupation(s) {names} (ESCO iscoGroup)",
                target=ISCO_TARGET,
                subject_label=via[0].subject_label,
                object_label=isco_groups().get(code, ("",))[0],
                subject_kind=via[0].subject_kind,
                basis=tuple(sorted(m.object for m in via)),
                tool=f"métiers-kg {__version__}",
            )
        )
    return out
