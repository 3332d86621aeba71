"""The OPIIEC référentiel parser on the seed, and on modified copies that simulate re-issues."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from kg.core.errors import FicheParseError
from kg.sources import parse, referentiel
from kg.sources.common import read_source
from kg.sources.referentiel import Referentiel

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "seeds" / "002_98d259d9ef945d93.txt"
# ONISEP fiches and a testimony article that sit next to the référentiel in seeds/.
OTHER_SEEDS = [
    ROOT / "seeds" / name
    for name in ("000_56e8b163099291fd.txt", "001_c5b8da29147c7443.txt", "004_29e3769158b3cb67.txt")
    if (ROOT / "seeds" / name).exists()
]

SOMMAIRE_ORDER = [
    "Consultant en assistance à la maîtrise d'ouvrage",
    "Consultant métier",
    "Urbaniste",
    "Architecte système d'information",
    "Architecte technique",
    "Consultant technique",
    "Commercial",
    "Consultant avant-vente",
    "Responsable commercial",
    "Responsable partenariats",
    "Chef de produits et offres",
    "Analyste fonctionnel",
    "Concepteur développeur",
    "Consultant progiciel",
    "Responsable des études",
    "Responsable des opérations",
    "Responsable production",
    "Responsable support",
    "Responsable technique",
    "Chargé des méthodes outils et qualité",
    "Responsable méthodes et outils",
    "Chef de projet",
    "Directeur de projet",
    "Manager de ressources",
    "Analyste test et validation",
    "Chef de projet test",
    "Consultant en processus de test",
    "Gestionnaire de contrats",
    "Gestionnaire de services",
    "Chef de projet production",
    "Intégrateur d'exploitation",
    "Pilote d'exploitation",
    "Administrateur d'infrastructure",
    "Expert infrastructure",
    "Technicien d'infrastructure",
    "Support clients",
]

# Passerelles that name families, sub-families or jobs outside the référentiel, as written.
UNRESOLVED_PASSERELLES = [
    ("Métiers transverses", 584),
    ("Management", 594),
    ("Métiers transverses", 596),
    ("Sous-famille : Etudes et développement", 1203),
    ("Sous-famille : Infrastructure", 1205),
    ("Famille : Conseil", 1207),
    ("Marketing", 1223),
    ("Management", 1338),
    ("Directeur général", 1340),
    ("Directeur de filiale", 1342),
    ("Responsable marketing", 1470),
    ("Sous-famille : management", 2180),
    ("Management", 2185),
    ("Sous-famille : Service", 2654),
    ("Sous-famille : projet", 2656),
    ("Toutes fonctions de responsabilités", 3053),
    ("Famille : développement des affaires", 3680),
    ("Famille : Conseil", 3684),
    ("Gestions des fournisseurs ou des achats", 3691),
    ("Famille : Développement des affaires", 3695),
    ("Famille : production", 3809),
    ("Famille : études et développement", 3812),
    ("Famille conseil", 3820),
    ("Sous-famille : méthodes outils et qualité", 3828),
    ("Expert", 4075),
]


def _parse_file(path: Path) -> Referentiel:
    """Through the dispatcher; straight to the parser while another kind's detector is unwritten."""
    try:
        document = parse(path)
    except NotImplementedError:
        text, source = read_source(path)
        document = referentiel.parse_text(text, source)
    assert isinstance(document, Referentiel)
    return document


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return _parse_file(SEED)


@pytest.fixture(scope="module")
def by_name(ref: Referentiel) -> dict:
    return {e.name: e for e in ref.emploi_types}


@pytest.fixture()
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def _parse_lines(tmp_path: Path, lines: list[str]) -> Referentiel:
    path = tmp_path / "referentiel.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return _parse_file(path)


def _index(lines: list[str], predicate, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if predicate(lines[i]))


