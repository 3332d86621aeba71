"""Front matter of a référentiel: title, sommaire, glossary, "appellations courantes" table.

Private helper of ``kg.sources.referentiel``; returns plain records that the public module turns
into its dataclasses. Line numbers are 1-based, list indexes 0-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.sources._referentiel_text import clean_line, heading_name, normalise, strip_bullet

_PAGE = re.compile(r"^(?P<body>.*?)[\s.…]*\bp\.?\s*(?P<page>\d+)\s*$", re.IGNORECASE)
_CHAPTER = re.compile(r"^(?P<number>\d+)\s*[.)]\s*(?P<title>.+)$")
_FAMILY_CHAPTER = re.compile(
    r"^fiches?\s+(?:d['’]\s*)?emplois?[\s-]*types?\s+(?:de\s+la\s+|des\s+|du\s+)?"
    r"famille\s*:?\s*(?P<family>.+)$",
    re.IGNORECASE,
)
_LEVEL_HEADER = re.compile(r"^\s*niveau\s*\d", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Chapter:
    number: int | None
    title: str
    page: int | None
    line: int


@dataclass(frozen=True)
class SommaireFamily:
    caps_label: str  # as written in the sommaire, often in capitals
    number: int | None
    line: int


@dataclass(frozen=True)
class SommaireEntry:
    name: str
    family: SommaireFamily
    page: int | None
    line: int


@dataclass(frozen=True)
class Sommaire:
    line: int | None  # the "Sommaire" heading, None when the document has none
    end: int  # index of the first line after the sommaire
    chapters: tuple[Chapter, ...]
    families: tuple[SommaireFamily, ...]
    entries: tuple[SommaireEntry, ...]


@dataclass(frozen=True)
class TableRow:
    appellation: str
    emploi_type: str
    sub_family: str | None
    family: str
    page: int | None
    line: int


def _split_page(text: str) -> tuple[str, int | None]:
    match = _PAGE.match(text)
    if not match or not match.group("body").strip():
        return text.rstrip(" .…"), None
    return match.group("body").strip().rstrip(" .…"), int(match.group("page"))


def find_title(lines: list[str], before: int) -> tuple[str, int] | None:
    """The first non-blank line before the sommaire (or before ``before``)."""
    for index in range(min(before, len(lines))):
        text = clean_line(lines[index])
        if text:
            return text, index + 1
    return None


def parse_sommaire(lines: list[str]) -> Sommaire:
    """Chapters, family chapters and their bullet entries, in document order."""
    start = next((i for i, raw in enumerate(lines) if normalise(clean_line(raw)) == "sommaire"), None)
    if start is None:
        return Sommaire(None, 0, (), (), ())
    chapters: list[Chapter] = []
    families: list[SommaireFamily] = []
    entries: list[SommaireEntry] = []
    family: SommaireFamily | None = None
    end = start + 1
    last_number = 0
    for index in range(start + 1, len(lines)):
        text = clean_line(lines[index])
        if not text:
            continue
        body, bullet = strip_bullet(text)
        if bullet:  # an entry; only those under a family chapter are emploi-types
            name, page = _split_page(body)
            if name and family is not None:
                entries.append(SommaireEntry(name, family, page, index + 1))
            end = index + 1
            continue
        chapter = _CHAPTER.match(text)
        number = int(chapter.group("number")) if chapter else None
        title, page = _split_page(chapter.group("title") if chapter else text)
        if (number is None and page is None) or (number is not None and number <= last_number):
            break  # neither a chapter nor an entry, or the numbering restarts: the body begins
        last_number = number or last_number
        chapters.append(Chapter(number, title, page, index + 1))
        fam = _FAMILY_CHAPTER.match(title)
        family = SommaireFamily(fam.group("family").strip(), number, index + 1) if fam else None
        if family is not None:
            families.append(family)
        end = index + 1
    return Sommaire(start + 1, end, tuple(chapters), tuple(families), tuple(entries))


def _level_table(header: str, row: str) -> str:
    """A lost "levels" table (header cells + one HTML-ish row) as "Niveau n … : text" lines."""
    titles = [clean_line(cell) for cell in header.split("\t") if cell.strip()]
    cells = [cell for cell in row.split("\t") if cell.strip()]
    out = []
    for position, cell in enumerate(cells):
        text = _TAG.sub(" ", cell)
        parts = [clean_line(part) for part in text.split("▪")]
        text = "; ".join(part for part in parts if part)
        text = re.sub(r"(?<=[a-zà-ÿ)])\.(?=[A-ZÀ-Ý])", ". ", text)  # "poste.Traiter" → "poste. Traiter"
        text = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý][a-zà-ÿ])", "; ", text)  # "équipesFaciliter"
        title = titles[position] if position < len(titles) else f"Niveau {position + 1}"
        out.append(f"{title} : {text}")
    return "\n".join(out)


def _is_term(text: str, expecting_definition: bool) -> bool:
    if text.endswith(":") and text.count(":") == 1 and len(text) <= 80:
        return True
    if expecting_definition or ":" in text or text.startswith("<"):
        return False
    return len(text.split()) <= 6 and len(text) <= 60 and text[0].isupper() and text[-1] not in ".;,!?"


def _is_table_header(raw: str) -> bool:
    cells = [normalise(cell) for cell in raw.split("\t")]
    return (
        len(cells) >= 3
        and any(cell.startswith("appellation") for cell in cells)
        and any("emploi" in cell for cell in cells)
        and any("famille" in cell for cell in cells)
    )


def _glossary_stop(raw: str, text: str, later_titles: list[str]) -> bool:
    """True at the first line of the chapter that follows the glossary (template headings)."""
    if heading_name(raw) is not None or _is_table_header(raw):
        return True
    if text.endswith(":"):  # glossary terms end with a colon, chapter headings do not
        return False
    key = normalise(text)
    if key in ("appellations courantes", "nomenclature des emplois"):
        return True
    for title in later_titles:
        if key.startswith(title) or (len(key.split()) >= 2 and key in title):
            return True
    return False


def parse_glossary(lines: list[str], sommaire: Sommaire) -> list[tuple[str, str, int]]:
    """(term, definition, line) for each glossary term; definitions' paragraphs joined by a blank line."""
    start = next((i for i in range(sommaire.end, len(lines)) if normalise(clean_line(lines[i])) == "glossaire"), None)
    if start is None:
        return []
    glossary_rank = next(
        (k for k, c in enumerate(sommaire.chapters) if normalise(c.title) == "glossaire"),
        len(sommaire.chapters),
    )
    later = [normalise(c.title) for c in sommaire.chapters[glossary_rank + 1 :]]
    later = [title for title in later if title]
    entries: list[tuple[str, list[str], int]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and entries:
            entries[-1][1].append(" ".join(paragraph))
        paragraph.clear()

    index = start + 1
    while index < len(lines):
        raw = lines[index]
        text = clean_line(raw)
        if not text:
            flush()
            index += 1
            continue
        if _glossary_stop(raw, text, later):
            break
        if _LEVEL_HEADER.match(raw) and "\t" in raw and index + 1 < len(lines) and "<" in lines[index + 1]:
            flush()
            if entries:
                entries[-1][1].append(_level_table(raw, lines[index + 1]))
            index += 2
            continue
        expecting = bool(entries) and not entries[-1][1] and not paragraph
        if not paragraph and _is_term(text, expecting):
            entries.append((text.rstrip(" :").strip(), [], index + 1))
        elif entries:
            paragraph.append(_TAG.sub(" ", text).strip())
        index += 1
    flush()
    return [(term, "\n\n".join(parts), line) for term, parts, line in entries]


def parse_table(lines: list[str], begin: int) -> tuple[list[TableRow], int | None, int]:
    """Rows of the appellations table, the header line (or None) and the index after the table."""
    header = next((i for i in range(begin, len(lines)) if _is_table_header(lines[i])), None)
    if header is None:
        return [], None, begin
    names = [normalise(cell) for cell in lines[header].split("\t")]

    def column(test) -> int | None:
        return next((k for k, name in enumerate(names) if test(name)), None)

    col_app = column(lambda n: n.startswith("appellation"))
    col_emploi = column(lambda n: "emploi" in n)
    col_sub = column(lambda n: "sous famille" in n)
    col_family = column(lambda n: "famille" in n and "sous" not in n)
    col_page = column(lambda n: n.startswith("page"))
    rows: list[TableRow] = []
    end = header + 1
    for index in range(header + 1, len(lines)):
        raw = lines[index]
        if not clean_line(raw):
            continue
        if "\t" not in raw:
            break
        if _is_table_header(raw):  # the header repeated on the next page
            continue
        cells = [clean_line(cell) for cell in raw.split("\t")]
        cells += [""] * (len(names) - len(cells))

        def cell(col: int | None, cells: list[str] = cells) -> str:
            return cells[col] if col is not None and col < len(cells) else ""

        page = cell(col_page)
        rows.append(
            TableRow(
                appellation=cell(col_app),
                emploi_type=cell(col_emploi),
                sub_family=cell(col_sub) or None,
                family=cell(col_family),
                page=int(page) if page.isdigit() else None,
                line=index + 1,
            )
        )
        end = index + 1
    return rows, header + 1, end
