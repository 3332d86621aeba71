"""The records of a ROME export (frozen dataclasses), as kg.sources.rome returns them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    code: str
    label: str
    line: int


@dataclass(frozen=True)
class Fiche:
    code: str
    ogr: str
    label: str
    line: int
    transition_eco: str | None  # e.g. "Emploi Blanc", "Emploi Vert"
    transition_num: bool | None
    transition_demo: bool | None
    regulated: bool | None
    executive: bool | None
    v3_parent: str | None
    riasec_major: str | None
    riasec_minor: str | None
    definition: tuple[str, ...]  # sentences in their order
    access: tuple[str, ...]


@dataclass(frozen=True)
class Appellation:
    code: str
    label: str
    short_label: str
    fiche: str
    principal: bool
    rarely_used: bool
    transition_eco: str | None
    transition_num: bool | None
    transition_demo: bool | None
    regulated: bool | None
    executive: bool | None
    line: int


@dataclass(frozen=True)
class Competence:
    code: str
    macro: bool
    label: str
    definition: str | None
    parent: str | None  # code_ogr of its macro-compétence
    tree_code: str | None  # a macro-compétence's code, e.g. 4A101
    category: str  # Savoir-faire | Savoir-être professionnel
    subcategory: str | None
    transition_eco: bool | None
    transition_num: bool | None
    heterogeneity: str | None
    origin: str | None
    riasec_major: str | None
    riasec_minor: str | None
    line: int


@dataclass(frozen=True)
class Savoir:
    code: str
    label: str
    category: str
    subcategory: str
    transition_eco: bool | None
    transition_num: bool | None
    line: int


@dataclass(frozen=True)
class Contexte:
    code: str
    label: str
    type_code: str
    type_label: str
    line: int


@dataclass(frozen=True)
class Link:
    fiche: str
    kind: str  # a value of LINK_KINDS
    target: str
    coeur_de_metier: str | None  # Principale | Émergente
    line: int


@dataclass(frozen=True)
class Mobility:
    source: str
    target: str
    order: int
    line: int


@dataclass(frozen=True)
class Classified:
    """A secteur, sous-secteur, NAF sector, thème or centre d'intérêt."""

    code: str
    label: str
    definition: str | None
    parent: str | None
    line: int


Sector = Classified


@dataclass(frozen=True)
class FicheLink:
    fiche: str
    target: str
    principal: bool | None
    line: int
