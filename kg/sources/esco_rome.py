"""The official ESCO–ROME mapping table (France's, as published for the ESCO portal) → frozen dataclasses.

The file opens with ``key,value`` lines describing the mapping project (author, version,
date, the two classifications), then a blank line and the mapping table. Its relations read
from the ROME appellation to the ESCO occupation (see reference/PROVENANCE-esco-rome-crosswalk.md).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kg.core.errors import FicheParseError, UnreadableSourceError

RELATIONS = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch")
COLUMNS = ("classification 1 ID", "classification 2 ID", "classification 2 prefered label", "mapping relation")
ESCO_OCCUPATION = re.compile(r"^http://data\.europa\.eu/esco/occupation/[0-9a-f-]+$")


@dataclass(frozen=True)
class CrosswalkRow:
    appellation: str  # the ROME appellation's OGR code
    appellation_label: str
    relation: str  # skos:exactMatch … (ROME → ESCO)
    esco: str  # ESCO occupation IRI
    esco_label: str
    line: int


@dataclass(frozen=True)
class Crosswalk:
    path: Path
    sha256: str
    project: str
    author: str
    version: str
    date: str | None  # ISO
    esco_version: str
    rows: tuple[CrosswalkRow, ...]


def parse_crosswalk(path: Path) -> Crosswalk:
    """The crosswalk file (gzip'd or not); FicheParseError (path, line) when its header or a row is wrong."""
    path = Path(path)
    data, text = _read(path)
    lines = text.splitlines()
    head, number = _head(lines, path)
    day = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", head.get("mapping project version date", ""))
    return Crosswalk(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        project=head.get("mapping project name", ""),
        author=head["mapping project author"],
        version=head["mapping project version"],
        date=f"{day[3]}-{day[2]}-{day[1]}" if day else None,
        esco_version=head.get("classification 1 version", ""),
        rows=_rows(lines[number:], number, path),
    )


def _read(path: Path) -> tuple[bytes, str]:
    """The file's bytes as stored (their digest names the source) and its text, decompressed and decoded."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSourceError(path, f"cannot be read: {exc.strerror or exc}") from None
    raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    try:
        return data, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableSourceError(
            path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", raw[: exc.start].count(b"\n") + 1
        ) from None


def _head(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    """The ``key,value`` lines before the first blank one (keys lowercased), and the number of that blank line."""
    head: dict[str, str] = {}
    number = 0  # the blank line that ends the header
    for line in lines:
        number += 1
        if not line.strip():
            break
        key, _, value = line.partition(",")
        head[key.strip().lower()] = value.strip()
    for needed in ("mapping project author", "mapping project version"):
        if needed not in head:
            raise FicheParseError(path, f"no '{needed}' line in the header", 1)
    return head, number


def _rows(lines: list[str], number: int, path: Path) -> tuple[CrosswalkRow, ...]:
    """The mapping table, whose header is the line after line ``number`` of the file."""
    table = csv.reader(io.StringIO("\n".join(lines)))
    header = next(table, [])
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FicheParseError(path, f"missing column(s) {', '.join(missing)}", number + 1)
    index = {c: header.index(c) for c in header}
    rows = []
    for offset, record in enumerate(table, start=number + 2):
        if not record:
            continue
        if len(record) != len(header):
            raise FicheParseError(path, f"{len(record)} fields, the header has {len(header)}", offset)
        rows.append(_row(record, index, offset, path))
    return tuple(rows)


def _row(record: list[str], index: dict[str, int], offset: int, path: Path) -> CrosswalkRow:
    esco, code, relation = (
        record[index[c]].strip() for c in ("classification 1 ID", "classification 2 ID", "mapping relation")
    )
    if not ESCO_OCCUPATION.match(esco):
        raise FicheParseError(path, f"{esco!r} is not an ESCO occupation IRI", offset)
    if not code.isdigit():
        raise FicheParseError(path, f"ROME appellation code {code!r} is not an OGR code", offset)
    if relation not in RELATIONS:
        raise FicheParseError(path, f"mapping relation {relation!r} is not one of {', '.join(RELATIONS)}", offset)
    return CrosswalkRow(
        code,
        record[index["classification 2 prefered label"]].strip(),
        relation,
        esco,
        record[index.get("classification 1 prefered label", 0)].strip(),
        offset,
    )
