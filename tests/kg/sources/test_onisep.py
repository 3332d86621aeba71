"""The ONISEP fiche parser on the two seed fiches, and on modified copies of them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.core.errors import FicheParseError
from kg.sources import onisep, parse
from kg.sources.common import read_source
from kg.sources.onisep import Fiche

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
MET717 = next(SEEDS.glob("000_*.txt"))
MET15 = next(SEEDS.glob("001_*.txt"))
NOT_FICHES = [p for prefix in ("002", "004") for p in SEEDS.glob(f"{prefix}_*.txt")]

MET717_SECTIONS = [
    "Présentation",
    "En bref",
    "Après le bac",
    "Nature du travail",
    "Compétences requises",
    "Conditions de travail",
    "Vie professionnelle",
    "Salaire",
    "Intégrer le marché du travail",
    "Accès au métier",
    "Formations recommandées",
    "Centres d'intérêt",
]


def _parse(path: Path) -> Fiche:
    document = parse(path)
    assert isinstance(document, Fiche)
    return document


@pytest.fixture(scope="module")
def met717() -> Fiche:
    return _parse(MET717)


@pytest.fixture(scope="module")
def met15() -> Fiche:
    return _parse(MET15)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _write(tmp_path: Path, lines: list[str], name: str = "fiche.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _line_of(lines: list[str], text: str) -> int:
    """1-based number of the first line whose stripped content is ``text``."""
    return next(i for i, line in enumerate(lines, start=1) if line.strip() == text)


# --- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [MET717, MET15], ids=["MET.717", "MET.15"])
def test_detects_fiches(path: Path) -> None:
    assert onisep.looks_like(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOT_FICHES, ids=[p.name[:3] for p in NOT_FICHES])
def test_other_seeds_are_not_fiches(path: Path) -> None:
    assert not onisep.looks_like(path.read_text(encoding="utf-8"))


# --- figures shared by both seeds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fiche_id", "title", "formations", "first", "last", "level", "years", "interests"),
    [
        (
            MET717,
            "MET.717",
            "administrateur/trice de logiciels de laboratoire",
            11,
            "FOR.5462",
            "FOR.12058",
            "bac + 3",
            3,
            1,
        ),
        (MET15, "MET.15", "gestionnaire de parc micro-informatique", 9, "FOR.5405", "FOR.12039", "bac + 5", 5, 2),
    ],
    ids=["MET.717", "MET.15"],
)
def test_seed_figures(path, fiche_id, title, formations, first, last, level, years, interests) -> None:
    fiche = _parse(path)
    assert (fiche.id, fiche.id_line, fiche.title, fiche.title_line) == (fiche_id, 2, title, 1)
    assert [r.code for r in fiche.rome_codes] == ["M1810"]
    assert len(fiche.formations) == formations
    assert (fiche.formations[0].id, fiche.formations[-1].id) == (first, last)
    assert (fiche.access_level.label, fiche.access_level.years_after_bac) == (level, years)
    assert len(fiche.interests) == interests
    assert [s.label for s in fiche.statuses] == ["salarié"]


def test_formations_keep_file_order_and_lines(met717: Fiche) -> None:
    lines = _lines(MET717)
    for formation in met717.formations:
        assert lines[formation.line - 1].endswith(f"(ID: {formation.id})")
        assert lines[formation.line - 1].startswith(f"- {formation.label} (ID:")
    numbers = [f.line for f in met717.formations]
    assert numbers == list(range(numbers[0], numbers[0] + 11))
    assert met717.formations[4].label == "master mention informatique"
    assert met717.formations[0].label.startswith("diplôme d'ingénieur de l'École polytechnique universitaire")


# --- MET.717 ---------------------------------------------------------------------------------


def test_met717_appellation_and_rome(met717: Fiche) -> None:
    assert met717.appellation.feminine == "administratrice de logiciels de laboratoire"
    assert met717.appellation.masculine == "administrateur de logiciels de laboratoire"
    assert met717.appellation.line == 5
    assert met717.other_appellations == ()
    assert [(r.code, r.line) for r in met717.rome_codes] == [("M1810", 8)]


def test_met717_salary_has_no_amount(met717: Fiche) -> None:
    assert met717.salary is None
    assert met717.salary_text.startswith("Variable en fonction du lieu d'exercice")


def test_met717_sections_in_order(met717: Fiche) -> None:
    assert [s.title for s in met717.sections] == MET717_SECTIONS
    assert all(s.level == 2 for s in met717.sections)
    nature = met717.sections[3]
    assert [s.title for s in nature.subsections] == [
        "De nombreuses données",
        "Les bons choix",
        "Des tâches quotidiennes",
    ]
    assert nature.subsections[1].text.startswith("La concurrence est forte")
    salaire = met717.sections[MET717_SECTIONS.index("Salaire")]
    assert [s.title for s in salaire.subsections] == ["Salaire du débutant"]


def test_met717_statuses_and_interests(met717: Fiche) -> None:
    assert [(s.label, s.line) for s in met717.statuses] == [("salarié", 99)]
    assert [i.label for i in met717.interests] == ["je suis accro au numérique"]


# --- MET.15 ----------------------------------------------------------------------------------


def test_met15_other_appellations(met15: Fiche) -> None:
    labels = ["responsable de parc micro-informatique", "responsable micro-réseaux (réseaux locaux)"]
    assert [o.label for o in met15.other_appellations] == labels
    assert [o.line for o in met15.other_appellations] == [10, 14]
    for other in met15.other_appellations:
        assert (other.forms.feminine, other.forms.masculine) == (other.label, other.label)
    assert met15.appellation.feminine == met15.appellation.masculine == "gestionnaire de parc micro-informatique"


def test_met15_salary(met15: Fiche) -> None:
    salary = met15.salary
    assert (salary.amount, salary.currency, salary.period, salary.gross) == (Decimal("2415"), "EUR", "month", True)
    assert salary.max_amount is None
    assert salary.text == met15.salary_text == "A partir de 2415 euros brut par mois"
    assert _lines(MET15)[salary.line - 1].strip() == salary.text


def test_met15_interests(met15: Fiche) -> None:
    assert [i.label for i in met15.interests] == ["j'aime organiser, gérer", "réparer, bricoler, j'adore ça"]
    assert met15.sections[0].title == "Autres appellations"


# --- malformed or unusual copies -------------------------------------------------------------


def test_missing_id_is_an_error(tmp_path: Path) -> None:
    lines = [line for line in _lines(MET717) if not line.startswith("**ID:**")]
    with pytest.raises(FicheParseError, match="missing fiche ID") as caught:
        parse(_write(tmp_path, lines))
    assert caught.value.line == 1


def test_invalid_id_is_an_error(tmp_path: Path) -> None:
    lines = [line.replace("MET.717", "MET.sept") for line in _lines(MET717)]
    with pytest.raises(FicheParseError, match="invalid fiche ID 'MET.sept'") as caught:
        parse(_write(tmp_path, lines))
    assert caught.value.line == 2


def test_invalid_rome_code_points_at_its_line(tmp_path: Path) -> None:
    lines = [line.replace("- M1810", "- Z9999") for line in _lines(MET15)]
    with pytest.raises(FicheParseError, match="invalid ROME code 'Z9999'") as caught:
        parse(_write(tmp_path, lines))
    assert caught.value.line == _line_of(lines, "- Z9999")
    assert str(caught.value).startswith(f"{tmp_path / 'fiche.txt'}:{caught.value.line}:")


def test_truncated_formation_line_is_an_error(tmp_path: Path) -> None:
    lines = _lines(MET717)
    cut = _line_of(lines, "- master mention informatique (ID: FOR.10363)")
    lines = lines[: cut - 1] + ["- master mention informatique (ID: FOR.10"]
    with pytest.raises(FicheParseError, match=r"without an ID '\(ID: FOR.n\)'") as caught:
        parse(_write(tmp_path, lines))
    assert caught.value.line == cut


def test_several_rome_codes_in_order(tmp_path: Path) -> None:
    lines = _lines(MET717)
    at = _line_of(lines, "- M1810")
    lines[at:at] = ["- M1805 : Études et développement informatique", "- M1801"]
    fiche = _parse(_write(tmp_path, lines))
    assert [(r.code, r.line) for r in fiche.rome_codes] == [("M1810", at), ("M1805", at + 1), ("M1801", at + 2)]


def test_inline_rome_codes(tmp_path: Path) -> None:
    lines = _lines(MET717)
    at = _line_of(lines, "**Codes ROME:**")
    lines[at - 1 : at + 1] = ["**Codes ROME:** M1805, M1810"]
    fiche = _parse(_write(tmp_path, lines))
    assert [(r.code, r.line) for r in fiche.rome_codes] == [("M1805", at), ("M1810", at)]


def test_unknown_section_is_kept_in_place(tmp_path: Path) -> None:
    lines = _lines(MET717)
    at = _line_of(lines, "## Accès au métier") - 1
    lines[at:at] = ["## Témoignages", "", "Un administrateur raconte son quotidien.", ""]
    fiche = _parse(_write(tmp_path, lines))
    titles = [s.title for s in fiche.sections]
    assert titles == MET717_SECTIONS[:9] + ["Témoignages"] + MET717_SECTIONS[9:]
    extra = fiche.sections[9]
    assert (extra.text, extra.line, extra.level) == ("Un administrateur raconte son quotidien.", at + 1, 2)
    assert len(fiche.formations) == 11


def test_optional_sections_may_be_missing(tmp_path: Path) -> None:
    lines = _lines(MET15)
    drop_from = {
        "## Autres appellations": "**Codes ROME:**",
        "## Salaire": "## Accès au métier",
        "**Statuts possibles:**": "## Centres d'intérêt",
    }
    for start, stop in drop_from.items():
        lines = lines[: _line_of(lines, start) - 1] + lines[_line_of(lines, stop) - 1 :]
    lines = lines[: _line_of(lines, "## Centres d'intérêt") - 1]
    fiche = _parse(_write(tmp_path, lines))
    assert fiche.other_appellations == ()
    assert (fiche.salary, fiche.salary_text) == (None, None)
    assert fiche.statuses == () and fiche.interests == ()
    assert len(fiche.formations) == 9
    assert "Salaire" not in [s.title for s in fiche.sections]


def test_crlf_copy_parses_the_same(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(MET15.read_bytes().replace(b"\n", b"\r\n"))
    crlf, lf = _parse(path), _parse(MET15)
    assert (crlf.formations, crlf.rome_codes, crlf.salary, crlf.sections) == (
        lf.formations,
        lf.rome_codes,
        lf.salary,
        lf.sections,
    )


@pytest.mark.parametrize(
    ("sentence", "amount", "max_amount", "period", "gross"),
    [
        ("Entre 1 800 et 2 000 euros net par mois", Decimal("1800"), Decimal("2000"), "month", False),
        ("Environ 30 000 € brut par an", Decimal("30000"), None, "year", True),
        ("Smic (1 766,92 € brut mensuel)", Decimal("1766.92"), None, "month", True),
    ],
    ids=["range-net-month", "yearly-gross", "decimal-comma"],
)
def test_salary_sentences(tmp_path: Path, sentence, amount, max_amount, period, gross) -> None:
    lines = [sentence if "2415 euros" in line else line for line in _lines(MET15)]
    salary = _parse(_write(tmp_path, lines)).salary
    assert (salary.amount, salary.max_amount, salary.period, salary.gross) == (amount, max_amount, period, gross)


@pytest.mark.parametrize(
    ("level", "years"),
    [("bac + 2", 2), ("Bac+5", 5), ("bac", 0), ("bac + 2 ou 3", 2), ("CAP", None)],
    ids=["bac+2", "compact", "bac", "alternatives", "no-bac"],
)
def test_access_levels(tmp_path: Path, level: str, years: int | None) -> None:
    lines = [
        f"**Niveau d'accès minimum:** {level}" if line.startswith("**Niveau d") else line for line in _lines(MET717)
    ]
    fiche = _parse(_write(tmp_path, lines))
    assert (fiche.access_level.label, fiche.access_level.years_after_bac) == (level, years)


def test_text_is_read_through_read_source(tmp_path: Path) -> None:
    path = _write(tmp_path, _lines(MET717))
    text, source = read_source(path)
    assert onisep.parse_text(text, source).source == source


def test_bullets_keep_their_list_structure(met717: Fiche) -> None:
    lines = _lines(MET717)
    formations = met717.sections[MET717_SECTIONS.index("Formations recommandées")]
    assert [item.line for item in formations.items] == list(range(86, 97))
    assert formations.items[0].label == lines[85][2:].strip() and formations.items[-1].label.endswith("(ID: FOR.12058)")
    interests = met717.sections[MET717_SECTIONS.index("Centres d'intérêt")]
    assert [item.label for item in interests.items] == [i.label for i in met717.interests]
    nature = met717.sections[MET717_SECTIONS.index("Nature du travail")]
    assert nature.items == () and all(s.items == () for s in nature.subsections)  # prose stays prose
