"""The vendored ESCO and ISCO-08 tables (reference/, see PROVENANCE.md), loaded once and indexed by label key.

ESCO's own French labels are what makes French ↔ ESCO matching sound: a French title is
compared with the French labels the European Commission published for each occupation or
skill, and English titles with the English ones; no machine translation is involved.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from kg.core.memo import memo
from kg.core.text import forms, key, words
from kg.core.vocab import ESCO_ISCO, ESCO_OCCUPATION, ESCO_SKILL
from kg.sources.common import Source

SEPARATOR = " | "


@dataclass(frozen=True)
class EscoOccupation:
    uri: str
    isco_group: str  # ISCO-08 unit group code (4 digits), ESCO's iscoGroup
    label_en: str
    alt_en: tuple[str, ...]
    label_fr: str
    alt_fr: tuple[str, ...]

    @property
    def isco_uri(self) -> str:
        return ESCO_ISCO + self.isco_group


@dataclass(frozen=True)
class EscoSkill:
    uri: str
    skill_type: str  # "skill/competence" | "knowledge"
    label_fr: str
    alt_fr: tuple[str, ...]


@dataclass(frozen=True)
class LabelHit:
    """One reference concept whose label has a given key: which label, in which language, preferred or not."""

    uri: str
    label: str
    language: str
    preferred: bool


class LabelIndex:
    """Label key → hits, content word → concept URIs, and each concept's labels with their words."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[LabelHit]] = defaultdict(list)
        self.by_word: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, list[tuple[LabelHit, frozenset[str]]]] = defaultdict(list)

    def add(self, uri: str, label: str, language: str, preferred: bool) -> None:
        for form in forms(label):
            hit = LabelHit(uri, form, language, preferred)
            form_words = words(form)
            label_key = " ".join(sorted(set(form_words)))
            if label_key and hit not in self.by_key[label_key]:
                self.by_key[label_key].append(hit)
                self.labels[uri].append((hit, frozenset(form_words)))
            for word in form_words:
                self.by_word[word].add(uri)

    def add_labels(self, uri: str, language: str, preferred: str, alternatives: tuple[str, ...]) -> None:
        """A concept's preferred label and its alternative labels in one language."""
        self.add(uri, preferred, language, True)
        for label in alternatives:
            self.add(uri, label, language, False)

    def exact(self, label: str) -> list[LabelHit]:
        return self.by_key.get(key(label), [])


def tables_source() -> Source:
    """The vendored ESCO occupation table, for the PROV of the graph built from the tables."""
    resource = files("metiers_kg_data.reference") / "esco_occupations_labels.csv"
    return Source(path=Path(str(resource)), sha256=hashlib.sha256(resource.read_bytes()).hexdigest())


def _rows(resource: str) -> list[dict[str, str]]:
    text = (files("metiers_kg_data.reference") / resource).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _split(text: str) -> tuple[str, ...]:
    return tuple(label for label in text.split(SEPARATOR) if label)


@memo(maxsize=1)
def esco_occupations() -> dict[str, EscoOccupation]:
    """Every ESCO occupation of the vendored table, by IRI."""
    return {
        row["uri"]: EscoOccupation(
            row["uri"],
            row["isco_group"],
            row["label_en"],
            _split(row["alt_labels_en"]),
            row["label_fr"],
            _split(row["alt_labels_fr"]),
        )
        for row in _rows("esco_occupations_labels.csv")
    }


@memo(maxsize=1)
def esco_skills() -> dict[str, EscoSkill]:
    return {
        row["uri"]: EscoSkill(row["uri"], row["skill_type"], row["label_fr"], _split(row["alt_labels_fr"]))
        for row in _rows("esco_skills_fr.csv")
    }


@memo(maxsize=1)
def isco_groups() -> dict[str, tuple[str, str]]:
    """ISCO-08 code → (English title, French title), every level."""
    return {row["code"]: (row["label_en"], row["label_fr"]) for row in _rows("isco08_groups.csv")}


@memo(maxsize=1)
def occupation_index() -> LabelIndex:
    index = LabelIndex()
    for occupation in esco_occupations().values():
        index.add_labels(occupation.uri, "fr", occupation.label_fr, occupation.alt_fr)
        index.add_labels(occupation.uri, "en", occupation.label_en, occupation.alt_en)
    return index


@memo(maxsize=1)
def skill_index() -> LabelIndex:
    index = LabelIndex()
    for skill in esco_skills().values():
        index.add_labels(skill.uri, "fr", skill.label_fr, skill.alt_fr)
    return index


def concept_label(uri: str) -> str:
    """The preferred label of an ESCO occupation (English), skill (French) or ISCO group (English)."""
    if uri.startswith(ESCO_OCCUPATION) and uri in esco_occupations():
        return esco_occupations()[uri].label_en
    if uri.startswith(ESCO_SKILL) and uri in esco_skills():
        return esco_skills()[uri].label_fr
    if uri.startswith(ESCO_ISCO) and uri[len(ESCO_ISCO) :] in isco_groups():
        return isco_groups()[uri[len(ESCO_ISCO) :]][0]
    return ""


def is_known(uri: str) -> bool:
    """True for an ESCO occupation, ESCO skill or ISCO-08 group of the vendored tables."""
    return bool(concept_label(uri))
