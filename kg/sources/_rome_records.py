"""One reader per file of the ROME export: rows → checked records (codes resolved, flags parsed)."""

from __future__ import annotations

import re
from collections import defaultdict

from kg.core.errors import FicheParseError
from kg.sources._rome_files import Export, ExportFile, Row, read_file
from kg.sources._rome_types import (
    Appellation,
    Classified,
    Competence,
    Contexte,
    Fiche,
    FicheLink,
    Labelled,
    Link,
    Mobility,
    Savoir,
)

# The columns the model reads, per needed file: a missing file or column fails the build.
FICHE_FILES = {
    "grand_domaine": ("code_grand_domaine", "libelle_grand_domaine"),
    "domaine_professionnel": ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    "referentiel_code_rome": (
        "code_rome",
        "code_ogr",
        "libelle_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "code_rome_parent",
    ),
    "referentiel_code_rome_riasec": ("code_rome", "riasec_majeur", "riasec_mineur"),
    "texte": ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"),
}
FILES = {
    **FICHE_FILES,
    "referentiel_appellation": (
        "code_ogr",
        "libelle_appellation_long",
        "libelle_appellation_court",
        "code_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "classification",
        "peu_usite",
    ),
    "referentiel_competence": (
        "code_ogr",
        "nature",
        "libelle_competence",
        "definition",
        "code_ogr_macro_comp",
        "code_macro_comp",
        "cat_comp",
        "sous_cat_comp",
        "transition_eco",
        "transition_num",
        "libelle_heterogeneite",
        "libelle_origine",
    ),
    "referentiel_macro_competence_riasec": ("code_ogr", "riasec_majeur", "riasec_mineur"),
    "referentiel_savoir": (
        "code_ogr_savoir",
        "libelle_savoir",
        "categorie_savoir",
        "sous_categorie_savoir",
        "transition_eco",
        "transition_num",
    ),
    "referentiel_contexte_travail": (
        "code_ogr",
        "libelle_cont_travail",
        "code_type_cont_trav",
        "libelle_type_cont_trav",
    ),
    "liens_rome_referentiels": ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"),
    "coherence_item": ("code_rome", "code_ogr", "coeur_metier"),
    "rubrique_mobilite": ("code_rome", "code_rome_cible", "numero_ordre"),
    "secteur_activite": ("code_sect_activite", "libelle_sect_activite", "definition_sect_activite"),
    "sous_secteur_activite": (
        "code_ss_sect_activite",
        "libelle_ss_sect_activite",
        "definition_ss_sect_activite",
        "code_sect_activite",
    ),
    "arborescence_secteur_activite": ("code_sect_activite", "code_ss_sect_activite", "code_rome", "principal"),
    "secteur_naf": ("code_secteur_naf", "libelle_secteur_naf"),
    "arborescence_secteur_naf": ("code_secteur_naf", "code_rome"),
    "themes": ("code_theme", "libelle_theme", "definition_theme"),
    "arborescence_thematique": ("code_theme", "code_rome"),
    "centre_interet": ("code_centre_interet", "libelle_centre_interet", "definition_centre_interet"),
    "arborescence_centre_interet": ("code_centre_interet", "code_rome", "principal"),
}
CODE = re.compile(r"^[0-9A-Za-z]+$")
ROME_CODE = re.compile(r"^[A-Z][0-9]{4}$")
MACRO_CODE = re.compile(r"^([0-9])([A-Z])([0-9])[0-9]{2}$")  # 4A101: domaine 4, enjeu 4A, objectif 4A1
RIASEC = frozenset("RIASEC")
TEXT_KINDS = {"definition": "definition", "acces_metier": "access"}
COEUR_DE_METIER = frozenset({"Principale", "Émergente"})
FLAGS = {"O": True, "N": False, "": None, "oui": True, "non": False}
# (bloc, rubrique) of liens_rome_referentiels → what the code_ogr names.
LINK_KINDS = {
    ("1", ""): "fiche",
    ("2", ""): "appellation",
    ("5", "1"): "savoir-faire",
    ("5", "2"): "savoir-etre",
    ("5", "3"): "savoir",
    ("6", ""): "contexte",
}


def open_files(export: Export, wanted: dict[str, tuple[str, ...]]) -> dict[str, ExportFile]:
    return {name: read_file(export, name, columns) for name, columns in wanted.items()}


