"""The records of an ONISEP fiche métier (frozen dataclasses), as kg.sources.onisep returns them."""

from __future__ import annotations

from dataclasses import dataclass

from kg.sources._onisep_fields import AccessLevel, GenderedLabel, Salary
from kg.sources.common import RomeAbsence, RomeCode, Source


@dataclass(frozen=True)
class OtherAppellation:
    """An entry of ``## Autres appellations``: a heading label and its gendered forms."""

    label: str
    forms: GenderedLabel | None
    line: int


@dataclass(frozen=True)
class Section:
    """A ``##``/``###`` section: its title, own text (without subsections) and subsections.

    ``items`` are the bullets of its own text, in order (also kept, with their markers, in ``text``),
    so that the list structure of the source survives the mapping.
    """

    title: str
    level: int
    text: str
    line: int
    subsections: tuple[Section, ...] = ()
    items: tuple[LabelledItem, ...] = ()


@dataclass(frozen=True)
class Formation:
    """A recommended formation ``FOR.n`` with its label."""

    id: str
    label: str
    line: int


@dataclass(frozen=True)
class LabelledItem:
    """A bullet from a simple list (statuses, centres d'intérêt)."""

    label: str
    line: int


@dataclass(frozen=True)
class Fiche:
    """One ONISEP fiche métier."""

    source: Source
    id: str
    id_line: int
    title: str
    title_line: int
    appellation: GenderedLabel | None
    other_appellations: tuple[OtherAppellation, ...]
    rome_codes: tuple[RomeCode, ...]
    rome_absence: RomeAbsence | None  # no ROME code: the source gives none (ONISEP leaves some fiches without)
    sections: tuple[Section, ...]
    salary: Salary | None
    salary_text: str | None  # the "Salaire du débutant" sentence even when it gives no amount
    access_level: AccessLevel | None
    formations: tuple[Formation, ...]
    statuses: tuple[LabelledItem, ...]
    interests: tuple[LabelledItem, ...]
