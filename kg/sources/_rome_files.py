"""Reading France Travail's ROME open-data export: a folder or its zip → rows with their line numbers.

The export is a set of CSV files named ``unix_<name>_v<tag>_utf8.csv`` plus ``version.txt``.
Nothing here depends on one release: the files are found by their name pattern, the tag and
the version are read from the names and the version file, and the known defects of the export
kind (doubled apostrophes, a file written in cp1252, a file holding only its header) are
handled and *counted*, so that the mapping can say in the graph what was repaired.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kg.core.errors import FicheParseError, UnreadableSourceError

FILE_NAME = re.compile(r"^(?:unix_)?(?P<name>[a-z_]+?)_v(?P<tag>[0-9]+)_utf8\.csv$")
VERSION_FILE = "version.txt"
# France Travail's export writes this file in cp1252 despite its "_utf8" name (see PROVENANCE):
# it alone may fall back to cp1252 when it is not UTF-8; every other file must be UTF-8.
LEGACY_ENCODING = {"arborescence_secteur_naf": "cp1252"}
DOUBLED_APOSTROPHE = "''"


@dataclass(frozen=True)
class Row:
    """One CSV record: the physical line it starts on and its fields by column name."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass(frozen=True)
class ExportFile:
    name: str  # logical name, e.g. "referentiel_code_rome"
    member: str  # file name in the export
    path: Path  # for error messages: the export's path / member
    sha256: str
    encoding: str
    rows: tuple[Row, ...]
    repaired_apostrophes: int  # fields in which a doubled apostrophe was read as one


@dataclass(frozen=True)
class Version:
    tag: str  # from the file names, e.g. "460"
    number: str  # from version.txt, e.g. "60"
    release: str  # e.g. "4.60"
    published: str | None  # ISO dates
    validated: str | None
    title: str | None
    line: int


@dataclass
class Export:
    """An opened export: where it is, its members' bytes by logical name, its version."""

    path: Path
    members: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name → (member, bytes)
    version_text: tuple[str, bytes] | None = None

    def where(self, member: str) -> Path:
        return self.path / member

    def checksums(self) -> dict[str, str]:
        """sha256 of every member read, by member name (the export's content address)."""
        found = dict(self.members.values())
        if self.version_text is not None:
            found[self.version_text[0]] = self.version_text[1]
        return {member: hashlib.sha256(data).hexdigest() for member, data in sorted(found.items())}


def open_export(path: Path) -> Export:
    """Read every export file of a folder or a zip (flat, or inside one folder of the zip)."""
    path = Path(path)
    entries: dict[str, Callable[[], bytes]]
    if path.is_dir():
        entries = {p.name: p.read_bytes for p in sorted(path.iterdir()) if p.is_file()}
    elif path.is_file() and zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        entries = {
            Path(info.filename).name: partial(archive.read, info) for info in archive.infolist() if not info.is_dir()
        }
    elif path.exists():
        raise UnreadableSourceError(path, "not a ROME export: expected a folder or a zip of unix_*_utf8.csv files")
    else:
        raise UnreadableSourceError(path, "no such file or directory")
    export = Export(path)
    tags: dict[str, str] = {}
    for member, read in entries.items():
        match = FILE_NAME.match(member)
        if match:
            export.members[match["name"]] = (member, read())
            tags.setdefault(match["tag"], member)
        elif member == VERSION_FILE:
            export.version_text = (member, read())
    if not export.members:
        raise UnreadableSourceError(path, "no ROME export file (unix_<name>_v<version>_utf8.csv) found")
    if len(tags) > 1:
        first, other = sorted(tags.items())[:2]
        raise FicheParseError(export.where(other[1]), f"version v{other[0]} differs from v{first[0]} of {first[1]}", 1)
    return export


def read_version(export: Export) -> Version:
    """The release from the file names' tag (v460) and version.txt (Numero de version : 60)."""
    tag = _tag(export)
    if export.version_text is None:
        raise UnreadableSourceError(export.where(VERSION_FILE), "missing: the export's version file is needed")
    member, data = export.version_text
    text = _decode(export.where(member), data, "utf-8")
    fields: dict[str, tuple[str, int]] = {}
    for index, text_line in enumerate(text.splitlines(), start=1):
        key, sep, value = text_line.partition(":")
        if sep and value.strip():
            fields.setdefault(key.strip().lower(), (value.strip(), index))
    number, line = fields.get("numero de version", ("", 1))
    if not number.isdigit():
        raise FicheParseError(export.where(member), "no 'Numero de version : N' line", 1)
    if not tag.endswith(number) or tag == number:
        raise FicheParseError(export.where(member), f"says version {number} but the file names say v{tag}", line)
    return Version(
        tag=tag,
        number=number,
        release=f"{tag[: -len(number)]}.{number}",
        published=_iso_date(export, member, fields.get("date de publication")),
        validated=_iso_date(export, member, fields.get("date de validation")),
        title=fields.get("titre/commentaire", (None, 0))[0],
        line=line,
    )


def _tag(export: Export) -> str:
    """The version tag of the export's file names (open_export kept only the names that match, all one tag)."""
    match = FILE_NAME.match(next(iter(export.members.values()))[0])
    if match is None:
        raise ValueError("an export member whose name is not unix_<name>_v<tag>_utf8.csv")
    return match["tag"]


def _iso_date(export: Export, member: str, found: tuple[str, int] | None) -> str | None:
    if found is None:
        return None
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", found[0])
    if not match:
        raise FicheParseError(export.where(member), f"date {found[0]!r} is not DD/MM/YYYY", found[1])
    return f"{match[3]}-{match[2]}-{match[1]}"


def read_file(export: Export, name: str, columns: tuple[str, ...]) -> ExportFile:
    """The rows of one needed file, which must have at least ``columns`` and well-formed rows."""
    if name not in export.members:
        raise UnreadableSourceError(
            export.where(f"unix_{name}_v{_tag(export)}_utf8.csv"), "missing: this file of the ROME export is needed"
        )
    member, data = export.members[name]
    where = export.where(member)
    encoding = "utf-8"
    try:
        text = _decode(where, data, "utf-8")
    except UnreadableSourceError:
        if name not in LEGACY_ENCODING:
            raise
        encoding = LEGACY_ENCODING[name]
        text = data.decode(encoding, errors="strict")
    rows, repaired = _rows(where, text, columns)
    return ExportFile(
        name=name,
        member=member,
        path=where,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        rows=rows,
        repaired_apostrophes=repaired,
    )


def _decode(where: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableSourceError(
            where, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from None
    return text.removeprefix("\ufeff")


def _rows(where: Path, text: str, columns: tuple[str, ...]) -> tuple[tuple[Row, ...], int]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableSourceError(where, "file is empty (no header line)") from None
    except csv.Error as exc:
        raise FicheParseError(where, f"malformed CSV header: {exc}", 1) from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise FicheParseError(where, f"missing column(s) {', '.join(missing)} in the header", 1)
    rows, repaired, start = [], 0, reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FicheParseError(where, f"malformed CSV row: {exc}", start) from None
        if record:
            if len(record) != len(header):
                raise FicheParseError(where, f"{len(record)} fields, the header has {len(header)}", start)
            values = {}
            for column, value in zip(header, record):
                if DOUBLED_APOSTROPHE in value:
                    value = value.replace(DOUBLED_APOSTROPHE, "'")
                    repaired += 1
                values[column] = value.strip()
            rows.append(Row(start, values))
        start = reader.line_num + 1
    return tuple(rows), repaired