def _fail(f: ExportFile, row: Row, message: str) -> FicheParseError:
    return FicheParseError(f.path, message, row.line)


def _required(f: ExportFile, row: Row, column: str) -> str:
    value = row[column]
    if not value:
        raise _fail(f, row, f"empty {column}")
    return value


def _flag(f: ExportFile, row: Row, column: str) -> bool | None:
    try:
        return FLAGS[row[column]]
    except KeyError:
        raise _fail(f, row, f"{column} is {row[column]!r}, expected O, N or empty") from None


def _unique(f: ExportFile, row: Row, seen: set[str], code: str) -> None:
    """A defining code: once per file, and letters and digits only (it becomes part of an IRI)."""
    if not CODE.match(code):
        raise _fail(f, row, f"code {code!r} is not made of letters and digits")
    if code in seen:
        raise _fail(f, row, f"code {code} defined twice")
    seen.add(code)


def _known(f: ExportFile, row: Row, column: str, known, what: str) -> str:
    value = _required(f, row, column)
    if value not in known:
        raise _fail(f, row, f"{column} {value} is not a known {what}")
    return value


def labelled(
    opened: dict[str, ExportFile], name: str, code: str, label: str, parents: set[str] | None = None
) -> tuple[Labelled, ...]:
    f, seen, out = opened[name], set(), []
    for row in f.rows:
        value = _required(f, row, code)
        _unique(f, row, seen, value)
        if parents is not None and value[0] not in parents:
            raise _fail(f, row, f"{code} {value} is under no known grand domaine")
        out.append(Labelled(value, _required(f, row, label), row.line))
    return tuple(out)


def _riasec(opened: dict[str, ExportFile], name: str, codes) -> dict[str, tuple[str | None, str | None]]:
    f, out = opened[name], {}
    key = "code_rome" if "code_rome" in FILES[name] else "code_ogr"
    for row in f.rows:
        code = _known(f, row, key, codes, "code")
        letters = (row["riasec_majeur"] or None, row["riasec_mineur"] or None)
        if any(letter is not None and letter not in RIASEC for letter in letters):
            raise _fail(f, row, f"RIASEC code {letters} is not one of R, I, A, S, E, C")
        out[code] = letters
    return out


def _texts(opened: dict[str, ExportFile], codes) -> dict[tuple[str, str], tuple[str, ...]]:
    f, found = opened["texte"], defaultdict(dict)
    for row in f.rows:
        code = _known(f, row, "code_rome", codes, "ROME fiche")
        kind = TEXT_KINDS.get(row["libelle_type_texte"])
        if kind is None:
            raise _fail(f, row, f"text type {row['libelle_type_texte']!r} is not one of {', '.join(TEXT_KINDS)}")
        position = _integer(f, row, "position_phrase")
        if position in found[(code, kind)]:
            raise _fail(f, row, f"sentence {position} of the {kind} of {code} given twice")
        found[(code, kind)][position] = _required(f, row, "libelle_texte")
    return {key: tuple(text for _, text in sorted(sentences.items())) for key, sentences in found.items()}


def _integer(f: ExportFile, row: Row, column: str) -> int:
    value = row[column]
    if not value.isdigit():
        raise _fail(f, row, f"{column} {value!r} is not a number")
    return int(value)


def fiches(opened: dict[str, ExportFile], domaines: set[str]) -> tuple[Fiche, ...]:
    f, seen, rows = opened["referentiel_code_rome"], set(), []
    for row in f.rows:
        code = _required(f, row, "code_rome")
        if not ROME_CODE.match(code):
            raise _fail(f, row, f"code_rome {code!r} is not a letter and four digits")
        if code[:3] not in domaines:
            raise _fail(f, row, f"code_rome {code} is under no known domaine professionnel ({code[:3]})")
        _unique(f, row, seen, code)
        rows.append(row)
    riasec = _riasec(opened, "referentiel_code_rome_riasec", seen)
    texts = _texts(opened, seen)
    return tuple(
        Fiche(
            code=row["code_rome"],
            ogr=_required(f, row, "code_ogr"),
            label=_required(f, row, "libelle_rome"),
            line=row.line,
            transition_eco=row["transition_eco"] or None,
            transition_num=_flag(f, row, "transition_num"),
            transition_demo=_flag(f, row, "transition_demo"),
            regulated=_flag(f, row, "emploi_reglemente"),
            executive=_flag(f, row, "emploi_cadre"),
            v3_parent=row["code_rome_parent"] or None,
            riasec_major=riasec.get(row["code_rome"], (None, None))[0],
            riasec_minor=riasec.get(row["code_rome"], (None, None))[1],
            definition=texts.get((row["code_rome"], "definition"), ()),
            access=texts.get((row["code_rome"], "access"), ()),
        )
        for row in rows
    )


