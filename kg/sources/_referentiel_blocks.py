"""Emploi-type blocks of a référentiel: boundaries and sections (private helper of ``referentiel``).

A block normally starts at "Emploi Type : <name>", but PDF extraction loses some headings and
repeats others as page headers; boundaries are therefore recovered from the section order
(a block-opening section seen again means a new block), never from names or line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import FicheParseError
from kg.sources._referentiel_text import clean_line, heading_name, normalise, strip_bullet
from kg.sources.common import RomeAbsence, RomeCode

# Section ids in template order; the rank tells when a block-opening section starts a new block.
_SECTION_NAMES = {
    "other": ("autres appellations",),
    "main": ("activites principales",),
    "specific": ("activites specifiques", "activites secondaires"),
    "description": ("description synthetique", "description"),
    "savoir_faire": ("savoir faire", "savoir faire techniques"),
    "connaissances": ("connaissances",),
    "qualites": ("qualites requises",),
    "variability": ("variabilite de l emploi", "variabilite"),
    "conditions": ("conditions d exercice",),
    "prerequisite": ("pre requis d acces a l emploi", "prerequis d acces a l emploi", "pre requis"),
    "formations": ("formations", "formation"),
    "career": ("parcours dans l emploi",),
    "passerelles": ("passerelles", "aire de mobilite"),
    "rome": ("code s rome", "codes rome", "code rome"),
}
_SECTION_OF = {name: sid for sid, names in _SECTION_NAMES.items() for name in names}
RANK = {sid: rank for rank, sid in enumerate(_SECTION_NAMES)}
_OPENING = {"other", "main"}
_APPELLATION_SUBS = {"appellations courantes": "other", "appellations en anglais": "english"}
_ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
_CODE_SHAPED = re.compile(r"^[A-Za-z]{1,2}\s?\d+[A-Za-z0-9]*$")
_CONNECTORS = frozenset("de des du d la le les et ou en a à au aux pour sur avec".split())

Content = list[tuple[str, int]]  # (cleaned text, "" for a blank line; 1-based line)


@dataclass(frozen=True)
class Line:
    text: str
    line: int


@dataclass
class RawBlock:
    """Where a block is, before it is named: its own heading, page-header hints, sections."""

    start: int  # 0-based index of the first line
    heading: str | None
    end: int = 0
    hints: list[str] = field(default_factory=list)
    sections: list[tuple[str, int, bool]] = field(default_factory=list)  # (id, index, header is content)
    skip: set[int] = field(default_factory=set)

    @property
    def max_rank(self) -> int:
        return max((RANK[sid] for sid, _, _ in self.sections), default=-1)

    @property
    def closed(self) -> bool:
        return any(sid == "rome" for sid, _, _ in self.sections)

    @property
    def line(self) -> int:
        return self.start + 1


@dataclass
class BlockFields:
    other: list[Line] = field(default_factory=list)
    english: list[Line] = field(default_factory=list)
    main: list[Line] = field(default_factory=list)
    specific: list[Line] = field(default_factory=list)
    description: Line | None = None
    savoir_faire: list[Line] = field(default_factory=list)
    connaissances: list[Line] = field(default_factory=list)
    variability: list[tuple[str, str, int]] = field(default_factory=list)
    external: Line | None = None
    internal: Line | None = None
    workplace: Line | None = None
    prerequisite: Line | None = None
    formations: list[Line] = field(default_factory=list)
    certifications: list[Line] = field(default_factory=list)
    career: Line | None = None
    origins: list[Line] = field(default_factory=list)
    evolutions: list[Line] = field(default_factory=list)
    rome_codes: list[RomeCode] = field(default_factory=list)
    rome_absence: RomeAbsence | None = None
    truncated: bool = False


def section_of(text: str, current: str | None) -> tuple[str, bool] | None:
    """(section id, header-is-content) when ``text`` is a section header, else None."""
    key = normalise(text)
    if key in _APPELLATION_SUBS and current != "other":
        return "other", True  # the "Autres appellations" header itself was lost
    sid = _SECTION_OF.get(key)
    return (sid, False) if sid else None


def _next_section(lines: list[str], begin: int, end: int) -> str | None:
    for index in range(begin, end):
        text = clean_line(lines[index])
        if text:
            found = section_of(text, None)
            return found[0] if found else None
    return None


def segment(lines: list[str], begin: int, end: int) -> list[RawBlock]:
    """Split lines[begin:end] into blocks (see module docstring)."""
    blocks: list[RawBlock] = []
    current: RawBlock | None = None
    section: str | None = None
    for index in range(begin, end):
        text = clean_line(lines[index])
        if not text:
            continue
        name = heading_name(lines[index])
        if name is not None:
            following = _next_section(lines, index + 1, end)
            # Inside an open block and not followed by an opening section: a page header that
            # repeats the emploi-type (even when spelt differently), not a new block.
            if current is not None and not current.closed and following not in _OPENING:
                current.hints.append(name)
                current.skip.add(index)
                continue
            current = RawBlock(index, name)
            blocks.append(current)
            section = None
            continue
        found = section_of(text, section)
        if found is None:
            continue
        sid, header_is_content = found
        if header_is_content:  # a lone "Appellations … :" only opens a block after a complete one
            opens = current is None or current.closed
        else:
            opens = sid in _OPENING and (current is None or current.max_rank >= RANK[sid])
        if opens:
            current = RawBlock(index, None)  # the "Emploi Type :" heading was lost
            blocks.append(current)
        if current is not None:
            current.sections.append((sid, index, header_is_content))
            section = sid
    for position, block in enumerate(blocks):
        block.end = blocks[position + 1].start if position + 1 < len(blocks) else end
    return blocks


def _content(lines: list[str], block: RawBlock, begin: int, end: int) -> Content:
    out: Content = []
    for index in range(begin, end):
        if index in block.skip or heading_name(lines[index]) is not None:
            continue
        out.append((clean_line(lines[index]), index + 1))
    return out


def _split(content: Content, subs: dict[str, str], default: str) -> dict[str, Content]:
    """Cut a section at its sub-headers (normalised text → key); lines before go to ``default``."""
    parts: dict[str, Content] = {default: []}
    key = default
    for text, line in content:
        sub = subs.get(re.sub(r"^\d+ ", "", normalise(text)))
        if sub is not None:
            key = sub
            parts.setdefault(key, [])
            continue
        parts[key].append((text, line))
    return parts


def items(content: Content) -> list[Line]:
    """Bullets and paragraphs; an unbulleted lower-case line right after an item continues it."""
    out: list[Line] = []
    previous_blank = True
    for text, line in content:
        if not text:
            previous_blank = True
            continue
        body, bullet = strip_bullet(text)
        if not body:
            continue
        if out and not bullet and not previous_blank and body[0].islower():
            out[-1] = Line(f"{out[-1].text} {body}", out[-1].line)
        else:
            out.append(Line(body, line))
        previous_blank = False
    return out


def _joined(content: Content, separator: str) -> Line | None:
    found = items(content)
    return Line(separator.join(item.text for item in found), found[0].line) if found else None


def _variability(content: Content) -> list[tuple[str, str, int]]:
    out: list[tuple[str, list[str], int]] = []
    for item in items(content):
        raw = next(text for text, line in content if line == item.line)
        aspect = raw.startswith(("◆", "◇", "•", "▪")) and len(item.text.split()) <= 6
        if aspect and not item.text.endswith("."):
            out.append((item.text, [], item.line))
        elif out:
            out[-1][1].append(item.text)
        else:
            out.append(("", [item.text], item.line))
    return [(aspect, "\n\n".join(texts), line) for aspect, texts, line in out]


def _relations(content: Content, fields: BlockFields) -> None:
    for item in items(content):
        match = re.match(r"^(externes?|internes?)\s*:?\s*(.*)$", item.text, re.IGNORECASE)
        if match and match.group(2).strip():
            value = Line(match.group(2).strip(), item.line)
            if match.group(1).lower().startswith("ext"):
                fields.external = value
            else:
                fields.internal = value


def passerelle_labels(content: Content) -> list[Line]:
    """One label per line, except lines that visibly continue the previous one (PDF wrapping)."""
    labels: list[Line] = []
    previous_blank = True
    for text, line in content:
        if not text:
            previous_blank = True
            continue
        body = strip_bullet(text)[0]
        if not body:
            continue
        last = labels[-1].text if labels else ""
        words = last.split()
        open_end = last.endswith(":") or bool(re.search(r"\w-$", last))
        wraps = not previous_blank and (words and words[-1].lower() in _CONNECTORS or body[0].islower())
        if labels and (open_end or wraps):
            glue = "" if re.search(r"\w-$", last) else " "
            labels[-1] = Line(f"{last}{glue}{body}", labels[-1].line)
        else:
            labels.append(Line(body, line))
        previous_blank = False
    return [Line(label.text.rstrip(" /"), label.line) for label in labels if label.text.rstrip(" /")]


def _rome(content: Content, fields: BlockFields, path: Path, name: str, open_last_line: int | None) -> None:
    for text, line in content:
        body = strip_bullet(text)[0]
        if not body:
            continue
        body = re.sub(r"\b([A-Za-z])\s+(\d{4})\b", r"\1\2", body)  # "M 1806" → "M1806"
        tokens = [t for t in re.split(r"[\s,;/:()]+", body) if t]
        if tokens and _CODE_SHAPED.match(tokens[0]):
            for token in (t for t in tokens if _CODE_SHAPED.match(t)):  # words after a code are its label
                code = token.upper()
                if _ROME_CODE.match(code):
                    fields.rome_codes.append(RomeCode(code, line))
                elif line == open_last_line and re.fullmatch(r"[A-Za-z]\d{0,3}", token):
                    fields.truncated = True  # the document stops in the middle of the code
                else:
                    raise FicheParseError(
                        path,
                        f"invalid ROME code {token!r} for emploi-type {name!r} "
                        "(expected a letter A-N followed by 4 digits, e.g. M1806)",
                        line,
                    )
        elif fields.rome_absence is None:
            fields.rome_absence = RomeAbsence(body, line)
        else:
            previous = fields.rome_absence
            fields.rome_absence = RomeAbsence(f"{previous.reason} {body}", previous.line)


def _sections(lines: list[str], block: RawBlock) -> list[tuple[str, Content]]:
    bounds = block.sections
    out = []
    for position, (sid, index, own) in enumerate(bounds):
        stop = bounds[position + 1][1] if position + 1 < len(bounds) else block.end
        out.append((sid, _content(lines, block, index if own else index + 1, stop)))
    return out


def block_appellations(lines: list[str], block: RawBlock) -> list[str]:
    """The block's own appellations (French and English), to cross-check a lost heading."""
    found: list[str] = []
    for sid, content in _sections(lines, block):
        if sid == "other":
            parts = _split(content, _APPELLATION_SUBS, "other")
            found += [item.text for part in parts.values() for item in items(part)]
    return found


