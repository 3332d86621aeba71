"""Parser for ONISEP fiches formations (``# title``, ``## Informations générales`` fields, ``## Métiers associés``).

Text → frozen dataclasses, no RDF; every field keeps its line. The export's rendering puts
the formation's ONISEP identifier (``FOR.n``, the one fiches métiers recommend) in the file
name only (``FOR.10363.md``, see the corpus PROVENANCE), so the identifier is read from there
and a fiche formation whose file name is not ``FOR.n.…`` is refused, never given an invented
one. The kind itself is decided from the content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.core.errors import FicheParseError
from kg.sources._onisep_fields import fold, norm
from kg.sources.common import Source
from kg.sources.onisep import Section

__all__ = ["FicheFormation", "NamedOccupation", "looks_like", "parse_text"]


@dataclass(frozen=True)
class Field:
    """A ``**Key:** value`` field as written, with its line."""

    value: str
    line: int


@dataclass(frozen=True)
class NamedOccupation:
    """A bullet of ``## Métiers associés``: a métier named, not yet resolved to a fiche."""

    name: str
    line: int


@dataclass(frozen=True)
class FicheFormation:
    source: Source
    id: str  # FOR.n, from the file name (see the module docstring)
    title: str
    title_line: int
    formation_type: Field
    schooling_code: Field | None
    duration: Field | None
    duration_iso: str | None  # "P2Y", "P18M" when the duration is a number of years or months
    certification: Field | None
    eqf_level: int | None  # "niveau 7" → 7 (French national framework level = EQF level)
    acronym: Field | None
    link: Field | None  # the URL
    rncp: str | None  # "39278" when the link is a France compétences RNCP record
    sections: tuple[Section, ...]
    occupations: tuple[NamedOccupation, ...]


_FIELDS = {
    "code scolarite": "schooling_code",
    "duree": "duration",
    "niveau de certification": "certification",
    "type": "formation_type",
    "type de formation": "formation_type",
    "sigle": "acronym",
    "lien": "link",
}
_OCCUPATIONS = {"metiers associes", "metier associe", "debouches", "metiers"}
_FILE_ID = re.compile(r"^(FOR\.\d+)(?:\.[^.]+)?$")
_TITLE = re.compile(r"^#[ \t]+(?P<title>\S.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{2,6})[ \t]*(?P<title>[^#\s].*?)[ \t:]*$")
_MARKER = re.compile(r"^\*\*\s*(?P<key>[^*]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*(?P<value>.*)$")
_BULLET = re.compile(r"^[-*•][ \t]+(?P<item>\S.*)$")
_LINK = re.compile(r"^\[[^\]]*\]\((?P<url>[^()\s]+)\)$|^<?(?P<bare>https?://[^\s<>]+?)>?$")
_RNCP = re.compile(r"^https?://(?:www\.)?francecompetences\.fr/recherche/rncp/(?P<n>\d+)/?$", re.IGNORECASE)
_DURATION = re.compile(r"^(?P<n>\d{1,2})\s*(?P<unit>ans?|années?|mois|semaines?)$")
_LEVEL = re.compile(r"^niveau\s+(?P<n>\d{1,2})\b")

# Detection: a `# title` line and at least three of these (a fiche métier has none of them).
_LOOKS_TITLE = re.compile(r"^[ \t]*#[ \t]+\S", re.M)
_LOOKS = tuple(
    re.compile(pattern, re.M | re.IGNORECASE)
    for pattern in (
        r"^[ \t]*##[ \t]*Informations générales[ \t]*$",
        r"^[ \t]*##[ \t]*Métiers associés[ \t]*$",
        r"^[ \t]*\*\*[ \t]*Durée[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Niveau de certification[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Type[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Code scolarité[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
    )
)


def looks_like(text: str) -> bool:
    """True when the text has a fiche formation's shape (decided from content, never the file name)."""
    return bool(_LOOKS_TITLE.search(text)) and sum(bool(m.search(text)) for m in _LOOKS) >= 3


