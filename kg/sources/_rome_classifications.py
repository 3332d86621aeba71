"""The classifications of the ROME export (secteurs, NAF sectors, thèmes, centres d'intérêt) and the fiches filed
under them: rows → checked records."""

from __future__ import annotations

from collections.abc import Collection

from kg.sources import _rome_checks as check
from kg.sources._rome_files import ExportFile
from kg.sources._rome_types import Classified, FicheLink


def classified(
    opened: dict[str, ExportFile],
    name: str,
    code: str,
    label: str,
    definition: str | None,
    parent: str | None = None,
    parents: set[str] | None = None,
) -> tuple[Classified, ...]:
    f, seen, out = opened[name], set[str](), list[Classified]()
    for row in f.rows:
        value = check.required(f, row, code)
        check.unique(f, row, seen, value)
        up = check.known(f, row, parent, parents or set(), "parent code") if parent else None
        out.append(
            Classified(
                value, check.required(f, row, label), (row[definition] or None) if definition else None, up, row.line
            )
        )
    return tuple(out)


def sectors(opened: dict[str, ExportFile]) -> tuple[Classified, ...]:
    top = classified(
        opened, "secteur_activite", "code_sect_activite", "libelle_sect_activite", "definition_sect_activite"
    )
    sub = classified(
        opened,
        "sous_secteur_activite",
        "code_ss_sect_activite",
        "libelle_ss_sect_activite",
        "definition_ss_sect_activite",
        parent="code_sect_activite",
        parents={s.code for s in top},
    )
    clash = {s.code for s in top} & {s.code for s in sub}
    if clash:
        f = opened["sous_secteur_activite"]
        row = next(r for r in f.rows if r["code_ss_sect_activite"] in clash)
        raise check.fail(f, row, f"code {row['code_ss_sect_activite']} is also a secteur d'activité")
    return top + sub


def naf_sectors(opened: dict[str, ExportFile]) -> tuple[Classified, ...]:
    return classified(opened, "secteur_naf", "code_secteur_naf", "libelle_secteur_naf", None)


def fiche_links(
    opened: dict[str, ExportFile],
    name: str,
    column: str,
    known: set[str],
    fiche_codes: Collection[str],
    fallback: str | None = None,
) -> tuple[FicheLink, ...]:
    """Fiche → secteur / NAF sector / thème / centre d'intérêt rows (the most specific code given)."""
    f, out, seen = opened[name], list[FicheLink](), set[tuple[str, str]]()
    for row in f.rows:
        fiche = check.known(f, row, "code_rome", fiche_codes, "ROME fiche")
        use = column if row[column] or fallback is None else fallback
        target = check.known(f, row, use, known, "code")
        if (fiche, target) in seen:
            raise check.fail(f, row, f"{fiche} → {target} given twice")
        seen.add((fiche, target))
        principal = check.flag(f, row, "principal") if "principal" in row.values else None
        out.append(FicheLink(fiche, target, principal, row.line))
    return tuple(out)