def _strings(value):
    """Every string reachable from a parsed value (dataclasses, tuples)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


# --- detection -------------------------------------------------------------------------------


def test_looks_like_the_seed_only() -> None:
    assert referentiel.looks_like(SEED.read_text(encoding="utf-8"))
    for other in OTHER_SEEDS:
        assert not referentiel.looks_like(other.read_text(encoding="utf-8")), other.name


def test_sommaire_without_emploi_types_is_an_error(tmp_path: Path) -> None:
    lines = [
        "Référentiel métiers",
        "",
        "Sommaire",
        "",
        "1. Fiches emploi-type de la famille CONSEIL\tp. 9",
        "",
    ]
    lines += [
        "Emploi Type : Quelqu'un",
        "",
        "Activités principales",
        "",
        "- ◆ Faire",
        "",
        "Code(s) ROME",
        "",
        "- ◆ M1806",
    ]
    assert referentiel.looks_like("\n".join(lines))
    path = tmp_path / "empty.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    text, source = read_source(path)
    with pytest.raises(FicheParseError, match="sommaire lists no emploi-types") as caught:
        referentiel.parse_text(text, source)
    assert caught.value.line == 3


# --- the seed --------------------------------------------------------------------------------


def test_title(ref: Referentiel) -> None:
    assert (ref.title, ref.title_line) == ("Référentiel métiers des activités de l'Informatique", 3)


def test_emploi_types_in_sommaire_order(ref: Referentiel) -> None:
    assert [e.name for e in ref.emploi_types] == SOMMAIRE_ORDER
    lines = [e.line for e in ref.emploi_types]
    assert lines == sorted(lines)
    assert ref.emploi_types[1].sommaire_page == 11


def test_families(ref: Referentiel) -> None:
    assert [(f.label, f.sommaire_number) for f in ref.families] == [
        ("Conseil", 5),
        ("Développement des affaires", 6),
        ("Etudes et développement", 7),
        ("Management et gestion des engagements", 8),
        ("Production", 9),
    ]
    counts = Counter(e.family for e in ref.emploi_types)
    assert [counts[f.label] for f in ref.families] == [6, 5, 3, 15, 7]


def test_sub_families(ref: Referentiel, by_name: dict) -> None:
    assert {(s.label, s.family) for s in ref.sub_families} == {
        ("Technique", "Conseil"),
        ("Métier", "Conseil"),
        ("Commercial", "Développement des affaires"),
        ("Management", "Management et gestion des engagements"),
        ("Méthodes outils et qualité", "Management et gestion des engagements"),
        ("Projet", "Management et gestion des engagements"),
        ("Qualification", "Management et gestion des engagements"),
        ("Service", "Management et gestion des engagements"),
        ("Exploitation", "Production"),
        ("Infrastructure", "Production"),
        ("Support", "Production"),
    }
    assert all(s.explicit for s in ref.sub_families)
    assert [name for name, e in by_name.items() if e.sub_family is None] == [
        "Chef de produits et offres",
        "Analyste fonctionnel",
        "Concepteur développeur",
        "Consultant progiciel",
    ]
    assert by_name["Responsable support"].sub_family == "Management"


def test_recovered_headings(ref: Referentiel) -> None:
    assert [e.name for e in ref.emploi_types if e.heading_recovered] == [
        "Responsable des études",
        "Responsable support",
        "Responsable technique",
        "Directeur de projet",
    ]
    recovered = {e.name: e.line for e in ref.emploi_types if e.heading_recovered}
    assert recovered["Responsable des études"] == 1953  # starts at its "Autres appellations"


def test_heading_glued_to_furniture_and_repeated_page_headers(by_name: dict) -> None:
    glued = by_name["Consultant en processus de test"]
    assert (glued.line, glued.heading_recovered) == (3426, False)
    technicien = by_name["Technicien d'infrastructure"]
    assert len(technicien.main_activities) == 9 and len(technicien.variability) == 2


def test_non_pertinent_rome(ref: Referentiel) -> None:
    absent = [(e.name, e.rome_absence.reason, e.rome_absence.line) for e in ref.emploi_types if e.rome_absence]
    assert absent == [
        ("Manager de ressources", "Non pertinent", 3162),
        ("Consultant en processus de test", "Non pertinent", 3562),
        ("Gestionnaire de services", "Non pertinent", 3833),
    ]
    for e in ref.emploi_types:
        assert bool(e.rome_codes) != bool(e.rome_absence), e.name


def test_last_block_has_its_rome_code(by_name: dict) -> None:
    """The seed ends with "- ◆ H1101" (no final newline): Support clients is complete."""
    last = by_name["Support clients"]
    assert [(c.code, c.line) for c in last.rome_codes] == [("H1101", 4664)]
    assert not last.truncated and last.rome_absence is None
    assert not any(e.truncated for e in by_name.values())


def test_consultant_amoa(by_name: dict) -> None:
    e = by_name["Consultant en assistance à la maîtrise d'ouvrage"]
    assert (e.line, e.family, e.sub_family, e.sommaire_page) == (235, "Conseil", "Métier", 9)
    assert [i.text for i in e.other_appellations] == [
        "Chef de projet maîtrise d'ouvrage",
        "Chef de projet utilisateur",
        "Assistant à la maîtrise d'ouvrage",
    ]
    assert e.english_appellations == ()
    assert len(e.main_activities) == 9 and len(e.specific_activities) == 2
    assert (len(e.savoir_faire), len(e.connaissances)) == (8, 7)
    assert e.main_activities[0] == referentiel.Item(
        "Assister la maîtrise d'ouvrage notamment dans la définition de l'objectif du projet", 247
    )
    assert [o.label for o in e.origins] == [
        "Chef de projet",
        "Analyste fonctionnel",
        "Concepteur développeur",
        "Chef de projet test",
        "Consultant métier",
    ]
    assert [o.target for o in e.evolutions] == [
        "Directeur de projet",
        "Urbaniste",
        "Chef de projet",
        "Consultant métier",
    ]
    assert all(p.matched_by == "name" for p in e.origins + e.evolutions)
    assert [c.code for c in e.rome_codes] == ["M1806"]
    p = e.prerequisite
    assert (p.level, p.years_after_bac, p.experience_min_years, p.experience_max_years, p.line) == (
        "Bac+5",
        5,
        10,
        15,
        320,
    )
    assert [(v.aspect, v.text) for v in e.variability][1] == ("Sectoriel", "Pas de variabilité")
    assert e.external_relations.text.startswith("Tous les partenaires du projet")
    assert e.internal_relations == referentiel.Item("MOE", 312)
    assert e.workplace == referentiel.Item("Son activité se déroule sur le site du client.", 316)
    assert [i.text for i in e.formations] == [
        "Ecole d'ingénieurs",
        "Ecole de commerce",
        "Formations universitaires",
    ]
    assert [i.text for i in e.certifications] == ["Pas de certification exigée"]
    assert e.description.line == 264 and e.career_path.line == 336


def test_chef_de_projet(by_name: dict) -> None:
    e = by_name["Chef de projet"]
    counts = [len(x) for x in (e.main_activities, e.specific_activities, e.savoir_faire, e.connaissances)]
    assert counts == [6, 4, 6, 9]
    assert [o.target for o in e.origins] == [
        "Concepteur développeur",
        "Consultant technique",
        "Consultant métier",
        "Consultant progiciel",
    ]
    assert len(e.evolutions) == 6  # "Consultant en assistance…" is listed twice and kept twice
    assert [c.code for c in e.rome_codes] == ["M1803"]
    assert (e.prerequisite.experience_min_years, e.prerequisite.experience_max_years) == (5, None)
    assert len(e.certifications) == 2 and len(e.english_appellations) == 2
    assert e.career_path.text.count("\n") == 5  # a paragraph and five bullets


def test_gestionnaire_de_contrats(by_name: dict) -> None:
    e = by_name["Gestionnaire de contrats"]
    counts = [len(x) for x in (e.main_activities, e.specific_activities, e.savoir_faire, e.connaissances)]
    assert counts == [10, 3, 5, 9]
    assert [(o.label, o.target) for o in e.origins] == [
        ("Gestionnaire de services", "Gestionnaire de services"),
        ("Famille : développement des affaires", None),  # three wrapped lines joined
        ("Famille : Conseil", None),
    ]
    assert [o.label for o in e.evolutions] == [
        "Responsable des opérations",
        "Gestions des fournisseurs ou des achats",
        "Famille : Développement des affaires",
    ]
    assert (e.prerequisite.experience_min_years, e.prerequisite.experience_max_years) == (5, 10)


def test_recovered_block_content(by_name: dict) -> None:
    e = by_name["Responsable support"]
    assert (e.line, e.family, e.sommaire_page) == (2318, "Management et gestion des engagements", 43)
    assert [i.text for i in e.other_appellations] == ["Superviseur Hotline"]
    assert [
        len(e.main_activities),
        len(e.specific_activities),
        len(e.savoir_faire),
        len(e.connaissances),
    ] == [9, 1, 5, 4]
    assert (e.origins, e.evolutions) == ((), ())
    assert [c.code for c in e.rome_codes] == ["M1803"]
    assert e.prerequisite.level == "Bac+2"


def test_prerequisite_levels(by_name: dict) -> None:
    assert by_name["Support clients"].prerequisite.level == "Bac"  # "Bac à Bac+2": the minimum
    assert by_name["Support clients"].prerequisite.years_after_bac == 0
    assert by_name["Concepteur développeur"].prerequisite.level == "Bac+2"
    assert by_name["Chef de projet test"].prerequisite.level == "Bac+4"  # "Bac+4/5"
    metier = by_name["Consultant métier"].prerequisite  # "d'environ 7 à 10 ans"
    assert (metier.level, metier.experience_min_years, metier.experience_max_years) == (None, 7, 10)
    assert by_name["Pilote d'exploitation"].prerequisite.experience_min_years is None


def test_appellation_table(ref: Referentiel) -> None:
    rows = ref.appellation_table
    assert len(rows) == 36
    assert all(row.emploi_type in SOMMAIRE_ORDER for row in rows)
    variants = {(r.emploi_type_as_written, r.emploi_type) for r in rows if r.emploi_type != r.emploi_type_as_written}
    assert variants == {
        ("Responsable de production", "Responsable production"),
        ("Responsable des partenariats", "Responsable partenariats"),
        ("Chargé méthode outils et qualité", "Chargé des méthodes outils et qualité"),
    }
    directeur = next(r for r in rows if r.appellation == "Directeur commercial")
    assert (directeur.emploi_type, directeur.page, directeur.line) == ("Responsable commercial", 21, 209)
    assert {r.family for r in rows} == {f.label for f in ref.families}
    erp = next(r for r in rows if r.appellation == "Consultant ERP")
    assert erp.sub_family is None and erp.family == "Etudes et développement"


def test_glossary(ref: Referentiel) -> None:
    assert [g.term for g in ref.glossary] == [
        "Nomenclature des métiers",
        "Famille d'emploi",
        "Emploi-type",
        "Activités principales",
        "Activités secondaires",
        "Savoir-faire",
        "Connaissances",
        "Variabilité de l'emploi",
        "Parcours dans l'emploi",
        "Aire de mobilité/ Passerelle",
        "Qualités requises",
    ]
    famille = ref.glossary[1]
    assert famille.line == 116 and famille.definition.count("\n\n") == 2
    qualities = ref.glossary[-1].definition
    assert "<ul" not in qualities and "Niveau 3 Expertise Transmission de savoir faire : " in qualities


def test_passerelles_resolved_or_listed(ref: Referentiel) -> None:
    passerelles = [p for e in ref.emploi_types for p in e.origins + e.evolutions]
    assert len(passerelles) == 148
    assert [(p.label, p.line) for p in passerelles if p.target is None] == UNRESOLVED_PASSERELLES
    assert all(p.matched_by is None for p in passerelles if p.target is None)
    assert all(p.target in SOMMAIRE_ORDER for p in passerelles if p.target is not None)
    fuzzy = [(p.label, p.target) for p in passerelles if p.matched_by == "fuzzy"]
    assert fuzzy == [("Chargé méthode outils et audité", "Chargé des méthodes outils et qualité")]
    variant = next(p for p in passerelles if p.label == "Responsable de production")
    assert (variant.target, variant.matched_by) == ("Responsable production", "name")
    assert any(p.label == "Concepteur/développeur" and p.target == "Concepteur développeur" for p in passerelles)


def test_no_page_furniture_leaks(ref: Referentiel) -> None:
    parsed = dataclasses.replace(ref, source=None)
    for text in _strings(parsed):
        assert "Version" not in text and "**" not in text, text
        assert text == text.strip(), text
    for e in ref.emploi_types:
        for item in e.main_activities + e.savoir_faire + e.connaissances + e.other_appellations:
            assert item.text and not item.text.startswith(("-", "◆", "•", "▪")), item


# --- modified copies: re-issues with other names, lost headings, cuts, errors ----------------


def test_renamed_emploi_type(tmp_path: Path, seed_lines: list[str]) -> None:
    old, new = "Consultant progiciel", "Intégrateur de progiciels"
    lines = [
        line.replace(f"• {old}", f"• {new}")
        .replace(f"Emploi Type : {old}", f"Emploi Type : {new}")
        .replace(f"Emploi type : {old}", f"Emploi type : {new}")
        .replace(f"\t{old}\t", f"\t{new}\t")
        for line in seed_lines
    ]
    ref = _parse_lines(tmp_path, lines)
    names = [e.name for e in ref.emploi_types]
    assert names == [new if name == old else name for name in SOMMAIRE_ORDER]
    renamed = next(e for e in ref.emploi_types if e.name == new)
    assert (renamed.family, renamed.sub_family, len(renamed.main_activities)) == (
        "Etudes et développement",
        None,
        11,
    )
    assert next(r for r in ref.appellation_table if r.appellation == "Consultant ERP").emploi_type == new


def test_lost_heading_is_recovered(tmp_path: Path, seed_lines: list[str]) -> None:
    lines = list(seed_lines)
    lines[_index(lines, lambda text_line: text_line == "Emploi Type : Consultant métier")] = ""
    ref = _parse_lines(tmp_path, lines)
    assert [e.name for e in ref.emploi_types] == SOMMAIRE_ORDER
    metier = next(e for e in ref.emploi_types if e.name == "Consultant métier")
    assert metier.heading_recovered and metier.line == 371
    assert len(metier.main_activities) == 10
    assert sum(e.heading_recovered for e in ref.emploi_types) == 5


def test_cut_in_the_middle_of_a_block(tmp_path: Path, seed_lines: list[str]) -> None:
    start = _index(seed_lines, lambda text_line: text_line == "Emploi Type : Chef de projet test")
    cut = _index(seed_lines, lambda text_line: text_line == "Connaissances", start) + 3  # one knowledge bullet kept
    ref = _parse_lines(tmp_path, seed_lines[:cut])
    assert [e.name for e in ref.emploi_types] == SOMMAIRE_ORDER[: SOMMAIRE_ORDER.index("Chef de projet test") + 1]
    last = ref.emploi_types[-1]
    assert last.truncated and last.rome_codes == () and last.rome_absence is None
    assert len(last.connaissances) == 1 and last.origins == ()
    assert not any(e.truncated for e in ref.emploi_types[:-1])


def test_cut_after_the_last_rome_header(tmp_path: Path, seed_lines: list[str]) -> None:
    end = _index(seed_lines, lambda text_line: text_line == "Code(s) ROME", len(seed_lines) - 5)
    ref = _parse_lines(tmp_path, seed_lines[: end + 1])
    last = ref.emploi_types[-1]
    assert last.name == "Support clients" and last.truncated
    assert (last.rome_codes, last.rome_absence) == ((), None)
    cut_code = _parse_lines(tmp_path, seed_lines[:-1] + ["- ◆ H11"]).emploi_types[-1]  # cut inside the code
    assert cut_code.truncated and cut_code.rome_codes == ()


def test_invalid_rome_code(tmp_path: Path, seed_lines: list[str]) -> None:
    lines = list(seed_lines)
    where = _index(lines, lambda text_line: text_line == "- ◆ M1806")
    lines[where] = "- ◆ Z12"
    with pytest.raises(FicheParseError, match="Z12") as caught:
        _parse_lines(tmp_path, lines)
    assert caught.value.line == where + 1


def test_removed_emploi_type(tmp_path: Path, seed_lines: list[str]) -> None:
    start = _index(seed_lines, lambda text_line: text_line == "Emploi Type : Urbaniste")
    end = _index(seed_lines, lambda text_line: text_line.startswith("Emploi Type :"), start + 1)
    lines = seed_lines[:start] + seed_lines[end:]
    lines = [
        line
        for line in lines
        if not line.startswith("• Urbaniste") and not (line.count("\t") >= 3 and line.split("\t")[1] == "Urbaniste")
    ]
    ref = _parse_lines(tmp_path, lines)
    assert len(ref.emploi_types) == 35 and len(ref.appellation_table) == 35
    assert "Urbaniste" not in [e.name for e in ref.emploi_types]
    assert Counter(e.family for e in ref.emploi_types)["Conseil"] == 5
    labels = [p for e in ref.emploi_types for p in e.evolutions if p.label == "Urbaniste"]
    assert labels and all(p.target is None for p in labels)  # never dropped, now unresolved


def test_block_missing_from_sommaire_is_reported(tmp_path: Path, seed_lines: list[str]) -> None:
    lines = [line for line in seed_lines if not line.startswith("• Urbaniste")]
    with pytest.raises(FicheParseError, match="'Urbaniste'.*matches no sommaire entry") as caught:
        _parse_lines(tmp_path, lines)
    assert caught.value.line == _index(lines, lambda text_line: text_line == "Emploi Type : Urbaniste") + 1


def test_passerelle_through_an_appellation(tmp_path: Path, seed_lines: list[str]) -> None:
    lines = list(seed_lines)
    origins = _index(lines, lambda text_line: text_line == "Origines possibles")
    where = _index(lines, lambda text_line: text_line == "Chef de projet", origins)
    lines[where] = "Manager de projet"  # an appellation of "Chef de projet" in the table
    ref = _parse_lines(tmp_path, lines)
    first = ref.emploi_types[0].origins[0]
    assert (first.label, first.line, first.target, first.matched_by) == (
        "Manager de projet",
        where + 1,
        "Chef de projet",
        "appellation",
    )