def parse_block(lines: list[str], block: RawBlock, path: Path, name: str, open_last_line: int | None) -> BlockFields:
    """The fields of one block; ``open_last_line`` is the document's unterminated last line."""
    fields = BlockFields()
    for sid, content in _sections(lines, block):
        if sid == "other":
            parts = _split(content, _APPELLATION_SUBS, "other")
            fields.other += items(parts["other"])
            fields.english += items(parts.get("english", []))
        elif sid in ("main", "specific", "savoir_faire", "connaissances"):
            getattr(fields, sid).extend(items(content))
        elif sid == "description":
            fields.description = _joined(content, "\n\n")
        elif sid == "variability":
            fields.variability += _variability(content)
        elif sid == "conditions":
            subs = {
                "liaisons relations": "links",
                "liaison relation": "links",
                "lieu x de travail": "place",
                "lieux de travail": "place",
                "lieu de travail": "place",
            }
            parts = _split(content, subs, "links")
            _relations(parts["links"], fields)
            fields.workplace = _joined(parts.get("place", []), "\n")
        elif sid == "prerequisite":
            fields.prerequisite = _joined(content, "\n")
        elif sid == "formations":
            subs = {
                "principales formations": "main",
                "formations principales": "main",
                "certifications": "cert",
            }
            parts = _split(content, subs, "main")
            fields.formations += items(parts["main"])
            fields.certifications += items(parts.get("cert", []))
        elif sid == "career":
            fields.career = _joined(content, "\n")
        elif sid == "passerelles":
            parts = _split(content, {"origines possibles": "origins", "evolutions possibles": "evolutions"}, "origins")
            fields.origins += passerelle_labels(parts["origins"])
            fields.evolutions += passerelle_labels(parts.get("evolutions", []))
        elif sid == "rome":
            _rome(content, fields, path, name, open_last_line)
    if not block.closed or (not fields.rome_codes and fields.rome_absence is None):
        fields.truncated = True
    if fields.truncated:
        fields.rome_codes, fields.rome_absence = [], None
    return fields


