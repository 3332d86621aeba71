"""One exception hierarchy for the whole pipeline.

Every error a user can cause carries enough context (file, line, query position)
to be fixed without reading a traceback; the CLI prints ``str(error)`` and exits 1,
the server maps the classes to HTTP statuses in one place (``server/http/errors.py``, which also
defines the errors of the HTTP protocols).
"""

from __future__ import annotations

from pathlib import Path


class MetiersKgError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class SourceError(MetiersKgError):
    """A source document or directory cannot be read or understood."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        # Keep (path, message, line) when the error crosses a process boundary (parallel builds).
        return (type(self), (self.path, self.message, self.line))


class UnreadableSourceError(SourceError):
    """The file or directory cannot be read at all (missing, permissions, binary, empty)."""


class UnknownDocumentKindError(SourceError):
    """The content matches none of the document kinds we can parse."""


class FicheParseError(SourceError):
    """The document is of a known kind but a required field is missing or malformed."""


class ValidationError(MetiersKgError):
    """The mapped graph violates the SHACL shapes; carries the full report."""

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(str(report))

    def __reduce__(self) -> tuple:
        return (type(self), (self.report,))  # from a worker process (the ROME stage) whole


class DocumentsRejectedError(MetiersKgError):
    """An all-or-nothing build met invalid documents: carries every reason, one ``FILE:LINE: reason`` each."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            f"{len(reasons)} reason(s) to refuse the build; nothing was written "
            "(--keep-going builds the valid documents)\n" + "\n".join(reasons)
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.reasons,))


class StoreError(MetiersKgError):
    """The Oxigraph store cannot be opened, written or switched."""


class RdfInputError(MetiersKgError):
    """An RDF file given to ``load`` cannot be parsed (file and line in the message)."""
