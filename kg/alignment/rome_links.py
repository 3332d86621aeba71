"""Our appellations tied to ROME 4.0's: equal titles after the alignment's folding, both gender forms.

A fiche métier's or emploi-type's title, or one of its appellations, whose folded form (case,
accents and punctuation aside: ``kg.core.text.fold``) equals the folded form of a ROME
appellation or of one of its gender forms (``kg.sources.rome.gendered_forms``, as its SKOS-XL
labels: "Technicien / Technicienne d'exploitation" → "Technicien d'exploitation",
"Technicienne d'exploitation") gets a ``skos:exactMatch`` to it,
recorded like every other mapping (semapv:LexicalMatching, the matcher as author, the matching
labels in the comment).

Equal titles are not enough across trades: "Urbaniste" is an IT architect in the OPIIEC
référentiel and a town planner in ROME. So the link also requires that the ROME appellation's
fiche agrees with what the source itself says: when the source files the occupation (for an
appellation: the occupations that carry it) under ROME fiches, the appellation's fiche must be
in the same domaine professionnel (``M18``) as one of them. A candidate that fails is kept as a
rejected mapping (``predicate_modifier Not``) whose comment gives both sides, so a reviewer sees
it and the report counts it; a source that gives no ROME code contradicts nothing.
"""

from __future__ import annotations

from collections import defaultdict

from kg import __version__
from kg.alignment.digest import Subject
from kg.alignment.model import EXACT, LEXICAL, Mapping
from kg.core.memo import memo
from kg.core.text import fold
from kg.mapping.iris import Iris
from kg.sources.rome import gendered_forms

DOMAINE = 3  # "M1810"[:3]: the domaine professionnel, the level at which fiches must agree

ROME_APPELLATION_TARGET = "rome-appellation"
CONFIDENCE = 0.95  # the same title, gender and case aside
REJECTED_CONFIDENCE = 0.8  # a fiche of another domaine: most likely a homonym, not proof of one


def _keys(label: str) -> set[str]:
    """The ROME side: the whole label and its gender forms."""
    return {k for form in [label, *(gendered_forms(label) or ())] if (k := fold(form))}


@memo(maxsize=2)
def appellation_keys(appellations: tuple[tuple[str, str], ...]) -> dict[str, set[str]]:
    """Folded title → codes of the appellations carrying it (13,120 titles and their gender forms: once a process)."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for code, label in appellations:
        for k in _keys(label):
            by_key[k].add(code)
    return by_key


def source_rome_codes(subject: Subject, subjects: dict[str, Subject]) -> set[str]:
    """The ROME codes the source gives: the occupation's own, or those of the occupations carrying an appellation."""
    owners = [subjects[o] for o in subject.owners if o in subjects] if subject.kind == "appellation" else [subject]
    return {iri.rstrip("/").rsplit("/", 1)[-1] for owner in owners for iri in owner.rome}


def disagreement(fiche: str, codes: set[str]) -> str | None:
    """Why the appellation's fiche contradicts the source's ROME codes, or None when it does not."""
    if not codes or any(code[:DOMAINE] == fiche[:DOMAINE] for code in codes):
        return None
    return (
        f"its ROME fiche {fiche} is in no domaine professionnel of the source's ROME code(s) {', '.join(sorted(codes))}"
    )


def rome_appellation_links(
    subjects: dict[str, Subject],
    appellations: dict[str, str],
    iris: Iris,
    date: str | None,
    fiches: dict[str, str] | None = None,
) -> list[Mapping]:
    """exactMatch from each of our occupations and appellations to the ROME appellations of the same title.

    ``fiches`` (appellation code → its fiche's ROME code) turns a title equal across trades into a
    rejected candidate (see the module docstring); without it every equal title is linked.
    """
    by_key = appellation_keys(tuple(sorted(appellations.items())))
    out: dict[tuple[str, str], Mapping] = {}
    for subject in subjects.values():
        if subject.kind not in ("fiche", "emploi-type", "appellation"):
            continue
        # An occupation by its own title (its appellations are subjects of their own), an appellation by its labels.
        labels = subject.labels_fr if subject.kind == "appellation" else (subject.label,)
        codes = source_rome_codes(subject, subjects)
        for label in labels:
            for code in sorted(by_key.get(fold(label), ())):
                target = str(iris.rome_part("appellation", code))
                why = f"folded title '{label}' equals ROME appellation {code} '{appellations[code]}'"
                against = disagreement(fiches[code], codes) if fiches and code in fiches else None
                out.setdefault(
                    (subject.iri, target),
                    Mapping(
                        subject=subject.iri,
                        predicate=EXACT,
                        object=target,
                        justification=LEXICAL,
                        confidence=REJECTED_CONFIDENCE if against else CONFIDENCE,
                        author_id=str(iris.agent("métiers-kg matcher")),
                        author_label=f"métiers-kg matcher {__version__}",
                        date=date,
                        comment=f"rejected: {why}, but {against}" if against else why,
                        target=ROME_APPELLATION_TARGET,
                        subject_label=subject.label,
                        object_label=appellations[code],
                        subject_kind=subject.kind,
                        negated=against is not None,
                        tool=f"métiers-kg {__version__}",
                    ),
                )
    return sorted(out.values(), key=Mapping.sort_key)
