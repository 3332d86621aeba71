"""The reviewed curation file (alignment/curation.sssom.tsv): one row per decision on a candidate pair.

The file is itself an SSSOM mapping set (YAML metadata in ``#`` lines, then a TSV table), so
SSSOM tooling reads it as is. Every row records the decision (a SKOS predicate, negated with
``predicate_modifier: Not`` for a rejected candidate, or ``sssom:NoTermFound`` as object when
no ESCO concept fits), the reason (``comment``), the author, the date and a confidence.
Subjects are written ``kg:<path>`` where ``kg:`` stands for the graph's base IRI, so the same
decisions apply whatever ``--base-iri`` a build uses. A malformed row is refused with its line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg.alignment.model import (
    ISCO_TARGET,
    MANUAL,
    NO_TERM_FOUND,
    OCCUPATION_TARGET,
    ROME_FICHE_TARGET,
    ROME_SKILL_TARGET,
    SKILL_TARGET,
    SKOS_PREDICATES,
    Mapping,
)
from kg.core.errors import SourceError
from kg.core.vocab import ESCO_ISCO, ESCO_OCCUPATION, ESCO_SKILL, SEMAPV
from kg.sources.common import Source
from kg.sources.reference import concept_label, is_known

CURATION_RESOURCE = "curation.sssom.tsv"
DATA_PREFIX = "kg"
REQUIRED = (
    "subject_id",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "confidence",
    "author_id",
    "mapping_date",
    "comment",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A ROME fiche, for an occupation its source files under no ROME code (kg.alignment.rome_candidates).
ROME_FICHE = re.compile(rf"^{DATA_PREFIX}:rome/[A-N][0-9]{{4}}$")
# A ROME compétence (savoir-faire) or savoir, for one of our skills (kg.alignment.rome_skills).
ROME_SKILL = re.compile(rf"^{DATA_PREFIX}:rome/(?:competence|savoir)/[0-9]+$")


class CurationError(SourceError):
    """The curation file is malformed; the message names its line."""


@dataclass(frozen=True)
class Curation:
    """Decisions by subject (CURIE local part under ``kg:``), with the file's metadata."""

    path: Path
    sha256: str
    metadata: dict[str, str]
    curie_map: dict[str, str]
    rows: tuple[dict[str, str], ...]
    lines: tuple[int, ...]

    def decisions(self, base_iri: str) -> dict[str, list[Mapping]]:
        """Subject IRI (under ``base_iri``) → its reviewed mappings, in file order."""
        out: dict[str, list[Mapping]] = {}
        for row, line in zip(self.rows, self.lines):
            mapping = self._mapping(row, line, base_iri)
            out.setdefault(mapping.subject, []).append(mapping)
        return out

    @property
    def source(self) -> Source:
        return Source(path=self.path, sha256=self.sha256)

    def expand(self, curie: str, base_iri: str) -> str:
        prefix, _, local = curie.partition(":")
        if prefix == DATA_PREFIX:
            return base_iri + local
        if prefix in self.curie_map and local:
            return self.curie_map[prefix] + local
        return curie

    def _mapping(self, row: dict[str, str], line: int, base_iri: str) -> Mapping:
        obj = self.expand(row["object_id"], base_iri)
        target = (
            OCCUPATION_TARGET
            if obj.startswith(ESCO_OCCUPATION)
            else SKILL_TARGET
            if obj.startswith(ESCO_SKILL)
            else ISCO_TARGET
            if obj.startswith(ESCO_ISCO)
            else ROME_FICHE_TARGET
            if ROME_FICHE.match(row["object_id"])
            else ROME_SKILL_TARGET
            if ROME_SKILL.match(row["object_id"])
            else ""
        )
        if obj == NO_TERM_FOUND:
            target = (
                SKILL_TARGET
                if "/competence/" in row["subject_id"] or "/connaissance/" in row["subject_id"]
                else OCCUPATION_TARGET
            )
        return Mapping(
            subject=self.expand(row["subject_id"], base_iri),
            predicate=self.expand(row["predicate_id"], base_iri),
            object=obj,
            justification=self.expand(row["mapping_justification"], base_iri),
            confidence=float(row["confidence"]),
            author_id=self.expand(row["author_id"], base_iri),
            author_label=row.get("author_label", "").strip(),
            date=row["mapping_date"].strip(),
            comment=row["comment"].strip(),
            target=target,
            subject_label=row.get("subject_label", "").strip(),
            object_label=row.get("object_label", "").strip() or concept_label(obj),
            negated=row.get("predicate_modifier", "").strip() == "Not",
            source=self.path.name,
            line=line,
        )