def parse_text(text: str, source: Source) -> FicheFormation:
    """Parse a fiche formation; FicheParseError (path, line) when a field is missing or malformed."""
    path = source.path

    def error(message: str, line: int) -> FicheParseError:
        return FicheParseError(path, message, line)

    scan = _Scan()
    for number, raw in enumerate(text.split("\n"), start=1):
        scan.take(raw.strip(), number, error)
    title, fields = scan.title, scan.fields
    if title is None:
        raise error("missing title line '# …' (the formation's name)", 1)
    identifier = _FILE_ID.match(path.name)
    if identifier is None:
        raise error(
            "a fiche formation carries its ONISEP identifier in its file name only: "
            f"expected a file named FOR.n.md, not {path.name!r}",
            title[1],
        )
    if "formation_type" not in fields or not fields["formation_type"].value:
        raise error("missing '**Type:**' field (master, BTS, diplôme d'ingénieur…)", title[1])
    duration, certification, link = fields.get("duration"), fields.get("certification"), fields.get("link")
    return FicheFormation(
        source=source,
        id=identifier.group(1),
        title=title[0],
        title_line=title[1],
        formation_type=fields["formation_type"],
        schooling_code=_nonempty(fields.get("schooling_code")),
        duration=_nonempty(duration),
        duration_iso=_duration(duration),
        certification=_nonempty(certification),
        eqf_level=_eqf_level(certification, error),
        acronym=_nonempty(fields.get("acronym")),
        link=_link(link, error),
        rncp=_rncp(link, error),
        sections=tuple(
            d.freeze() for d in scan.roots if fold(d.title) not in _OCCUPATIONS | {"informations generales"}
        ),
        occupations=tuple(scan.occupations),
    )


@dataclass
class _Scan:
    """What the lines say, read one at a time: the title, the fields, the sections and the métiers named."""

    title: tuple[str, int] | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    occupations: list[NamedOccupation] = field(default_factory=list)
    roots: list[_Draft] = field(default_factory=list)
    stack: list[_Draft] = field(default_factory=list)  # the sections open at the current line

    def take(self, line: str, number: int, error: Callable[[str, int], FicheParseError]) -> None:
        """One stripped line: the title, a heading, a known field, or a section's text (a bullet may name a métier)."""
        if not line:
            return
        heading, marker, bullet = _HEADING.match(line), _MARKER.match(line), _BULLET.match(line)
        if self.title is None and (match := _TITLE.match(line)):
            self.title = (norm(match.group("title")), number)
        elif heading:
            self.open_section(norm(heading.group("title")), len(heading.group("hashes")), number)
        elif marker and fold(marker.group("key")) in _FIELDS:
            name = _FIELDS[fold(marker.group("key"))]
            if name in self.fields:
                first = self.fields[name].line
                raise error(f"second '{marker.group('key')}' field (the first is at line {first})", number)
            self.fields[name] = Field(norm(marker.group("value")), number)
        else:
            if self.stack:
                self.stack[-1].lines.append(norm(line))
            if bullet and self.stack and fold(self.stack[0].title) in _OCCUPATIONS:
                name = norm(bullet.group("item"))
                if fold(name) not in {fold(o.name) for o in self.occupations}:
                    self.occupations.append(NamedOccupation(name, number))

    def open_section(self, title: str, level: int, number: int) -> None:
        """A heading closes the sections of its level or deeper and opens one inside the one left open."""
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        draft = _Draft(title, level, number)
        (self.stack[-1].children if self.stack else self.roots).append(draft)
        self.stack.append(draft)


@dataclass
class _Draft:
    title: str
    level: int
    line: int
    lines: list[str] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)

    def freeze(self) -> Section:
        return Section(
            self.title, self.level, "\n".join(self.lines), self.line, tuple(child.freeze() for child in self.children)
        )


def _nonempty(value: Field | None) -> Field | None:
    return value if value is not None and value.value else None


def _duration(duration: Field | None) -> str | None:
    """``2 ans`` → ``P2Y``, ``18 mois`` → ``P18M``, ``6 semaines`` → ``P42D``; other wordings stay text only."""
    match = _DURATION.match(fold(duration.value)) if duration is not None else None
    if match is None:
        return None
    n, unit = int(match.group("n")), match.group("unit")
    return f"P{n}Y" if unit.startswith("an") else f"P{n}M" if unit == "mois" else f"P{7 * n}D"


def _eqf_level(certification: Field | None, error) -> int | None:
    """``niveau 7`` → 7: levels 1–8 of the French framework are the EQF levels; other wordings give none."""
    if certification is None:
        return None
    match = _LEVEL.match(fold(certification.value))
    if match is None:
        return None
    level = int(match.group("n"))
    if not 1 <= level <= 8:
        raise error(f"certification level {certification.value!r} is not a level 1 to 8", certification.line)
    return level


def _link(link: Field | None, error) -> Field | None:
    if link is None or not link.value:
        return None
    match = _LINK.match(link.value)
    if match is None:
        raise error(f"unreadable link {link.value!r} (expected '[text](https://…)' or a URL)", link.line)
    return Field(match.group("url") or match.group("bare"), link.line)


def _rncp(link: Field | None, error) -> str | None:
    url = _link(link, error)
    match = _RNCP.match(url.value) if url is not None else None
    return match.group("n") if match else None
