"""Parser for free-text testimonies (an article with footnoted glossary terms).

Text → frozen dataclasses, no RDF. Character offsets are code-point offsets into the
document text as read by :func:`kg.sources.common.read_source` (UTF-8 decoded, newlines
normalised to ``\\n``), so ``text[start:end] == mention.text`` always holds.

Layout understood, every part optional except the body: a title (``# Title``, a setext
title, or a short first line without final period), body paragraphs, footnotes
``[n] TERM: definition``, an author line (2–4 capitalised words) with its affiliation, and
a trailing "En savoir +" block of related readings. A marker ``TERM[n]`` without footnote is
an error; a footnote that the body never references is kept silently (it still defines a
term of the article's glossary). Mentions are found in body paragraphs only, from generic
French patterns (never from names of a particular document); glossary terms win over the
other kinds when they overlap, otherwise the longest span wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.core.errors import FicheParseError
from kg.sources._testimony_mentions import find_mentions
from kg.sources.common import Source


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class GlossaryTerm:
    """A footnote ``[n] TERM: definition``."""

    marker: int
    term: str
    definition: str
    line: int


@dataclass(frozen=True)
class Mention:
    """A span of the text naming an occupation, organisation, diploma or glossary term."""

    kind: str  # "occupation" | "organisation" | "diploma" | "term"
    text: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None
    line: int


@dataclass(frozen=True)
class Testimony:
    source: Source
    title: str  # the document's own title, or one derived from it (see title_derived)
    title_derived: bool
    text: str  # the whole normalised text, which offsets refer to
    paragraphs: tuple[Paragraph, ...]
    glossary: tuple[GlossaryTerm, ...]
    author: Author | None
    mentions: tuple[Mention, ...]
    related: tuple[str, ...]  # "En savoir +" links, as labels


# --- layout ----------------------------------------------------------------------------------

_FOOTNOTE = re.compile(r"^\[(?P<marker>\d{1,3})\][ \t]*(?P<body>\S.*)$")
_GLOSSARY_ENTRY = re.compile(r"^(?P<term>[^:]{1,60}?)\s*:\s*(?P<definition>\S.*)$")
_MARKER_USE = re.compile(r"\[(?P<marker>\d{1,3})\]")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>\S.*?)(?:[ \t]+#+)?$")
_UNDERLINE = re.compile(r"^(?:=+|-{3,})$")
_BULLET = re.compile(r"^[-*•–][ \t]+")
_RELATED_HEADER = re.compile(
    r"^(?:pour\s+)?(?:en\s+savoir\s+(?:\+|plus)|voir\s+aussi|(?:à|a)\s+lire\s+aussi|lire\s+aussi"
    r"|pour\s+aller\s+plus\s+loin|liens\s+utiles|sur\s+le\s+même\s+sujet)\s*:?$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.-]*$")
_NAME_PARTICLES = {"de", "du", "des", "d'", "d’", "van", "von", "der", "den", "le", "la", "di", "da", "del"}
_HONORIFICS = {"dr", "dr.", "pr", "pr.", "me", "mme", "m.", "docteur", "professeur"}
_SENTENCE_END = re.compile(r"[.!?…][\"»”)\]]*$")


_FIRST_PERSON = re.compile(r"(?<![\w'’])(?:je|j['’]|me|m['’]|moi|mon|ma|mes|nous|notre|nos)(?![\w'’])", re.IGNORECASE)
_RECORD_FIELD = re.compile(r"^[ \t]*\*\*[^*\n]{1,60}?(?::[ \t]*\*\*|\*\*[ \t]*:)", re.M)


def looks_like(text: str) -> bool:
    """A testimony's shape: a first-person account in prose, not a record with ``**Field:**`` lines.

    Prose alone is not enough (a fiche of an unknown kind is prose too, and must be refused
    as such rather than read as an article): the text must speak in the first person.
    """
    if len(_RECORD_FIELD.findall(text)) >= 2 or len(_FIRST_PERSON.findall(text)) < 3:
        return False
    return _is_prose_text(text)


def _is_prose_text(text: str) -> bool:
    """Prose: most of the text sits in blocks of sentences (not tables, code or a few words)."""
    blocks, current = [], []
    for raw in text.split("\n"):
        if raw.strip():
            current.append(raw.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    total = sum(len(line) for block in blocks for line in block)
    prose_chars = prose_words = 0
    for block in blocks:
        joined = " ".join(block)
        if _is_prose(joined, len(block)):
            prose_chars += len(joined)
            prose_words += len(joined.split())
    return total > 0 and prose_words >= 40 and prose_chars >= 0.6 * total


def _is_prose(block: str, lines: int) -> bool:
    words = block.split()
    visible = [c for c in block if not c.isspace()]
    if len(words) < 8 or len(words) / lines < 5:
        return False
    letters = sum(c.isalpha() for c in visible) / len(visible)
    code = sum(c in "{}<>=;|\\$@`^~_" for c in visible) / len(visible)
    glued = len(re.findall(r"(?<!\d),(?=\S)|,(?=[^\d\s])|;(?=\S)|\t", block)) / len(words)
    sentences = len(re.findall(r"\w[\w)»”\]]*[.!?…](?:\s|$)", block))
    return letters >= 0.7 and code < 0.02 and glued < 0.05 and sentences >= 1


def parse_text(text: str, source: Source) -> Testimony:
    """Parse an article; FicheParseError (path, line) when it has no body or a dangling marker."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    kinds: list[str | None] = [None if line.strip() else "blank" for line in lines]

    title, title_line = _find_title(lines, kinds)
    related = _find_related(lines, kinds)
    glossary = _find_footnotes(lines, kinds, source)
    author = _find_author(lines, kinds)
    paragraphs = _paragraphs(text, lines, starts, kinds)
    if not paragraphs:
        raise FicheParseError(
            source.path, "testimony has no body paragraph (only title, notes or links)", title_line or 1
        )
    defined = {entry[0] for entry in glossary}
    for paragraph in paragraphs:
        for use in _MARKER_USE.finditer(paragraph.text):
            if int(use.group("marker")) not in defined:
                marker_line = paragraph.line + paragraph.text.count("\n", 0, use.start())
                raise FicheParseError(
                    source.path,
                    f"footnote marker [{use.group('marker')}] is used but no footnote "
                    f"'[{use.group('marker')}] TERM: definition' defines it",
                    marker_line,
                )
    terms = tuple(GlossaryTerm(*entry) for entry in glossary if entry[1] is not None)
    found = find_mentions([(p.text, p.start) for p in paragraphs], [t.term for t in terms], starts)
    mentions = [Mention(*mention) for mention in found]
    derived = title is None
    if title is None:
        title = f"Témoignage de {author.name}" if author else _first_words(paragraphs[0].text)
    return Testimony(
        source=source,
        title=title,
        title_derived=derived,
        text=text,
        paragraphs=tuple(paragraphs),
        glossary=terms,
        author=author,
        mentions=tuple(mentions),
        related=tuple(related),
    )