def parse_curation(text: str, path: Path) -> Curation:
    """Read and check a curation file; CurationError (file, line) on the first bad row."""
    header = [line for line in text.splitlines() if line.startswith("#")]
    metadata, curie_map = _metadata(header)
    body_start = len(header) + 1  # line number of the column header
    reader = csv.DictReader(
        io.StringIO("\n".join(text_line for text_line in text.splitlines() if not text_line.startswith("#"))),
        delimiter="\t",
    )
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise CurationError(path, f"missing column(s): {', '.join(missing)}", body_start)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, row in enumerate(reader, start=1):
        line = body_start + offset
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        _check(row, line, path, curie_map)
        pair = (row["subject_id"], row["object_id"])
        if pair in seen:
            raise CurationError(path, f"{pair[0]} → {pair[1]} is already decided on line {seen[pair]}", line)
        seen[pair] = line
        rows.append(row)
        lines.append(line)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Curation(path, sha256, metadata, curie_map, tuple(rows), tuple(lines))


def _metadata(header: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The few YAML shapes SSSOM metadata uses here: ``key: value`` and the nested ``curie_map``."""
    metadata: dict[str, str] = {}
    curie_map: dict[str, str] = {}
    section = None
    for raw in header:
        text = raw[1:]
        if not text.strip():
            continue
        nested = text.startswith("  ")
        name, _, value = text.strip().partition(":")
        value = value.strip().strip('"')
        if not nested:
            section = name if not value else None
            if value:
                metadata[name] = value
        elif section == "curie_map":
            curie_map[name] = value
    return metadata, curie_map


def _check(row: dict[str, str], line: int, path: Path, curie_map: dict[str, str]) -> None:
    def fail(message: str) -> None:
        raise CurationError(path, message, line)

    for column in REQUIRED:
        if not row.get(column):
            fail(f"empty {column}")
    if not row["subject_id"].startswith(f"{DATA_PREFIX}:"):
        fail(f"subject_id {row['subject_id']!r} must be a kg: CURIE (a resource of this graph)")
    predicate = row["predicate_id"].replace("skos:", "http://www.w3.org/2004/02/skos/core#")
    if predicate not in SKOS_PREDICATES:
        fail(f"predicate_id {row['predicate_id']!r} is not a SKOS mapping property")
    if row.get("predicate_modifier", "") not in ("", "Not"):
        fail(f"predicate_modifier {row['predicate_modifier']!r} must be empty or Not")
    prefix, _, local = row["object_id"].partition(":")
    obj = curie_map.get(prefix, "") + local if prefix in curie_map else row["object_id"]
    rome = ROME_FICHE.match(row["object_id"]) or ROME_SKILL.match(row["object_id"])
    if obj != NO_TERM_FOUND and not is_known(obj) and not rome:
        fail(
            f"object_id {row['object_id']!r} is not an ESCO occupation, ESCO skill or ISCO-08 group of reference/, "
            f"nor a ROME fiche ({DATA_PREFIX}:rome/<code>), compétence ({DATA_PREFIX}:rome/competence/<code>) "
            f"or savoir ({DATA_PREFIX}:rome/savoir/<code>)"
        )
    if not row["mapping_justification"].startswith("semapv:") or curie_map.get("semapv", SEMAPV) != SEMAPV:
        fail("mapping_justification must be a semapv: term (e.g. semapv:ManualMappingCuration)")
    try:
        confidence = float(row["confidence"])
    except ValueError:
        confidence = -1.0
    if not 0.0 <= confidence <= 1.0:
        fail(f"confidence {row['confidence']!r} must be a number from 0 to 1")
    if not _DATE.match(row["mapping_date"]):
        fail(f"mapping_date {row['mapping_date']!r} must be an ISO date YYYY-MM-DD")


@lru_cache(maxsize=1)
def curation() -> Curation:
    """The curation file shipped in alignment/ (read once per process)."""
    resource = files("metiers_kg_data.alignment") / CURATION_RESOURCE
    return parse_curation(resource.read_text("utf-8"), Path(str(resource)))


__all__ = ["MANUAL", "Curation", "CurationError", "curation", "parse_curation"]
