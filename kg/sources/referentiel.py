"""Parser for OPIIEC-style "Référentiel métiers" documents (PDF turned to text).

Text → frozen dataclasses, no RDF. The structure is recovered from the sommaire and the
"appellations courantes" table, never from names or line numbers of a particular issue
of the référentiel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.core.errors import FicheParseError
from kg.sources import _referentiel_blocks as blocks_
from kg.sources._referentiel_align import name_blocks
from kg.sources._referentiel_front import (
    Sommaire,
    SommaireEntry,
    SommaireFamily,
    TableRow,
    find_title,
    parse_glossary,
    parse_sommaire,
    parse_table,
)
from kg.sources._referentiel_text import (
    NameResolver,
    best_match,
    heading_name,
    name_key,
    normalise,
    smart_case,
)
from kg.sources.common import RomeAbsence, RomeCode, Source


@dataclass(frozen=True)
class Item:
    """A bullet or a paragraph with its line."""

    text: str
    line: int


@dataclass(frozen=True)
class Passerelle:
    """A career bridge as written; ``target`` is the resolved emploi-type name or None."""

    label: str
    line: int
    target: str | None
    matched_by: str | None  # "name" | "appellation" | "fuzzy" | None when unresolved


@dataclass(frozen=True)
class Prerequisite:
    text: str
    line: int
    level: str | None  # e.g. "Bac+5", "Bac+2", "Bac"
    years_after_bac: int | None
    experience_min_years: int | None
    experience_max_years: int | None


@dataclass(frozen=True)
class Variability:
    aspect: str  # e.g. "Type d'entreprise", "Sectoriel"
    text: str
    line: int


@dataclass(frozen=True)
class EmploiType:
    name: str
    line: int  # first line of the block
    heading_recovered: bool  # True when the "Emploi Type :" heading was lost and recovered
    family: str
    sub_family: str | None
    sommaire_page: int | None
    other_appellations: tuple[Item, ...]
    english_appellations: tuple[Item, ...]
    main_activities: tuple[Item, ...]
    specific_activities: tuple[Item, ...]
    description: Item | None
    savoir_faire: tuple[Item, ...]
    connaissances: tuple[Item, ...]
    variability: tuple[Variability, ...]
    external_relations: Item | None
    internal_relations: Item | None
    workplace: Item | None
    prerequisite: Prerequisite | None
    formations: tuple[Item, ...]
    certifications: tuple[Item, ...]
    career_path: Item | None
    origins: tuple[Passerelle, ...]
    evolutions: tuple[Passerelle, ...]
    rome_codes: tuple[RomeCode, ...]
    rome_absence: RomeAbsence | None
    truncated: bool  # the block ends before its ROME section is complete


@dataclass(frozen=True)
class SubFamily:
    label: str
    family: str
    line: int
    explicit: bool  # False when the document names no sous-famille for some emploi-types


@dataclass(frozen=True)
class Family:
    label: str  # as in the appellations table (mixed case) when available
    line: int
    sommaire_number: int | None


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    line: int


@dataclass(frozen=True)
class AppellationRow:
    """A row of the "appellations courantes" table."""

    appellation: str
    emploi_type_as_written: str
    emploi_type: str | None  # resolved to a sommaire name
    sub_family: str | None
    family: str
    page: int | None
    line: int


@dataclass(frozen=True)
class Referentiel:
    source: Source
    title: str
    title_line: int
    families: tuple[Family, ...]
    sub_families: tuple[SubFamily, ...]
    emploi_types: tuple[EmploiType, ...]
    glossary: tuple[GlossaryEntry, ...]
    appellation_table: tuple[AppellationRow, ...]


_SOMMAIRE_LINE = re.compile(r"^\s*Sommaire\s*$", re.MULTILINE | re.IGNORECASE)
_FAMILY_CHAPTER = re.compile(r"fiches?\s+emplois?[\s-]*types?\s+(?:de\s+la\s+|des\s+|du\s+)?famille", re.IGNORECASE)
_ROME_HEADER = re.compile(r"^\s*Codes?\s*(?:\(s\))?\s+ROME\s*$", re.MULTILINE | re.IGNORECASE)
_HEADING_LINE = re.compile(
    r"^\s*(?:Version\s*:\s*\d+\s*)?(?:\*\*)?\s*Emploi[\s-]*Type\s*:", re.MULTILINE | re.IGNORECASE
)
_MAIN_ACTIVITIES = re.compile(r"^\s*Activit[ée]s\s+principales\s*$", re.MULTILINE | re.IGNORECASE)

# Similarity above which a heading or a table cell names a sommaire entry (spelling variants).
_SAME_NAME = 0.8
# Higher bar for passerelles: they also name families, sub-families and jobs outside the référentiel.
_PASSERELLE_FUZZY = 0.88


def looks_like(text: str) -> bool:
    """A sommaire with "Fiches emploi-type de la famille …" chapters, or emploi-type blocks."""
    if _SOMMAIRE_LINE.search(text) and _FAMILY_CHAPTER.search(text):
        return True
    return bool(_ROME_HEADER.search(text) and (_HEADING_LINE.search(text) or _MAIN_ACTIVITIES.search(text)))


def parse_text(text: str, source: Source) -> Referentiel:
    """Parse a whole référentiel; FicheParseError (path, line) when its structure cannot be recovered."""
    path = source.path
    lines = text.split("\n")
    open_last_line = None if text.endswith("\n") else len(lines)
    sommaire, title = _front(lines, path)
    rows, _header, table_end = parse_table(lines, sommaire.end)
    begin = table_end if rows else _first_heading(lines, sommaire.end)
    families = _families(sommaire, rows)
    entries = list(sommaire.entries)
    row_families = [_match_family(row.family, sommaire) for row in rows]
    row_targets = _resolve_rows(rows, row_families, entries)
    raw_blocks = blocks_.segment(lines, begin, len(lines))
    named = name_blocks(lines, raw_blocks, entries, rows, row_targets, path, _SAME_NAME)
    parsed = [
        (block, entry, blocks_.parse_block(lines, block, path, entry.name, open_last_line)) for block, entry in named
    ]
    resolver = _passerelle_resolver(entries, rows, row_targets, parsed)
    emploi_types = tuple(
        _emploi_type(
            block, entry, fields, families[entry.family].label, _sub_family(entry, rows, row_targets), resolver
        )
        for block, entry, fields in parsed
    )
    return Referentiel(
        source=source,
        title=title[0],
        title_line=title[1],
        families=tuple(families[family] for family in sommaire.families),
        sub_families=_sub_families(rows, row_families, families),
        emploi_types=emploi_types,
        glossary=tuple(GlossaryEntry(*entry) for entry in parse_glossary(lines, sommaire)),
        appellation_table=_appellation_table(rows, row_families, row_targets, families),
    )


def _front(lines: list[str], path: Path) -> tuple[Sommaire, tuple[str, int]]:
    """The sommaire, which must list emploi-types, and the title before it."""
    sommaire = parse_sommaire(lines)
    if not sommaire.entries:
        raise FicheParseError(
            path,
            "looks like a référentiel métiers but its sommaire lists no emploi-types (expected "
            "'Fiches emploi-type de la famille …' chapters followed by '• <emploi-type>' lines)",
            sommaire.line or 1,
        )
    title = find_title(lines, (sommaire.line or 1) - 1)
    if title is None:
        raise FicheParseError(path, "no title before the sommaire", sommaire.line)
    return sommaire, title


def _passerelle_resolver(
    entries: list[SommaireEntry],
    rows: list[TableRow],
    row_targets: list[str | None],
    parsed: list[tuple[blocks_.RawBlock, SommaireEntry, blocks_.BlockFields]],
) -> NameResolver:
    """Names → emploi-types: the table's appellations, then each block's own ones the table does not have."""
    table_pairs = [(row.appellation, target) for row, target in zip(rows, row_targets) if target]
    table_keys = {name_key(appellation) for appellation, _ in table_pairs}
    own_pairs = [
        (item.text, entry.name)
        for _, entry, fields in parsed
        for item in fields.other + fields.english
        if name_key(item.text) not in table_keys
    ]
    return NameResolver([entry.name for entry in entries], table_pairs + own_pairs)


def _sub_family(entry: SommaireEntry, rows: list[TableRow], row_targets: list[str | None]) -> str | None:
    """The sous-famille of the first table row naming the emploi-type that has one."""
    return next(
        (row.sub_family for row, target in zip(rows, row_targets) if target == entry.name and row.sub_family),
        None,
    )


def _appellation_table(
    rows: list[TableRow],
    row_families: list[SommaireFamily | None],
    row_targets: list[str | None],
    families: dict[SommaireFamily, Family],
) -> tuple[AppellationRow, ...]:
    return tuple(
        AppellationRow(
            appellation=row.appellation,
            emploi_type_as_written=row.emploi_type,
            emploi_type=target,
            sub_family=row.sub_family,
            family=families[family].label if family else row.family,
            page=row.page,
            line=row.line,
        )
        for row, family, target in zip(rows, row_families, row_targets)
    )


def _first_heading(lines: list[str], begin: int) -> int:
    return next((i for i in range(begin, len(lines)) if heading_name(lines[i]) is not None), begin)


def _match_family(label: str, sommaire: Sommaire) -> SommaireFamily | None:
    """The sommaire family (capitals, no accents) that a mixed-case table label names."""
    key = normalise(label)
    if not key:
        return None
    for family in sommaire.families:
        if normalise(family.caps_label) == key:
            return family
    best, score = best_match(label, [family.caps_label for family in sommaire.families])
    if best is not None and score >= 0.85:
        return next(family for family in sommaire.families if family.caps_label == best)
    return None


def _families(sommaire: Sommaire, rows: list[TableRow]) -> dict[SommaireFamily, Family]:
    """Sommaire family → Family, labelled as in the table (mixed case) when the table names it."""
    out = {}
    for family in sommaire.families:
        label = next((row.family for row in rows if _match_family(row.family, sommaire) == family), None)
        out[family] = Family(label or smart_case(family.caps_label), family.line, family.number)
    return out


def _resolve_rows(
    rows: list[TableRow], row_families: list[SommaireFamily | None], entries: list[SommaireEntry]
) -> list[str | None]:
    """Sommaire name of each row's emploi-type (page numbers are unreliable and ignored)."""
    resolver = NameResolver([entry.name for entry in entries])
    out: list[str | None] = []
    for row, family in zip(rows, row_families):
        target = resolver.exact(row.emploi_type)
        if target is None:
            pool = [entry.name for entry in entries if family is None or entry.family == family]
            best, score = best_match(row.emploi_type, pool)
            target = best if best is not None and score >= _SAME_NAME else None
        out.append(target)
    return out


