"""Parser for ONISEP-style fiches métiers (Markdown-like text with ``**ID:** MET.n``).

Text → frozen dataclasses, no RDF. Every field keeps the line it was read from so that
SHACL violations can point back at the source.
"""

from __future__ import annotations

import re

from kg.sources._onisep_fields import AccessLevel, GenderedLabel, Salary
from kg.sources._onisep_reader import ROME_NOT_GIVEN, Reader
from kg.sources._onisep_types import Fiche, Formation, LabelledItem, OtherAppellation, Section
from kg.sources.common import Source

__all__ = [
    "AccessLevel",
    "Fiche",
    "Formation",
    "GenderedLabel",
    "LabelledItem",
    "OtherAppellation",
    "ROME_NOT_GIVEN",
    "Salary",
    "Section",
    "looks_like",
    "parse_text",
]


# Detection: a `# title` line plus at least two of these markers (or a valid ID line alone).
_LOOKS_ID = re.compile(r"^[ \t]*\*\*[ \t]*ID[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)[ \t]*MET\.\d+[ \t]*$", re.M)
_LOOKS_TITLE = re.compile(r"^[ \t]*#[ \t]+\S", re.M)
_LOOKS_MARKERS = tuple(
    re.compile(pattern, re.M | re.IGNORECASE)
    for pattern in (
        r"^[ \t]*\*\*[ \t]*ID[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Appellations[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Codes? ROME[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*#{2,}[ \t]*Formations recommandées[ \t]*$",
        r"^[ \t]*\*\*[ \t]*Niveau d['’]accès minimum[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
        r"^[ \t]*\*\*[ \t]*Statuts possibles[ \t]*(?::[ \t]*\*\*|\*\*[ \t]*:)",
    )
)


def looks_like(text: str) -> bool:
    """True when the text is an ONISEP-style fiche (decided from content, never the file name).

    A fiche that lost its ID line is still recognised from its other markers, so that the
    user gets "missing fiche ID" rather than "unknown document kind".
    """
    if _LOOKS_ID.search(text):
        return True
    return bool(_LOOKS_TITLE.search(text)) and sum(bool(m.search(text)) for m in _LOOKS_MARKERS) >= 2


def parse_text(text: str, source: Source) -> Fiche:
    """Parse the whole text of a fiche; raise FicheParseError (with path and line) when malformed."""
    return Reader(source).parse(text)
