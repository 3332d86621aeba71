"""One reader per referentiel file of the ROME export: rows → checked records (codes resolved, flags parsed).

The fiches and what they are made of (appellations, compétences, savoirs, contextes, their links and
mobilities); the classifications fiches are filed under are read by ``_rome_classifications``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping

from kg.sources import _rome_checks as check
from kg.sources._rome_columns import FILES
from kg.sources._rome_files import ExportFile, Row
from kg.sources._rome_types import Appellation, Competence, Contexte, Fiche, Labelled, Link, Mobility, Savoir

ROME_CODE = re.compile(r"^[A-Z][0-9]{4}$")
MACRO_CODE = re.compile(r"^([0-9])([A-Z])([0-9])[0-9]{2}$")  # 4A101: domaine 4, enjeu 4A, objectif 4A1
RIASEC = frozenset("RIASEC")
TEXT_KINDS = {"definition": "definition", "acces_metier": "access"}
COEUR_DE_METIER = frozenset({"Principale", "Émergente"})
# (bloc, rubrique) of liens_rome_referentiels → what the code_ogr names.
LINK_KINDS = {
    ("1", ""): "fiche",
    ("2", ""): "appellation",
    ("5", "1"): "savoir-faire",
    ("5", "2"): "savoir-etre",
    ("5", "3"): "savoir",
    ("6", ""): "contexte",
}


def labelled(
    opened: dict[str, ExportFile], name: str, code: str, label: str, parents: set[str] | None = None
) -> tuple[Labelled, ...]:
    f, seen, out = opened[name], set[str](), list[Labelled]()
    for row in f.rows:
        value = check.required(f, row, code)
        check.unique(f, row, seen, value)
        if parents is not None and value[0] not in parents:
            raise check.fail(f, row, f"{code} {value} is under no known grand domaine")
        out.append(Labelled(value, check.required(f, row, label), row.line))
    return tuple(out)


def _riasec(
    opened: dict[str, ExportFile], name: str, codes: Collection[str]
) -> dict[str, tuple[str | None, str | None]]:
    f, out = opened[name], dict[str, tuple[str | None, str | None]]()
    key = "code_rome" if "code_rome" in FILES[name] else "code_ogr"
    for row in f.rows:
        code = check.known(f, row, key, codes, "code")
        letters = (row["riasec_majeur"] or None, row["riasec_mineur"] or None)
        if any(letter is not None and letter not in RIASEC for letter in letters):
            raise check.fail(f, row, f"RIASEC code {letters} is not one of R, I, A, S, E, C")
        out[code] = letters
    return out


def _texts(opened: dict[str, ExportFile], codes: Collection[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    f, found = opened["texte"], defaultdict[tuple[str, str], dict[int, str]](dict)
    for row in f.rows:
        code = check.known(f, row, "code_rome", codes, "ROME fiche")
        kind = TEXT_KINDS.get(row["libelle_type_texte"])
        if kind is None:
            raise check.fail(f, row, f"text type {row['libelle_type_texte']!r} is not one of {', '.join(TEXT_KINDS)}")
        position = check.integer(f, row, "position_phrase")
        if position in found[(code, kind)]:
            raise check.fail(f, row, f"sentence {position} of the {kind} of {code} given twice")
        found[(code, kind)][position] = check.required(f, row, "libelle_texte")
    return {key: tuple(text for _, text in sorted(sentences.items())) for key, sentences in found.items()}


def fiches(opened: dict[str, ExportFile], domaines: set[str]) -> tuple[Fiche, ...]:
    f, seen, rows = opened["referentiel_code_rome"], set[str](), list[Row]()
    for row in f.rows:
        code = check.required(f, row, "code_rome")
        if not ROME_CODE.match(code):
            raise check.fail(f, row, f"code_rome {code!r} is not a letter and four digits")
        if code[:3] not in domaines:
            raise check.fail(f, row, f"code_rome {code} is under no known domaine professionnel ({code[:3]})")
        check.unique(f, row, seen, code)
        rows.append(row)
    riasec = _riasec(opened, "referentiel_code_rome_riasec", seen)
    texts = _texts(opened, seen)
    return tuple(
        Fiche(
            code=row["code_rome"],
            ogr=check.required(f, row, "code_ogr"),
            label=check.required(f, row, "libelle_rome"),
            line=row.line,
            transition_eco=row["transition_eco"] or None,
            transition_num=check.flag(f, row, "transition_num"),
            transition_demo=check.flag(f, row, "transition_demo"),
            regulated=check.flag(f, row, "emploi_reglemente"),
            executive=check.flag(f, row, "emploi_cadre"),
            v3_parent=row["code_rome_parent"] or None,
            riasec_major=riasec.get(row["code_rome"], (None, None))[0],
            riasec_minor=riasec.get(row["code_rome"], (None, None))[1],
            definition=texts.get((row["code_rome"], "definition"), ()),
            access=texts.get((row["code_rome"], "access"), ()),
        )
        for row in rows
    )


def appellations(opened: dict[str, ExportFile], fiche_codes: Collection[str]) -> tuple[Appellation, ...]:
    f, seen, out = opened["referentiel_appellation"], set[str](), list[Appellation]()
    for row in f.rows:
        code = check.required(f, row, "code_ogr")
        check.unique(f, row, seen, code)
        classification = row["classification"]
        if classification not in ("PRINCIPALE", "SYNONYME"):
            raise check.fail(f, row, f"classification {classification!r} is not PRINCIPALE or SYNONYME")
        label = check.required(f, row, "libelle_appellation_long")
        out.append(
            Appellation(
                code=code,
                label=label,
                short_label=row["libelle_appellation_court"] or label,
                fiche=check.known(f, row, "code_rome", fiche_codes, "ROME fiche"),
                principal=classification == "PRINCIPALE",
                rarely_used=bool(check.flag(f, row, "peu_usite")),
                transition_eco=row["transition_eco"] or None,
                transition_num=check.flag(f, row, "transition_num"),
                transition_demo=check.flag(f, row, "transition_demo"),
                regulated=check.flag(f, row, "emploi_reglemente"),
                executive=check.flag(f, row, "emploi_cadre"),
                line=row.line,
            )
        )
    return tuple(out)


def competences(opened: dict[str, ExportFile]) -> tuple[Competence, ...]:
    f, rows, seen = opened["referentiel_competence"], dict[str, Row](), set[str]()
    natures = ("Compétence", "Macro-compétence")
    for row in f.rows:
        code = check.required(f, row, "code_ogr")
        check.unique(f, row, seen, code)
        if row["nature"] not in natures:
            raise check.fail(f, row, f"nature {row['nature']!r} is not one of {', '.join(natures)}")
        rows[code] = row
    macros = {code for code, row in rows.items() if row["nature"] == "Macro-compétence"}
    riasec = _riasec(opened, "referentiel_macro_competence_riasec", macros)
    out: list[Competence] = []
    for code, row in rows.items():
        macro = row["nature"] == "Macro-compétence"
        tree_code = row["code_macro_comp"] or None
        if macro and (tree_code is None or not MACRO_CODE.match(tree_code)):
            raise check.fail(f, row, f"code_macro_comp {tree_code!r} of a macro-compétence is not like 4A101")
        parent = row["code_ogr_macro_comp"] or None
        if parent is not None and parent not in macros:
            raise check.fail(f, row, f"code_ogr_macro_comp {parent} is not a known macro-compétence")
        out.append(
            Competence(
                code=code,
                macro=macro,
                label=check.required(f, row, "libelle_competence"),
                definition=row["definition"] or None,
                parent=parent,
                tree_code=tree_code,
                category=check.required(f, row, "cat_comp"),
                subcategory=row["sous_cat_comp"] or None,
                transition_eco=check.flag(f, row, "transition_eco"),
                transition_num=check.flag(f, row, "transition_num"),
                heterogeneity=row["libelle_heterogeneite"] or None,
                origin=row["libelle_origine"] or None,
                riasec_major=riasec.get(code, (None, None))[0],
                riasec_minor=riasec.get(code, (None, None))[1],
                line=row.line,
            )
        )
    return tuple(out)


def savoirs(opened: dict[str, ExportFile]) -> tuple[Savoir, ...]:
    f, seen, out = opened["referentiel_savoir"], set[str](), list[Savoir]()
    for row in f.rows:
        code = check.required(f, row, "code_ogr_savoir")
        check.unique(f, row, seen, code)
        out.append(
            Savoir(
                code,
                check.required(f, row, "libelle_savoir"),
                check.required(f, row, "categorie_savoir"),
                check.required(f, row, "sous_categorie_savoir"),
                check.flag(f, row, "transition_eco"),
                check.flag(f, row, "transition_num"),
                row.line,
            )
        )
    return tuple(out)


def contextes(opened: dict[str, ExportFile]) -> tuple[Contexte, ...]:
    f, seen, out = opened["referentiel_contexte_travail"], set[str](), list[Contexte]()
    for row in f.rows:
        code = check.required(f, row, "code_ogr")
        check.unique(f, row, seen, code)
        out.append(
            Contexte(
                code,
                check.required(f, row, "libelle_cont_travail"),
                check.required(f, row, "code_type_cont_trav"),
                check.required(f, row, "libelle_type_cont_trav"),
                row.line,
            )
        )
    return tuple(out)


def links(
    opened: dict[str, ExportFile],
    fiche_codes: Mapping[str, Fiche],
    appellations: set[str],
    competences: set[str],
    savoirs: set[str],
    contextes: set[str],
) -> tuple[Link, ...]:
    """Every fiche link, with the coeur-de-métier flag of ``coherence_item`` joined on (fiche, code)."""
    targets = {
        "appellation": appellations,
        "savoir-faire": competences,
        "savoir-etre": competences,
        "savoir": savoirs,
        "contexte": contextes,
    }
    f, rows = opened["liens_rome_referentiels"], list[tuple[str, str, str, int]]()
    for row in f.rows:
        fiche = check.known(f, row, "code_rome", fiche_codes, "ROME fiche")
        kind = LINK_KINDS.get((row["code_compo_bloc"], row["code_rubrique"]))
        if kind is None:
            raise check.fail(
                f, row, f"bloc {row['code_compo_bloc']!r} rubrique {row['code_rubrique']!r} is not a known kind of link"
            )
        if kind == "fiche":
            if row["code_ogr"] != fiche_codes[fiche].ogr:
                raise check.fail(f, row, f"code_ogr {row['code_ogr']} is not the code OGR of {fiche}")
            continue
        rows.append((fiche, kind, check.known(f, row, "code_ogr", targets[kind], kind.replace("-", " ")), row.line))
    coeur = _coherence(opened, {(fiche, target) for fiche, _kind, target, _ in rows})
    return tuple(Link(fiche, kind, target, coeur.get((fiche, target)), line) for fiche, kind, target, line in rows)


def _coherence(opened: dict[str, ExportFile], linked: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    f, out = opened["coherence_item"], dict[tuple[str, str], str]()
    for row in f.rows:
        key = (check.required(f, row, "code_rome"), check.required(f, row, "code_ogr"))
        if key not in linked:
            raise check.fail(f, row, f"{key[1]} is not linked to ROME fiche {key[0]} in liens_rome_referentiels")
        value = row["coeur_metier"]
        if value and value not in COEUR_DE_METIER:
            raise check.fail(f, row, f"coeur_metier {value!r} is not one of {', '.join(sorted(COEUR_DE_METIER))}")
        if value:
            out[key] = value
    return out


def mobilities(opened: dict[str, ExportFile], fiche_codes: Collection[str]) -> tuple[Mobility, ...]:
    f, out, seen = opened["rubrique_mobilite"], list[Mobility](), set[tuple[str, str]]()
    for row in f.rows:
        source = check.known(f, row, "code_rome", fiche_codes, "ROME fiche")
        target = check.known(f, row, "code_rome_cible", fiche_codes, "ROME fiche")
        if (source, target) in seen:
            raise check.fail(f, row, f"mobility {source} → {target} given twice")
        seen.add((source, target))
        out.append(Mobility(source, target, check.integer(f, row, "numero_ordre"), row.line))
    return tuple(out)