def _find_title(lines: list[str], kinds: list[str | None]) -> tuple[str | None, int | None]:
    """``# Title``, a setext title, or a short first line without final period set apart from the body."""
    free = [i for i, kind in enumerate(kinds) if kind is None]
    if len(free) < 2:
        return None, None
    first, second = free[0], free[1]
    line, after = lines[first].strip(), lines[second].strip()
    heading = _MD_HEADING.match(line)
    if heading:
        kinds[first] = "title"
        return " ".join(heading.group("title").split()), first + 1
    words = line.split()
    if (
        len(words) > 15
        or len(line) > 150
        or line[-1] in ".,;:"
        or line[0].islower()
        or _is_byline(line)
        or _FOOTNOTE.match(line)
        or _RELATED_HEADER.match(line)
        or _BULLET.match(line)
    ):
        return None, None
    if _UNDERLINE.match(after):
        kinds[second] = "title"
    elif second == first + 1 and after[:1].islower():
        return None, None  # the first line of a hard-wrapped paragraph
    kinds[first] = "title"
    return " ".join(words), first + 1


def _find_related(lines: list[str], kinds: list[str | None]) -> list[str]:
    """The labels after an "En savoir +" header (footnotes there still count as footnotes)."""
    headers = (i for i, kind in enumerate(kinds) if kind is None and _RELATED_HEADER.match(lines[i].strip()))
    header = next(headers, None)
    if header is None:
        return []
    kinds[header] = "related"
    labels = []
    for i in range(header + 1, len(lines)):
        if kinds[i] is None and not _FOOTNOTE.match(lines[i].strip()):
            kinds[i] = "related"
            labels.append(" ".join(_BULLET.sub("", lines[i].strip()).split()))
    return labels