_BAC = re.compile(r"\bbac\b(?:\s*\+\s*(\d+))?", re.IGNORECASE)
_YEARS = r"(?:ans|années|annees|an)\b"
_RANGE = re.compile(rf"(\d+)\s*(?:à|a|-|–|et)\s*(\d+)\s*{_YEARS}", re.IGNORECASE)
_AT_LEAST = re.compile(rf"(?:au moins|au minimum|minimum|plus de)\s*(?:de\s*)?(\d+)\s*{_YEARS}", re.IGNORECASE)
_ONE = re.compile(rf"(\d+)\s*{_YEARS}", re.IGNORECASE)


def prerequisite_figures(text: str) -> tuple[str | None, int | None, int | None, int | None]:
    """(level, years after the bac, min and max years of experience) read from the prose.

    The lowest level wins ("Bac à Bac+2" → "Bac"); years count only when the text speaks of
    experience, "au moins N ans" has no maximum and a single "environ N ans" is both bounds.
    """
    values = [int(m.group(1)) if m.group(1) else 0 for m in _BAC.finditer(text)]
    level = years = None
    if values:
        years = min(values)
        level = "Bac" if years == 0 else f"Bac+{years}"
    low = high = None
    folded = normalise(text)
    if "experien" in folded or "experiment" in folded:  # expérience, expérimenté(e)s
        if match := _RANGE.search(text):
            low, high = sorted((int(match.group(1)), int(match.group(2))))
        elif match := _AT_LEAST.search(text):
            low = int(match.group(1))
        elif match := _ONE.search(text):
            low = high = int(match.group(1))
    return level, years, low, high


def ends_early(lines: list[str], block: RawBlock) -> bool:
    """True when the block has no "Code(s) ROME" section or nothing under it (a cut document)."""
    for sid, content in _sections(lines, block):
        if sid == "rome" and any(strip_bullet(text)[0] for text, _ in content):
            return False
    return True
