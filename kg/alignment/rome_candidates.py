"""ROME fiche candidates for the occupations their source files under no ROME code.

ONISEP gives no ROME code for about one fiche métier in nine (the fiche carries the reason
"Code ROME non fourni par la source"). Their titles and appellations are compared with every
ROME 4.0 appellation (its label and both gender forms, ``kg.sources.rome.gendered_forms``):
1.0 for the same title (the same content words, ``kg.core.text.key``: accents, case,
function words, plurals and word order aside), else the Dice overlap of their content words;
a ROME fiche scores the best of its appellations. As for ESCO:

1. the reviewed decisions of the curation file (``object_id`` ``kg:rome/<code>``) are the
   answer for an occupation, whatever the matcher says;
2. otherwise the matcher records one ``skos:broadMatch`` (the ROME fiche groups the métier
   with others) only when a title of the occupation *is* a ROME appellation and every
   appellation of that title belongs to the same fiche (``semapv:LexicalMatching``, the
   matcher as author, the matching labels in the comment);
3. every candidate, ranked with its evidence, goes to ``candidates.tsv`` for a reviewer
   (``metiers-kg align``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg import __version__
from kg.alignment.candidates import MIN_SCORE, Candidate
from kg.alignment.digest import Subject
from kg.alignment.model import BROAD, LEXICAL, ROME_FICHE_TARGET, Mapping
from kg.core.text import key, words
from kg.mapping.iris import Iris
from kg.sources.rome import gendered_forms

MATCHER = "métiers-kg ROME matcher"
CONFIDENCE = 0.8  # the occupation's title is a ROME appellation; the fiche it sits in is broader
CANDIDATE_KINDS = ("fiche", "emploi-type")


@dataclass(frozen=True)
class RomeTitle:
    """One form of a ROME appellation: its words, for scoring, and where it comes from."""

    key: str
    words: frozenset[str]
    appellation: str  # code OGR
    label: str  # the appellation's label as the export gives it
    fiche: str  # ROME code of its fiche


class RomeTitles:
    """Every ROME appellation form, indexed by title key and by content word."""

    def __init__(self, appellations: dict[str, str], fiches: dict[str, str]) -> None:
        self.by_key: dict[str, list[RomeTitle]] = defaultdict(list)
        self.by_word: dict[str, list[RomeTitle]] = defaultdict(list)
        for code, label in sorted(appellations.items()):
            for form in dict.fromkeys([label, *(gendered_forms(label) or ())]):
                title = RomeTitle(key(form), frozenset(words(form)), code, label, fiches[code])
                if not title.key:
                    continue
                self.by_key[title.key].append(title)
                for word in title.words:
                    self.by_word[word].append(title)


def needs_rome(subject: Subject) -> bool:
    """An occupation that its source files under no ROME code."""
    return subject.kind in CANDIDATE_KINDS and not subject.rome


def rome_candidates(subject: Subject, titles: RomeTitles, iris: Iris, limit: int = 3) -> list[Candidate]:
    """The ``limit`` best-scored ROME fiches for ``subject`` (ties broken by code), with the evidence."""
    best: dict[str, tuple[float, str]] = {}
    for label in subject.labels_fr:
        probe = frozenset(words(label))
        if not probe:
            continue
        pool = {id(t): t for word in probe for t in titles.by_word.get(word, ())}
        for title in sorted(pool.values(), key=lambda t: (t.appellation, t.key)):
            exact = title.words == probe
            score = 1.0 if exact else round(2 * len(probe & title.words) / (len(probe) + len(title.words)), 3)
            if score >= MIN_SCORE and score > best.get(title.fiche, (0.0, ""))[0]:
                how = "=" if exact else "~"
                best[title.fiche] = (
                    score,
                    f"fr '{label}' {how} ROME appellation {title.appellation} '{title.label}' of {title.fiche}",
                )
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [Candidate(subject.iri, str(iris.rome(code)), score, evidence) for code, (score, evidence) in ranked]


def rome_fiche_matches(
    subjects: dict[str, Subject],
    titles: RomeTitles,
    decisions: dict[str, list[Mapping]],
    fiche_labels: dict[str, str],
    iris: Iris,
    date: str | None,
) -> list[Mapping]:
    """For every occupation with no ROME code: its reviewed ROME decisions, else the strict lexical match."""
    out: list[Mapping] = []
    for iri, subject in subjects.items():
        if not needs_rome(subject):
            continue
        reviewed = [m for m in decisions.get(iri, ()) if m.target == ROME_FICHE_TARGET]
        if reviewed:
            out.extend(
                m.described(subject.label, fiche_labels.get(m.object.rsplit("/", 1)[-1], ""), subject.kind)
                for m in reviewed
            )
            continue
        match = _strict_match(subject, titles, fiche_labels, iris, date)
        if match is not None:
            out.append(match)
    return sorted(out, key=Mapping.sort_key)


def _strict_match(
    subject: Subject, titles: RomeTitles, fiche_labels: dict[str, str], iris: Iris, date: str | None
) -> Mapping | None:
    equal = {(label, t.fiche): t for label in subject.labels_fr for t in titles.by_key.get(key(label), ())}
    fiches = {fiche for _label, fiche in equal}
    if len(fiches) != 1:
        return None  # no equal title, or titles of several fiches: left to a reviewer
    (label, fiche), title = min(equal.items(), key=lambda item: (item[1].appellation, item[0][0]))
    return Mapping(
        subject=subject.iri,
        predicate=BROAD,
        object=str(iris.rome(fiche)),
        justification=LEXICAL,
        confidence=CONFIDENCE,
        author_id=str(iris.agent(MATCHER)),
        author_label=f"{MATCHER} {__version__}",
        date=date,
        comment=f"unreviewed: the title '{label}' is ROME appellation {title.appellation} "
        f"'{title.label}' of fiche {fiche}; the source gives no ROME code",
        target=ROME_FICHE_TARGET,
        subject_label=subject.label,
        object_label=fiche_labels.get(fiche, ""),
        subject_kind=subject.kind,
        basis=(str(iris.rome_part("appellation", title.appellation)),),
        tool=f"métiers-kg {__version__}",
    )
