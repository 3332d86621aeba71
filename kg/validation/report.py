"""What validation finds: results pointing at source lines, the report a build accepts or refuses, and the
documents a ``--keep-going`` build left out. Both engines (``kg.validation.store``, pySHACL in
``kg.validation.shacl``) give these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from kg.core.errors import ValidationError
from kg.core.graph import MappedGraph


@dataclass(frozen=True)
class Violation:
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    focus: str
    path: str | None
    value: str | None
    source: Path | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.source and self.line else str(self.source or "<generated>")
        return f"{where}: {self.reason()}"

    def reason(self) -> str:
        """The result without its location: what a rejection report says after ``FILE:LINE:``."""
        detail = f"focus <{self.focus}>"
        if self.path:
            detail += f", path <{self.path}>"
        if self.value:
            detail += f", value {self.value}"
        return f"{self.severity}: {self.message} ({detail})"


@dataclass(frozen=True)
class Rejection:
    """A document left out of a build, and why: one line ``FILE:LINE: reason`` of the rejection report."""

    source: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Violation, ...]
    triples: int

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    def raise_if_invalid(self) -> None:
        if self.violations:
            raise ValidationError(self)

    def __str__(self) -> str:
        if not self.results:
            return f"SHACL: {self.triples} triples conform to the shapes"
        head = (
            f"SHACL: {len(self.violations)} violation(s), "
            f"{len(self.results) - len(self.violations)} other result(s) in {self.triples} triples"
        )
        return "\n".join([head, *(f"  {result}" for result in self.results)])


def report_order(v: Violation) -> tuple:
    return (str(v.source or ""), v.line or 0, v.focus, v.path or "", v.message, v.value or "")


def merge_reports(reports: Iterable[Report]) -> Report:
    """One report for several batches; results about shared reference graphs are counted once."""
    reports = list(reports)
    results = sorted(set().union(*(r.results for r in reports)), key=report_order)
    return Report(
        conforms=all(r.conforms for r in reports), results=tuple(results), triples=sum(r.triples for r in reports)
    )


def located(violation: Violation, graphs: Iterable[MappedGraph]) -> Violation:
    """The result with the file and line of its focus node's field, from the graph that knows it."""
    for mapped in graphs:
        line = mapped.line_of(violation.focus, violation.path)
        if line is not None:
            return replace(violation, source=mapped.source, line=line)
    return violation
