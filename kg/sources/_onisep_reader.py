"""Reading a fiche métier line by line: headings, bold-marker blocks and bullets → an ONISEP Fiche.

Split from :mod:`kg.sources.onisep` (which decides whether a text is a fiche and re-exports the records).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import FicheParseError
from kg.sources._onisep_fields import (
    AccessLevel,
    GenderedLabel,
    fold,
    gendered_label,
    norm,
    parse_access_level,
    parse_salary,
)
from kg.sources._onisep_types import Fiche, Formation, LabelledItem, OtherAppellation, Section
from kg.sources.common import RomeAbsence, RomeCode, Source

# The explicit reason a fiche without ROME code carries (the fiche lists none; nothing is guessed here).
ROME_NOT_GIVEN = "Code ROME non fourni par la source"

_FICHE_ID = re.compile(r"^MET\.\d+$")
_ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
_FORMATION_ID = re.compile(r"^FOR\.\d+$")
_TITLE = re.compile(r"^#[ \t]+(?P<title>\S.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{2,})[ \t]*(?P<title>[^#\s].*?)(?:[ \t]+#+)?$")
_MARKER = re.compile(r"^\*\*\s*(?P<key>[^*]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*(?P<value>.*)$")
_BULLET = re.compile(r"^[-*•][ \t]+(?P<item>.*)$")
_GENDERED = re.compile(r"^(?P<gender>f[ée]minin|masculin)\s*:\s*(?P<form>.*)$", re.IGNORECASE)
_FORMATION = re.compile(r"^(?P<label>.*?)\s*\(\s*ID\s*:\s*(?P<id>[^()]*?)\s*\)$")

# Bold markers whose blocks feed structured fields (keys accent- and case-folded).
_MARKER_KINDS = {
    "id": "id",
    "appellations": "appellations",
    "appellation": "appellations",
    "codes rome": "rome",
    "code rome": "rome",
    "niveau d'acces minimum": "level",
    "statuts possibles": "statuses",
    "statut possible": "statuses",
    "statuts": "statuses",
}
# Sections whose bullets also feed structured fields (the sections themselves are kept).
_SECTION_KINDS = {
    "autres appellations": "other_appellations",
    "formations recommandees": "formations",
    "centres d'interet": "interests",
    "centre d'interet": "interests",
    "centres d'interets": "interests",
}


@dataclass
class _Draft:
    """A section being read; frozen into a Section at the end."""

    title: str
    level: int
    line: int
    paragraphs: list[list[str]] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)
    items: list[LabelledItem] = field(default_factory=list)
    text_line: int | None = None  # first line of own text (the salary points there)
    open: bool = False

    def add(self, text: str, line: int) -> None:
        if not self.open:
            self.paragraphs.append([])
            self.open = True
        self.paragraphs[-1].append(norm(text))
        self.text_line = self.text_line or line

    def freeze(self) -> Section:
        text = "\n\n".join("\n".join(lines) for lines in self.paragraphs)
        return Section(
            self.title, self.level, text, self.line, tuple(c.freeze() for c in self.children), tuple(self.items)
        )


@dataclass
class _Block:
    """A bold-marker block (``**Codes ROME:**`` and its bullets)."""

    kind: str
    line: int
    value: str
    items: list[tuple[str, int]] = field(default_factory=list)


class Reader:
    """One pass over the lines; headings, bold blocks and bullets are dispatched as they come."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.path: Path = source.path
        self.title: tuple[str, int] | None = None
        self.id: tuple[str, int] | None = None
        self.appellation: GenderedLabel | None = None
        self.others: list[dict] = []
        self.rome: list[RomeCode] = []
        self.level: AccessLevel | None = None
        self.formations: list[Formation] = []
        self.statuses: list[LabelledItem] = []
        self.interests: list[LabelledItem] = []
        self.roots: list[_Draft] = []
        self.stack: list[_Draft] = []
        self.preamble: _Draft | None = None
        self.block: _Block | None = None

    def error(self, message: str, line: int | None) -> FicheParseError:
        return FicheParseError(self.path, message, line)

    def parse(self, text: str) -> Fiche:
        for number, raw in enumerate(text.split("\n"), start=1):
            self.line(raw.strip(), number)
        self.close_block()
        if self.title is None:
            raise self.error("missing title line '# …' (the fiche's name)", 1)
        if self.id is None:
            raise self.error("missing fiche ID '**ID:** MET.n'", self.title[1])
        sections = [d.freeze() for d in self.roots]
        if self.preamble is not None:
            self.preamble.title = self.title[0]
            sections.insert(0, self.preamble.freeze())
        salary_draft = _salary_draft(self.roots)
        salary_text = salary = None
        if salary_draft is not None and salary_draft.paragraphs:
            salary_text = salary_draft.freeze().text
            salary = parse_salary(salary_text, salary_draft.text_line or salary_draft.line)
        others = tuple(self.other_appellation(o) for o in self.others)
        absence = None if self.rome else RomeAbsence(ROME_NOT_GIVEN, self.id[1])
        return Fiche(
            source=self.source,
            id=self.id[0],
            id_line=self.id[1],
            title=self.title[0],
            title_line=self.title[1],
            appellation=self.appellation,
            other_appellations=others,
            rome_codes=tuple(self.rome),
            rome_absence=absence,
            sections=tuple(sections),
            salary=salary,
            salary_text=salary_text,
            access_level=self.level,
            formations=tuple(self.formations),
            statuses=tuple(self.statuses),
            interests=tuple(self.interests),
        )

    def line(self, text: str, number: int) -> None:
        bullet = _BULLET.match(text)
        if self.block is not None:
            if not text:
                if self.block.value:
                    self.close_block()
                return
            if bullet and not self.block.value:
                self.block.items.append((norm(bullet.group("item")), number))
                return
            self.close_block()
        if not text:
            if self.stack:
                self.stack[-1].open = False
            elif self.preamble is not None:
                self.preamble.open = False
            return
        title, heading, marker = _TITLE.match(text), _HEADING.match(text), _MARKER.match(text)
        if title and self.title is None:
            self.title = (norm(title.group("title")), number)
        elif heading:
            self.heading(norm(heading.group("title")), len(heading.group("hashes")), number)
        elif marker and fold(marker.group("key")) in _MARKER_KINDS:
            self.open_block(_MARKER_KINDS[fold(marker.group("key"))], norm(marker.group("value")), number)
        else:
            self.text(text, number, bullet.group("item") if bullet else None)

    def heading(self, title: str, level: int, number: int) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        draft = _Draft(title, level, number)
        (self.stack[-1].children if self.stack else self.roots).append(draft)
        self.stack.append(draft)
        if self.kind() == "other_appellations" and len(self.stack) > 1:
            self.others.append({"label": title, "line": number, "forms": {}})

    def kind(self) -> str | None:
        return _SECTION_KINDS.get(fold(self.stack[0].title)) if self.stack else None

    def text(self, text: str, number: int, item: str | None) -> None:
        if self.stack:
            draft = self.stack[-1]
        else:  # text before the first section: the preamble, titled with the fiche at the end
            if self.preamble is None:
                self.preamble = _Draft("", 1, number)
            draft = self.preamble
        draft.add(text, number)
        if item is None:
            return
        kind, item = self.kind(), norm(item)
        draft.items.append(LabelledItem(item, number))
        if kind == "formations":
            self.formation(item, number)
        elif kind == "interests":
            self.interests.append(LabelledItem(item, number))
        elif kind == "other_appellations":
            gendered = _GENDERED.match(item)
            if gendered and self.others and len(self.stack) > 1:
                forms = self.others[-1]["forms"]
                gender = fold(gendered.group("gender"))
                if gender in forms:
                    raise self.error(f"second '{gendered.group('gender')}' form for the same appellation", number)
                forms[gender] = (gendered.group("form"), number)
            elif not gendered:
                self.others.append({"label": item, "line": number, "forms": {}})

    def formation(self, item: str, number: int) -> None:
        match = _FORMATION.match(item)
        if match is None:
            raise self.error(f"formation line without an ID '(ID: FOR.n)': {item!r} (truncated file?)", number)
        if not _FORMATION_ID.match(match.group("id")):
            raise self.error(f"invalid formation ID {match.group('id')!r} (expected FOR.n)", number)
        self.formations.append(Formation(match.group("id"), match.group("label"), number))

    def open_block(self, kind: str, value: str, number: int) -> None:
        for draft in (*self.stack, self.preamble):
            if draft is not None:
                draft.open = False
        if kind == "id":
            if self.id is not None:
                raise self.error(f"second fiche ID line (the first is at line {self.id[1]})", number)
            if not _FICHE_ID.match(value):
                raise self.error(f"invalid fiche ID {value!r} (expected MET.n, e.g. 'MET.717')", number)
            self.id = (value, number)
            return
        self.block = _Block(kind, number, value)

    def close_block(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        items = list(block.items)
        if block.value:
            whole = block.kind in ("level", "appellations")
            parts = [block.value] if whole else re.split(r"\s*[,;]\s*", block.value)
            items = [(part, block.line) for part in parts if part] + items
        if block.kind == "appellations":
            self.appellation = self.gendered(items, block.line)
        elif block.kind == "rome":
            for item, number in items:
                code = item.split()[0].rstrip(":,;") if item.split() else item
                if not _ROME_CODE.match(code):
                    raise self.error(f"invalid ROME code {code!r} (expected a letter A–N and 4 digits)", number)
                if code not in {r.code for r in self.rome}:
                    self.rome.append(RomeCode(code, number))
        elif block.kind == "statuses":
            self.statuses.extend(LabelledItem(item, number) for item, number in items)
        elif block.kind == "level" and items:
            self.level = parse_access_level(*items[0])

    def gendered(self, items: list[tuple[str, int]], line: int) -> GenderedLabel | None:
        forms: dict[str, tuple[str, int]] = {}
        for item, number in items:
            match = _GENDERED.match(item)
            if match is None:
                expected = "expected '- Féminin: …' or '- Masculin: …'"
                raise self.error(f"unexpected appellation {item!r} ({expected})", number)
            gender = fold(match.group("gender"))
            if gender in forms:
                raise self.error(f"second '{match.group('gender')}' appellation", number)
            forms[gender] = (match.group("form"), number)
        return gendered_label(forms) if forms else None

    @staticmethod
    def other_appellation(draft: dict) -> OtherAppellation:
        return OtherAppellation(draft["label"], gendered_label(draft["forms"]), draft["line"])


def _salary_draft(roots: list[_Draft]) -> _Draft | None:
    """The "Salaire du débutant" section, else a "Salaire…" section that has text of its own."""
    found: list[_Draft] = []
    pending = list(roots)
    while pending:
        draft = pending.pop(0)
        pending[:0] = draft.children
        if fold(draft.title).startswith("salaire"):
            found.append(draft)
    for draft in found:
        if "debutant" in fold(draft.title):
            return draft
    return next((d for d in found if d.paragraphs), None)
