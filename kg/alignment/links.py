"""Links between the sources: fiches ↔ emploi-types, and testimony mentions → graph resources.

Cross-source links are derived, never guessed: a fiche and an emploi-type are linked when
the documents file them under the same ROME fiche, or when both are matched with the same
ESCO occupation; the link records that basis (``mkg:basis``) and is only as strong as it:
``skos:closeMatch`` when both are exact/close matches of one ESCO occupation, otherwise
``skos:relatedMatch``.

A testimony mention is linked when its words are a title of the graph (an occupation,
an appellation, a ROME fiche, an ESCO occupation's French label), when a diploma's acronym
spells the initials of a formation of the same degree ("Master 2 MIAGE" → "master mention
méthodes informatiques appliquées à la gestion des entreprises"), when it states an access
level ("Bac + 5"), or when a bare head noun repeats an earlier linked mention
("manipulateurs" after "manipulateurs d'électroradiologie médicale"). Anything else stays
unlinked and the report lists it.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg import __version__
from kg.alignment.digest import Digest, Mention, Subject
from kg.alignment.model import (
    CHAINING,
    CLOSE,
    CROSS_SOURCE,
    DCTERMS_REFERENCES,
    EXACT,
    LEXICAL,
    MENTION_LINK,
    OCCUPATION_TARGET,
    RELATED,
    STRENGTH,
    Mapping,
)
from kg.core.text import acronyms, fold, forms, initials, key, words
from kg.mapping.iris import Iris
from kg.mapping.levels import EQF_BY_YEARS_AFTER_BAC
from kg.sources.reference import concept_label, occupation_index

ROME_CONFIDENCE = 0.5
MIN_DERIVED = 0.5  # below this a derived link would only be a hint; the report lists none of them
COREFERENCE = 0.7  # a bare head noun ("manipulateurs") stands for the last longer mention it heads
COREFERENCE_FROM = 0.85  # … only when that mention's own link is sure  # filed under the same ROME fiche: same field, not necessarily the same job
_LEVEL = re.compile(r"\bbac\s*\+\s*(\d)\b", re.IGNORECASE)


def cross_source_links(
    subjects: dict[str, Subject], mappings: list[Mapping], rome_labels: dict[str, str], iris: Iris, date: str | None
) -> list[Mapping]:
    """Fiche ↔ emploi-type links from shared ROME fiches and shared ESCO occupations."""
    fiches = [s for s in subjects.values() if s.kind == "fiche"]
    emplois = [s for s in subjects.values() if s.kind == "emploi-type"]
    esco: dict[str, list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        if mapping.target == OCCUPATION_TARGET and mapping.positive:
            esco[mapping.subject].append(mapping)
    out = []
    for fiche in fiches:
        for emploi in emplois:
            if fiche.document == emploi.document:
                continue
            bases: list[tuple[str, str, float, str]] = []  # (basis IRI, predicate, confidence, why)
            for rome in sorted(set(fiche.rome) & set(emploi.rome)):
                code = rome.rsplit("/", 1)[-1]
                bases.append(
                    (rome, RELATED, ROME_CONFIDENCE, f"both filed under ROME {code} '{rome_labels.get(rome, '')}'")
                )
            for left in esco.get(fiche.iri, []):
                for right in esco.get(emploi.iri, []):
                    if left.object != right.object:
                        continue
                    both_close = {left.predicate, right.predicate} <= {EXACT, CLOSE}
                    bases.append(
                        (
                            left.object,
                            CLOSE if both_close else RELATED,
                            round(left.confidence * right.confidence * (1.0 if both_close else 0.8), 3),
                            f"both matched with ESCO occupation '{concept_label(left.object)}'",
                        )
                    )
            bases = [b for b in bases if b[2] >= MIN_DERIVED]  # a chain of weak matches is no link
            if bases:
                predicate = max((b[1] for b in bases), key=lambda p: STRENGTH[p])
                out.append(
                    Mapping(
                        subject=fiche.iri,
                        predicate=predicate,
                        object=emploi.iri,
                        justification=CHAINING,
                        confidence=max(b[2] for b in bases),
                        author_id=str(iris.agent("métiers-kg linker")),
                        author_label=f"métiers-kg linker {__version__}",
                        date=date,
                        comment="; ".join(b[3] for b in bases),
                        target=CROSS_SOURCE,
                        subject_label=fiche.label,
                        object_label=emploi.label,
                        subject_kind="fiche",
                        basis=tuple(sorted({b[0] for b in bases})),
                        tool=f"métiers-kg {__version__}",
                    )
                )
    return sorted(out, key=Mapping.sort_key)


class _Titles:
    """Every title of the graph a mention can name, by label key: occupations, appellations, ROME, ESCO."""

    def __init__(self, subjects: dict[str, Subject], rome_labels: dict[str, str]) -> None:
        self.by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)  # key → {(IRI, label)}
        self.keys_by_word: dict[str, set[str]] = defaultdict(set)
        for subject in subjects.values():
            if subject.kind in ("fiche", "emploi-type"):
                for label in subject.labels_fr:
                    for form in forms(label):
                        self.by_key[key(form)].add((subject.iri, subject.label))
        for rome, label in rome_labels.items():
            for form in forms(label):
                self.by_key[key(form)].add((rome, label))
        for title_key in self.by_key:
            for word in title_key.split():
                self.keys_by_word[word].add(title_key)

    def exact(self, text: str) -> list[tuple[str, str, str]]:
        found = [(iri, label, "title of the graph") for iri, label in sorted(self.by_key.get(key(text), ()))]
        if not found:  # "Chef de projet informatique": a graph title of 2+ words plus one qualifier
            mention_words = set(key(text).split())
            near = set().union(*(self.keys_by_word.get(word, set()) for word in mention_words))
            for title_key in sorted(near):
                title_words = set(title_key.split())
                if len(title_words) >= 2 and title_words < mention_words and len(mention_words - title_words) == 1:
                    found += [
                        (iri, label, "qualified title of the graph") for iri, label in sorted(self.by_key[title_key])
                    ]
        found += [
            (hit.uri, concept_label(hit.uri), "ESCO French label")
            for hit in occupation_index().exact(text)
            if hit.language == "fr"
        ]
        return sorted(set(found))


def mention_links(
    digests: list[Digest], subjects: dict[str, Subject], rome_labels: dict[str, str], iris: Iris, date: str | None
) -> list[Mapping]:
    """Links of every testimony mention to the resources it names (see the module docstring)."""
    titles = _Titles(subjects, rome_labels)
    formations = sorted({f for d in digests for f in d.formations}, key=lambda f: f.iri)
    out: list[Mapping] = []
    for digest in digests:
        linked: dict[str, list[Mapping]] = {}  # head word → links of the longer mention it abbreviates
        for mention in sorted(digest.mentions, key=lambda m: m.start):
            links = _link(mention, titles, formations, iris, date)
            if not links and len(words(mention.text)) == 1:
                links = [_again(m, mention) for m in linked.get(words(mention.text)[0], [])]
            sure = [link for link in links if link.confidence >= COREFERENCE_FROM]
            if sure and len(words(mention.text)) > 1:  # two weak steps make no link
                linked.setdefault(words(mention.text)[0], sure)
            out.extend(links)
    return sorted(out, key=Mapping.sort_key)


def _make(
    mention: Mention, target: str, label: str, confidence: float, comment: str, iris: Iris, date: str | None
) -> Mapping:
    return Mapping(
        subject=mention.iri,
        predicate=DCTERMS_REFERENCES,
        object=target,
        justification=LEXICAL,
        confidence=confidence,
        author_id=str(iris.agent("métiers-kg linker")),
        author_label=f"métiers-kg linker {__version__}",
        date=date,
        comment=comment,
        target=MENTION_LINK,
        subject_label=mention.text,
        object_label=label,
        subject_kind=mention.kind,
        tool=f"métiers-kg {__version__}",
    )


def _link(mention: Mention, titles: _Titles, formations: list, iris: Iris, date: str | None) -> list[Mapping]:
    where = f"'{mention.text}' [{mention.start}:{mention.end}]"
    if mention.linked:  # the document itself ties it (a footnoted glossary term)
        return [
            _make(mention, target, mention.text, 1.0, f"{where} carries the footnote marker of this term", iris, date)
            for target in mention.linked
        ]
    if mention.kind == "diplomaMention":
        return _diploma(mention, formations, iris, date, where)
    if mention.kind != "occupationMention":
        return []
    confidence = {"title of the graph": 0.9, "ESCO French label": 0.85, "qualified title of the graph": 0.7}
    return [
        _make(mention, iri, label, confidence[how], f"{where} is a {how}: '{label}'", iris, date)
        for iri, label, how in titles.exact(mention.text)
    ]


def _diploma(mention: Mention, formations: list, iris: Iris, date: str | None, where: str) -> list[Mapping]:
    level = _LEVEL.search(mention.text)
    if level and int(level.group(1)) in EQF_BY_YEARS_AFTER_BAC and len(words(mention.text)) <= 2:
        years = int(level.group(1))
        return [
            _make(
                mention,
                str(iris.access_level(years)),
                f"bac + {years}",
                0.9,
                f"{where} states the access level bac + {years}",
                iris,
                date,
            )
        ]
    out = []
    degree = fold(mention.text).split()[0]
    for acronym in acronyms(mention.text):
        for formation in formations:
            label_words = fold(formation.label).split()
            if not label_words or label_words[0] != degree:
                continue
            if acronym.lower() in initials(formation.label):
                out.append(
                    _make(
                        mention,
                        formation.iri,
                        formation.label,
                        0.9,
                        f"{where}: {degree} whose acronym {acronym} spells the initials of "
                        f"'{formation.label}' ({formation.identifier})",
                        iris,
                        date,
                    )
                )
    return out


def _again(link: Mapping, mention: Mention) -> Mapping:
    fields = dict(link.__dict__)
    fields.update(
        subject=mention.iri,
        subject_label=mention.text,
        confidence=round(link.confidence * COREFERENCE, 3),
        comment=f"'{mention.text}' [{mention.start}:{mention.end}] repeats the head word of the earlier "
        f"mention '{link.subject_label}', linked to '{link.object_label}'",
    )
    return Mapping(**fields)