def _sub_families(
    rows: list[TableRow], row_families: list[SommaireFamily | None], families: dict[SommaireFamily, Family]
) -> tuple[SubFamily, ...]:
    """One per (sous-famille, famille) named in the table; empty cells produce none."""
    seen: dict[tuple[str, str], SubFamily] = {}
    for row, family in zip(rows, row_families):
        if not row.sub_family:
            continue
        label = families[family].label if family else row.family
        seen.setdefault((normalise(row.sub_family), label), SubFamily(row.sub_family, label, row.line, True))
    return tuple(seen.values())


def _items(found: list[blocks_.Line]) -> tuple[Item, ...]:
    return tuple(Item(line.text, line.line) for line in found)


def _item(found: blocks_.Line | None) -> Item | None:
    return Item(found.text, found.line) if found else None


def _passerelles(found: list[blocks_.Line], resolver: NameResolver) -> tuple[Passerelle, ...]:
    out = []
    for label in found:
        target, how = resolver.resolve(label.text, _PASSERELLE_FUZZY)
        out.append(Passerelle(label.text, label.line, target, how))
    return tuple(out)


def _emploi_type(
    block: blocks_.RawBlock,
    entry: SommaireEntry,
    fields: blocks_.BlockFields,
    family: str,
    sub_family: str | None,
    resolver: NameResolver,
) -> EmploiType:
    prerequisite = None
    if fields.prerequisite is not None:
        level, years, low, high = blocks_.prerequisite_figures(fields.prerequisite.text)
        prerequisite = Prerequisite(fields.prerequisite.text, fields.prerequisite.line, level, years, low, high)
    return EmploiType(
        name=entry.name,
        line=block.line,
        heading_recovered=block.heading is None,
        family=family,
        sub_family=sub_family,
        sommaire_page=entry.page,
        other_appellations=_items(fields.other),
        english_appellations=_items(fields.english),
        main_activities=_items(fields.main),
        specific_activities=_items(fields.specific),
        description=_item(fields.description),
        savoir_faire=_items(fields.savoir_faire),
        connaissances=_items(fields.connaissances),
        variability=tuple(Variability(aspect, text, line) for aspect, text, line in fields.variability),
        external_relations=_item(fields.external),
        internal_relations=_item(fields.internal),
        workplace=_item(fields.workplace),
        prerequisite=prerequisite,
        formations=_items(fields.formations),
        certifications=_items(fields.certifications),
        career_path=_item(fields.career),
        origins=_passerelles(fields.origins, resolver),
        evolutions=_passerelles(fields.evolutions, resolver),
        rome_codes=tuple(fields.rome_codes),
        rome_absence=fields.rome_absence,
        truncated=fields.truncated,
    )