def appellations(opened: dict[str, ExportFile], fiche_codes) -> tuple[Appellation, ...]:
    f, seen, out = opened["referentiel_appellation"], set(), []
    for row in f.rows:
        code = _required(f, row, "code_ogr")
        _unique(f, row, seen, code)
        classification = row["classification"]
        if classification not in ("PRINCIPALE", "SYNONYME"):
            raise _fail(f, row, f"classification {classification!r} is not PRINCIPALE or SYNONYME")
        label = _required(f, row, "libelle_appellation_long")
        out.append(
            Appellation(
                code=code,
                label=label,
                short_label=row["libelle_appellation_court"] or label,
                fiche=_known(f, row, "code_rome", fiche_codes, "ROME fiche"),
                principal=classification == "PRINCIPALE",
                rarely_used=bool(_flag(f, row, "peu_usite")),
                transition_eco=row["transition_eco"] or None,
                transition_num=_flag(f, row, "transition_num"),
                transition_demo=_flag(f, row, "transition_demo"),
                regulated=_flag(f, row, "emploi_reglemente"),
                executive=_flag(f, row, "emploi_cadre"),
                line=row.line,
            )
        )
    return tuple(out)


def competences(opened: dict[str, ExportFile]) -> tuple[Competence, ...]:
    f, rows, natures, seen = opened["referentiel_competence"], {}, ("Compétence", "Macro-compétence"), set()
    for row in f.rows:
        code = _required(f, row, "code_ogr")
        _unique(f, row, seen, code)
        if row["nature"] not in natures:
            raise _fail(f, row, f"nature {row['nature']!r} is not one of {', '.join(natures)}")
        rows[code] = row
    macros = {code for code, row in rows.items() if row["nature"] == "Macro-compétence"}
    riasec = _riasec(opened, "referentiel_macro_competence_riasec", macros)
    out = []
    for code, row in rows.items():
        macro = row["nature"] == "Macro-compétence"
        tree_code = row["code_macro_comp"] or None
        if macro and (tree_code is None or not MACRO_CODE.match(tree_code)):
            raise _fail(f, row, f"code_macro_comp {tree_code!r} of a macro-compétence is not like 4A101")
        parent = row["code_ogr_macro_comp"] or None
        if parent is not None and parent not in macros:
            raise _fail(f, row, f"code_ogr_macro_comp {parent} is not a known macro-compétence")
        out.append(
            Competence(
                code=code,
                macro=macro,
                label=_required(f, row, "libelle_competence"),
                definition=row["definition"] or None,
                parent=parent,
                tree_code=tree_code,
                category=_required(f, row, "cat_comp"),
                subcategory=row["sous_cat_comp"] or None,
                transition_eco=_flag(f, row, "transition_eco"),
                transition_num=_flag(f, row, "transition_num"),
                heterogeneity=row["libelle_heterogeneite"] or None,
                origin=row["libelle_origine"] or None,
                riasec_major=riasec.get(code, (None, None))[0],
                riasec_minor=riasec.get(code, (None, None))[1],
                line=row.line,
            )
        )
    return tuple(out)


def savoirs(opened: dict[str, ExportFile]) -> tuple[Savoir, ...]:
    f, seen, out = opened["referentiel_savoir"], set(), []
    for row in f.rows:
        code = _required(f, row, "code_ogr_savoir")
        _unique(f, row, seen, code)
        out.append(
            Savoir(
                code,
                _required(f, row, "libelle_savoir"),
                _required(f, row, "categorie_savoir"),
                _required(f, row, "sous_categorie_savoir"),
                _flag(f, row, "transition_eco"),
                _flag(f, row, "transition_num"),
                row.line,
            )
        )
    return tuple(out)


