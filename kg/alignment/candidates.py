"""Candidate ESCO concepts for each subject, scored and explained, for a human to review.

Candidates come from three kinds of evidence, each named in the output so a reviewer sees
why a concept was proposed: the subject's French labels against ESCO's French labels, its
English labels against ESCO's English labels, its French labels rendered in English by the
reviewed lexicon, and (for occupations) the labels of its ROME fiches. Scores are content-word
overlap (Dice), 1.0 for equal titles; evidence from the ROME label or the lexicon is
discounted because it is one step removed from the subject's own words. Nothing here
decides: decisions are in the curation file.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.alignment.digest import SKILL_KINDS, Subject
from kg.alignment.lexicon import Lexicon
from kg.core.text import forms, words
from kg.sources.reference import LabelIndex

ROME_WEIGHT = 0.8  # the ROME fiche's title describes a wider group than the subject
# The official ESCO–ROME mapping of an appellation of the subject's ROME fiche: France Travail's own
# word, but about one appellation of a fiche that groups many, so below an equal title.
OFFICIAL_WEIGHT = {"skos:exactMatch": 0.9, "skos:closeMatch": 0.8, "skos:narrowMatch": 0.7, "skos:broadMatch": 0.6}
LEXICON_WEIGHT = 0.9  # a translated title is one step removed from the source's words
MIN_SCORE = 0.5


@dataclass(frozen=True)
class Candidate:
    subject: str
    object: str
    score: float
    evidence: str  # e.g. "fr 'Testeur' = ESCO fr alt 'testeur'"


def _probes(subject: Subject, lexicon: Lexicon, rome_labels: dict[str, str]) -> list[tuple[str, str, float, str]]:
    """(label, language, weight, how) for every label the subject can be compared by."""
    probes = [(label, "fr", 1.0, "fr") for label in subject.labels_fr]
    probes += [(label, "en", 1.0, "en") for label in subject.labels_en]
    for label in subject.labels_fr:
        english = lexicon.translate(label)
        if english:
            probes.append((english, "en", LEXICON_WEIGHT, f"lexicon '{label}' →"))
    if subject.kind not in SKILL_KINDS:
        for rome in subject.rome:
            rome_label = rome_labels.get(rome)
            if rome_label:
                probes += [(form, "fr", ROME_WEIGHT, f"ROME {rome.rsplit('/', 1)[-1]}") for form in forms(rome_label)]
    return probes


def candidates(
    subject: Subject,
    index: LabelIndex,
    lexicon: Lexicon,
    rome_labels: dict[str, str],
    limit: int = 5,
    official: dict[str, list[tuple[str, str, str]]] | None = None,
    scheme: str = "ESCO",
) -> list[Candidate]:
    """The ``limit`` best-scored concepts of ``index`` for ``subject`` (ties broken by IRI).

    ``scheme`` names the index's concepts in the evidence ("ESCO", or "ROME" for its compétences and savoirs).

    ``official`` (ROME fiche → ESCO occupations of its appellations in the official ESCO–ROME
    mapping) gives an occupation filed under a ROME fiche those occupations as candidates too.
    """
    best: dict[str, tuple[float, str]] = {}
    if official and subject.kind not in SKILL_KINDS:
        for rome in subject.rome:
            for esco, relation, appellation in official.get(rome, ()):
                score = OFFICIAL_WEIGHT[relation]
                if esco in index.labels and score > best.get(esco, (0.0, ""))[0]:
                    best[esco] = (
                        score,
                        f"official ESCO–ROME mapping: ROME {rome.rsplit('/', 1)[-1]} "
                        f"appellation '{appellation}' {relation}",
                    )
    for label, language, weight, how in _probes(subject, lexicon, rome_labels):
        probe = frozenset(words(label))
        pool: set[str] = set()
        for word in probe:
            pool |= index.by_word.get(word, set())
        for uri in pool:
            for hit, hit_words in index.labels.get(uri, ()):
                if hit.language != language:
                    continue
                score = 1.0 if hit_words == probe else 2 * len(probe & hit_words) / (len(probe) + len(hit_words))
                score = round(score * weight * (1.0 if hit.preferred else 0.98), 3)
                if score >= MIN_SCORE and score > best.get(uri, (0.0, ""))[0]:
                    kind = "pref" if hit.preferred else "alt"
                    best[uri] = (score, f"{how} '{label}' ~ {scheme} {language} {kind} '{hit.label}'")
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [Candidate(subject.iri, uri, score, evidence) for uri, (score, evidence) in ranked]
