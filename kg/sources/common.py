"""Reading source files safely, and the pieces every document kind shares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.core.errors import UnreadableSourceError


@dataclass(frozen=True)
class Source:
    """Where a document came from: enough for PROV and for error messages."""

    path: Path
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RomeCode:
    """A ROME code as written in a document, with the line it was read from."""

    code: str
    line: int


@dataclass(frozen=True)
class RomeAbsence:
    """A document explicitly says there is no ROME code, and why (e.g. ``Non pertinent``)."""

    reason: str
    line: int


def read_source(path: Path) -> tuple[str, Source]:
    """Read a UTF-8 text document; refuse empty, binary or undecodable files with a clear error."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UnreadableSourceError(path, "is a directory, expected a text document") from None
    except FileNotFoundError:
        raise UnreadableSourceError(path, "no such file") from None
    except PermissionError:
        raise UnreadableSourceError(path, "permission denied") from None
    except OSError as exc:
        raise UnreadableSourceError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise UnreadableSourceError(path, "file is empty")
    if b"\x00" in data[:8192]:
        raise UnreadableSourceError(path, "binary file (NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableSourceError(
            path, f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, Source(path=path, sha256=hashlib.sha256(data).hexdigest())
