"""Our appellations tied to ROME 4.0's: equal titles after the alignment's folding, both gender forms.

A fiche métier's or emploi-type's title, or one of its appellations, whose folded form (case,
accents and punctuation aside: ``kg.core.text.fold``) equals the folded form of a ROME
appellation or of one of its gender forms (``kg.sources.rome.gendered_forms``, as its SKOS-XL
labels: "Technicien / Technicienne d'exploitation" → "Technicien d'exploitation",
"Technicienne d'exploitation") gets a ``skos:exactMatch`` to it,
recorded like every other mapping (semapv:LexicalMatching, the matcher as author, the matching
labels in the comment).
"""

from __future__ import annotations

from collections import defaultdict

from kg import __version__
from kg.alignment.digest import Subject
from kg.alignment.model import EXACT, LEXICAL, Mapping
from kg.core.text import fold
from kg.mapping.iris import Iris
from kg.sources.rome import gendered_forms

ROME_APPELLATION_TARGET = "rome-appellation"
CONFIDENCE = 0.95  # the same title, gender and case aside


def _keys(label: str) -> set[str]:
    """The ROME side: the whole label and its gender forms."""
    return {k for form in [label, *(gendered_forms(label) or ())] if (k := fold(form))}


def rome_appellation_links(subjects: dict[str, Subject], appellations: dict[str, str], iris: Iris,
                           date: str | None) -> list[Mapping]:
    """exactMatch from each of our occupations and appellations to the ROME appellations of the same title."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for code, label in appellations.items():
        for k in _keys(label):
            by_key[k].add(code)
    out = {}
    for subject in subjects.values():
        if subject.kind not in ("fiche", "emploi-type", "appellation"):
            continue
        # An occupation by its own title (its appellations are subjects of their own), an appellation by its labels.
        labels = subject.labels_fr if subject.kind == "appellation" else (subject.label,)
        for label in labels:
            for k in [fold(label)]:
                for code in sorted(by_key.get(k, ())):
                    target = str(iris.rome_part("appellation", code))
                    out.setdefault((subject.iri, target), Mapping(
                        subject=subject.iri, predicate=EXACT, object=target, justification=LEXICAL,
                        confidence=CONFIDENCE, author_id=str(iris.agent("métiers-kg matcher")),
                        author_label=f"métiers-kg matcher {__version__}", date=date,
                        comment=f"folded title '{label}' equals ROME appellation {code} '{appellations[code]}'",
                        target=ROME_APPELLATION_TARGET, subject_label=subject.label,
                        object_label=appellations[code], subject_kind=subject.kind, tool=f"métiers-kg {__version__}"))
    return sorted(out.values(), key=Mapping.sort_key)
