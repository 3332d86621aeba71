"""The checks every field of a ROME export row passes: an error names the file and the row's line."""

from __future__ import annotations

import re
from collections.abc import Collection

from kg.core.errors import FicheParseError
from kg.sources._rome_files import ExportFile, Row

CODE = re.compile(r"^[0-9A-Za-z]+$")
FLAGS = {"O": True, "N": False, "": None, "oui": True, "non": False}


def fail(f: ExportFile, row: Row, message: str) -> FicheParseError:
    return FicheParseError(f.path, message, row.line)


def required(f: ExportFile, row: Row, column: str) -> str:
    value = row[column]
    if not value:
        raise fail(f, row, f"empty {column}")
    return value


def flag(f: ExportFile, row: Row, column: str) -> bool | None:
    try:
        return FLAGS[row[column]]
    except KeyError:
        raise fail(f, row, f"{column} is {row[column]!r}, expected O, N or empty") from None


def unique(f: ExportFile, row: Row, seen: set[str], code: str) -> None:
    """A defining code: once per file, and letters and digits only (it becomes part of an IRI)."""
    if not CODE.match(code):
        raise fail(f, row, f"code {code!r} is not made of letters and digits")
    if code in seen:
        raise fail(f, row, f"code {code} defined twice")
    seen.add(code)


def known(f: ExportFile, row: Row, column: str, codes: Collection[str], what: str) -> str:
    """A code that refers to another record: one of ``codes``."""
    value = required(f, row, column)
    if value not in codes:
        raise fail(f, row, f"{column} {value} is not a known {what}")
    return value


def integer(f: ExportFile, row: Row, column: str) -> int:
    value = row[column]
    if not value.isdigit():
        raise fail(f, row, f"{column} {value!r} is not a number")
    return int(value)