def contextes(opened: dict[str, ExportFile]) -> tuple[Contexte, ...]:
    f, seen, out = opened["referentiel_contexte_travail"], set(), []
    for row in f.rows:
        code = _required(f, row, "code_ogr")
        _unique(f, row, seen, code)
        out.append(
            Contexte(
                code,
                _required(f, row, "libelle_cont_travail"),
                _required(f, row, "code_type_cont_trav"),
                _required(f, row, "libelle_type_cont_trav"),
                row.line,
            )
        )
    return tuple(out)


def links(
    opened: dict[str, ExportFile],
    fiche_codes: dict,
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
    f, rows = opened["liens_rome_referentiels"], []
    for row in f.rows:
        fiche = _known(f, row, "code_rome", fiche_codes, "ROME fiche")
        kind = LINK_KINDS.get((row["code_compo_bloc"], row["code_rubrique"]))
        if kind is None:
            raise _fail(
                f, row, f"bloc {row['code_compo_bloc']!r} rubrique {row['code_rubrique']!r} is not a known kind of link"
            )
        if kind == "fiche":
            if row["code_ogr"] != fiche_codes[fiche].ogr:
                raise _fail(f, row, f"code_ogr {row['code_ogr']} is not the code OGR of {fiche}")
            continue
        rows.append((fiche, kind, _known(f, row, "code_ogr", targets[kind], kind.replace("-", " ")), row.line))
    coeur = _coherence(opened, {(fiche, target) for fiche, _kind, target, _ in rows})
    return tuple(Link(fiche, kind, target, coeur.get((fiche, target)), line) for fiche, kind, target, line in rows)


def _coherence(opened: dict[str, ExportFile], linked: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    f, out = opened["coherence_item"], {}
    for row in f.rows:
        key = (_required(f, row, "code_rome"), _required(f, row, "code_ogr"))
        if key not in linked:
            raise _fail(f, row, f"{key[1]} is not linked to ROME fiche {key[0]} in liens_rome_referentiels")
        value = row["coeur_metier"]
        if value and value not in COEUR_DE_METIER:
            raise _fail(f, row, f"coeur_metier {value!r} is not one of {', '.join(sorted(COEUR_DE_METIER))}")
        if value:
            out[key] = value
    return out


def mobilities(opened: dict[str, ExportFile], fiche_codes) -> tuple[Mobility, ...]:
    f, out, seen = opened["rubrique_mobilite"], [], set()
    for row in f.rows:
        source = _known(f, row, "code_rome", fiche_codes, "ROME fiche")
        target = _known(f, row, "code_rome_cible", fiche_codes, "ROME fiche")
        if (source, target) in seen:
            raise _fail(f, row, f"mobility {source} → {target} given twice")
        seen.add((source, target))
        out.append(Mobility(source, target, _integer(f, row, "numero_ordre"), row.line))
    return tuple(out)


def classified(
    opened: dict[str, ExportFile],
    name: str,
    code: str,
    label: str,
    definition: str | None,
    parent: str | None = None,
    parents: set[str] | None = None,
) -> tuple[Classified, ...]:
    f, seen, out = opened[name], set(), []
    for row in f.rows:
        value = _required(f, row, code)
        _unique(f, row, seen, value)
        up = _known(f, row, parent, parents or set(), "parent code") if parent else None
        out.append(
            Classified(value, _required(f, row, label), (row[definition] or None) if definition else None, up, row.line)
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
        raise _fail(f, row, f"code {row['code_ss_sect_activite']} is also a secteur d'activité")
    return top + sub


def naf_sectors(opened: dict[str, ExportFile]) -> tuple[Classified, ...]:
    return classified(opened, "secteur_naf", "code_secteur_naf", "libelle_secteur_naf", None)


def fiche_links(
    opened: dict[str, ExportFile], name: str, column: str, known: set[str], fiche_codes, fallback: str | None = None
) -> tuple[FicheLink, ...]:
    """Fiche → secteur / NAF sector / thème / centre d'intérêt rows (the most specific code given)."""
    f, out, seen = opened[name], [], set()
    for row in f.rows:
        fiche = _known(f, row, "code_rome", fiche_codes, "ROME fiche")
        use = column if row[column] or fallback is None else fallback
        target = _known(f, row, use, known, "code")
        if (fiche, target) in seen:
            raise _fail(f, row, f"{fiche} → {target} given twice")
        seen.add((fiche, target))
        principal = _flag(f, row, "principal") if "principal" in row.values else None
        out.append(FicheLink(fiche, target, principal, row.line))
    return tuple(out)
