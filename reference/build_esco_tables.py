"""Rebuild the vendored ESCO / ISCO-08 tables from the upstream ESCO CSV exports (see PROVENANCE.md).

Run from the repository root::

    python reference/build_esco_tables.py UPSTREAM_DIR SHARED_REFERENCE_DIR

UPSTREAM_DIR holds the ESCO v1.0 classification exports ``occupations_en.csv``,
``occupations_fr.csv``, ``skills_fr.csv``, ``ISCOGroups_en.csv`` and ``ISCOGroups_fr.csv``;
SHARED_REFERENCE_DIR holds ``esco_occupations.csv`` and ``esco_skills.csv`` (ESCO v1.1), used
only to keep the concepts that still exist in v1.1. Standard library only, output sorted by
IRI, so the same inputs always give byte-identical tables.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEPARATOR = " | "


def _labels(text: str) -> str:
    """ESCO puts one alternative label per line; we keep them sorted, on one line."""
    return SEPARATOR.join(sorted({label.strip() for label in text.splitlines() if label.strip()}))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _v11_uris(path: Path) -> set[str]:
    return {row["uri"] for row in _read(path)}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted(rows))
    print(f"wrote {path} ({len(rows)} rows)")


def main(upstream: Path, shared: Path) -> None:
    kept = _v11_uris(shared / "esco_occupations.csv")
    english = {row["conceptUri"]: row for row in _read(upstream / "occupations_en.csv")}
    occupations = []
    for row in _read(upstream / "occupations_fr.csv"):
        uri = row["conceptUri"]
        if uri not in kept or uri not in english:
            continue
        en = english[uri]
        occupations.append(
            [
                uri,
                row["iscoGroup"],
                en["preferredLabel"].strip(),
                _labels(en["altLabels"]),
                row["preferredLabel"].strip(),
                _labels(row["altLabels"]),
            ]
        )
    _write(
        HERE / "esco_occupations_labels.csv",
        ["uri", "isco_group", "label_en", "alt_labels_en", "label_fr", "alt_labels_fr"],
        occupations,
    )

    kept_skills = _v11_uris(shared / "esco_skills.csv")
    skills = [
        [
            row["conceptUri"],
            row["skillType"],
            row["reuseLevel"],
            row["preferredLabel"].strip(),
            _labels(row["altLabels"]),
        ]
        for row in _read(upstream / "skills_fr.csv")
        if row["conceptUri"] in kept_skills
    ]
    _write(HERE / "esco_skills_fr.csv", ["uri", "skill_type", "reuse_level", "label_fr", "alt_labels_fr"], skills)

    french = {row["code"]: row["preferredLabel"].strip() for row in _read(upstream / "ISCOGroups_fr.csv")}
    groups = [
        [row["code"], row["preferredLabel"].strip(), french.get(row["code"], "")]
        for row in _read(upstream / "ISCOGroups_en.csv")
    ]
    _write(HERE / "isco08_groups.csv", ["code", "label_en", "label_fr"], groups)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
