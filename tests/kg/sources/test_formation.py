"""The fiche formation parser: on the vendored ONISEP corpus (exact figures) and on fiches written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.errors import FicheParseError, UnknownDocumentKindError
from kg.sources import formation, onisep, parse, testimony

CORPUS = Path(__file__).resolve().parents[3] / "corpus" / "onisep"
FORMATIONS = sorted((CORPUS / "fiches-formations").glob("FOR.*.md"))
METIERS = sorted((CORPUS / "fiches-metiers").glob("MET.*.md"))

# Not from the corpus: other field order, optional fields missing, a duration in months, sections.
SYNTHETIC = """\
# BTS maintenance des systèmes option éolien

## Informations générales

**Type:** brevet de technicien supérieur (BTS)
**Durée:** 18 mois
**Niveau de certification:** niveau 5 (bac + 2)
**Lien:** https://www.francecompetences.fr/recherche/rncp/12345

## Description

Le titulaire assure la maintenance des parcs.

### Stages
Huit semaines en entreprise.

## Métiers associés

- technicien/ne de maintenance en éolien
- Technicien/ne de maintenance en éolien
- cordiste
"""


def _write(tmp_path: Path, text: str, name: str = "FOR.90001.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_corpus_formation_is_a_fiche_formation_with_exact_figures() -> None:
    parsed = [parse(path) for path in FORMATIONS]
    assert len(parsed) == 1982 and all(isinstance(f, formation.FicheFormation) for f in parsed)
    assert sum(f.eqf_level is not None for f in parsed) == 1831  # 151 are "non inscrit au RNCP"
    assert sum(f.certification is not None and f.eqf_level is None for f in parsed) == 151
    assert sum(f.rncp is not None for f in parsed) == 1265
    assert sum(f.schooling_code is not None for f in parsed) == 1454
    assert sum(f.duration_iso is not None for f in parsed) == 1982
    assert sum(len(f.occupations) for f in parsed) == 5435


def test_no_fiche_metier_is_taken_for_a_formation_nor_the_reverse() -> None:
    for path in METIERS[:100]:
        text = path.read_text(encoding="utf-8")
        assert onisep.looks_like(text) and not formation.looks_like(text), path.name
    for path in FORMATIONS[:300]:
        text = path.read_text(encoding="utf-8")
        assert not onisep.looks_like(text) and not testimony.looks_like(text), path.name


def test_fields_of_a_corpus_fiche() -> None:
    fiche = parse(CORPUS / "fiches-formations" / "FOR.10363.md")
    assert (fiche.id, fiche.title, fiche.formation_type.value) == ("FOR.10363", "master mention informatique", "master")
    assert (fiche.schooling_code.value, fiche.duration_iso, fiche.eqf_level, fiche.rncp) == (
        "1353261J",
        "P2Y",
        7,
        "39278",
    )
    assert fiche.occupations[0] == formation.NamedOccupation("ingénieur/e logiciel", 14)
    assert len(fiche.occupations) == 10


def test_a_fiche_written_for_the_test(tmp_path: Path) -> None:
    fiche = parse(_write(tmp_path, SYNTHETIC))
    assert isinstance(fiche, formation.FicheFormation)
    assert (fiche.id, fiche.duration_iso, fiche.eqf_level, fiche.rncp, fiche.schooling_code) == (
        "FOR.90001",
        "P18M",
        5,
        "12345",
        None,
    )
    assert [(o.name, o.line) for o in fiche.occupations] == [
        ("technicien/ne de maintenance en éolien", 19),
        ("cordiste", 21),
    ]  # case variants are one name
    assert [(s.title, s.text, [c.title for c in s.subsections]) for s in fiche.sections] == [
        ("Description", "Le titulaire assure la maintenance des parcs.", ["Stages"])
    ]


@pytest.mark.parametrize(
    ("change", "name", "message", "line"),
    [
        (("**Type:** brevet de technicien supérieur (BTS)\n", ""), "FOR.90001.md", "missing '\\*\\*Type", 1),
        (("niveau 5 (bac + 2)", "niveau 9"), "FOR.90001.md", "not a level 1 to 8", 7),
        (("**Durée:** 18 mois", "**Durée:** 18 mois\n**Durée:** 2 ans"), "FOR.90001.md", "second 'Durée' field", 7),
        (
            ("https://www.francecompetences.fr/recherche/rncp/12345", "[lien](pas une url)"),
            "FOR.90001.md",
            "unreadable link",
            8,
        ),
        (("", ""), "bts-eolien.md", "file named FOR.n.md", 1),
    ],
)
def test_malformed_fiches_are_refused_with_their_line(
    tmp_path: Path, change: tuple[str, str], name: str, message: str, line: int
) -> None:
    with pytest.raises(FicheParseError, match=message) as caught:
        parse(_write(tmp_path, SYNTHETIC.replace(*change) if change[0] else SYNTHETIC, name))
    assert caught.value.line == line


def test_prose_is_not_taken_for_a_testimony(tmp_path: Path) -> None:
    """Prose without a testimony's shape (no first person), or a record of an unknown kind, is refused."""
    prose = (
        "Le technicien de maintenance intervient sur les parcs éoliens. Il contrôle les machines, "
        "diagnostique les pannes et remplace les pièces usées. Il travaille souvent en hauteur, "
        "par tous les temps, et doit respecter des règles de sécurité strictes. "
    ) * 3
    record = "# Fiche inconnue\n\n**Code:** X1\n**Public:** adultes\n\n" + prose.replace("Il ", "Je ")
    for text in (prose, record):
        with pytest.raises(UnknownDocumentKindError, match="not a testimony"):
            parse(_write(tmp_path, text, "doc.md"))