def _find_footnotes(lines: list[str], kinds: list[str | None], source: Source) -> list[tuple]:
    """(marker, term or None, definition, line) per footnote; a footnote without 'TERM:' has no term."""
    notes: dict[int, tuple] = {}
    for i, line in enumerate(lines):
        match = _FOOTNOTE.match(line.strip()) if kinds[i] is None else None
        if match is None:
            continue
        kinds[i] = "footnote"
        marker = int(match.group("marker"))
        if marker in notes:
            raise FicheParseError(
                source.path, f"footnote [{marker}] is defined twice (first at line {notes[marker][3]})", i + 1
            )
        entry = _GLOSSARY_ENTRY.match(match.group("body"))
        term = entry and " ".join(entry.group("term").strip("*_ ").split())
        if entry and term and len(term.split()) <= 6:
            notes[marker] = (marker, term, " ".join(entry.group("definition").split()), i + 1)
        else:
            notes[marker] = (marker, None, " ".join(match.group("body").split()), i + 1)
    return sorted(notes.values())


def _is_name(line: str) -> bool:
    words = line.split()
    if words and words[0].casefold() == "par":
        words = words[1:]
    if words and words[0].casefold() in _HONORIFICS:
        words = words[1:]
    capitals = [w for w in words if _NAME_WORD.match(w) and not any(c.isdigit() for c in w)]
    return (
        2 <= len(capitals) <= 4
        and bool(words)
        and words[0] in capitals
        and words[-1] in capitals
        and all(w in capitals or w.casefold() in _NAME_PARTICLES for w in words)
        and not _SENTENCE_END.search(line)
        and not _RELATED_HEADER.match(line)
    )


def _is_byline(line: str) -> bool:
    return line[:4].casefold() == "par " and _is_name(line)


def _is_affiliation(line: str) -> bool:
    words = line.split()
    return len(words) <= 30 and not (len(words) >= 12 and line.rstrip().endswith("."))


def _find_author(lines: list[str], kinds: list[str | None]) -> Author | None:
    """A name line among the last free lines, the 0–2 lines after it being its affiliation;
    else a "Par Prénom NOM" byline at the top."""
    free = [i for i, kind in enumerate(kinds) if kind is None and not _MD_HEADING.match(lines[i].strip())]
    name, affiliation = None, []
    for back in (2, 3, 1):
        if len(free) > back and _is_name(lines[free[-back]].strip()):
            if all(_is_affiliation(lines[i]) for i in free[len(free) - back + 1 :]):
                name, affiliation = free[-back], free[len(free) - back + 1 :]
                break
    if name is None and len(free) >= 2 and _is_byline(lines[free[0]].strip()):
        name = free[0]
    if name is None:
        return None
    kinds[name] = "author"
    for i in affiliation:
        kinds[i] = "affiliation"
    text = re.sub(r"^[Pp]ar\s+", "", " ".join(lines[name].split()))
    joined = ", ".join(" ".join(lines[i].split()) for i in affiliation)
    return Author(text, joined or None, name + 1)


def _paragraphs(text: str, lines: list[str], starts: list[int], kinds: list[str | None]) -> list[Paragraph]:
    """Blank-line blocks when the text is hard-wrapped, else one paragraph per line (joined when
    a line stops mid-sentence and the next one starts in lower case). Headings and rules are skipped."""
    body = [
        i
        for i, kind in enumerate(kinds)
        if kind is None and not _MD_HEADING.match(lines[i].strip()) and any(c.isalnum() for c in lines[i])
    ]
    groups: list[list[int]] = []
    for i in body:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    wrapped = len(groups) > 1 and any(len(g) > 1 for g in groups) and max(len(lines[i]) for i in body) <= 100
    if not wrapped:
        split: list[list[int]] = []
        for group in groups:
            for i in group:
                previous = lines[split[-1][-1]].strip() if split and split[-1][-1] == i - 1 else None
                current = lines[i].strip()
                if previous is not None and not _SENTENCE_END.search(previous) and current[:1].islower():
                    split[-1].append(i)
                else:
                    split.append([i])
        groups = split
    paragraphs = []
    for group in groups:
        start = starts[group[0]] + len(lines[group[0]]) - len(lines[group[0]].lstrip())
        end = starts[group[-1]] + len(lines[group[-1]].rstrip())
        paragraphs.append(Paragraph(text[start:end], group[0] + 1, start, end))
    return paragraphs


def _first_words(text: str, count: int = 8) -> str:
    words = _MARKER_USE.sub("", text).split()
    title = " ".join(words[:count]).rstrip(",;:.–-—( ")
    return (title + ("…" if len(words) > count else "")) or "Témoignage sans titre"
