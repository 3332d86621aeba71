"""The ROME export parser on France Travail's complete export (vendored) and on broken copies of it."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from kg.core.errors import SourceError
from kg.sources.rome import RomeExport, gendered_forms, parse_export, read_fiches

REPO = Path(__file__).resolve().parents[3]
EXPORT = REPO / "reference" / "rome4-v460.zip"


@pytest.fixture(scope="module")
def export() -> RomeExport:
    return parse_export(EXPORT)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The vendored export unzipped, as France Travail's files sit in a folder."""
    target = tmp_path / "rome"
    with zipfile.ZipFile(EXPORT) as archive:
        archive.extractall(target)
    return target


def rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_of_the_complete_export(export: RomeExport) -> None:
    assert len(export.fiches.fiches) == 1584
    assert len(export.fiches.grands_domaines) == 14
    assert len(export.fiches.domaines) == 110
    assert len(export.appellations) == 13120
    assert Counter(a.principal for a in export.appellations) == {True: 1584, False: 11536}
    assert len(export.competences) == 18317
    assert Counter(c.macro for c in export.competences) == {False: 17810, True: 507}
    assert len(export.savoirs) == 15354
    assert len({s.category for s in export.savoirs}) == 5
    assert len({(s.category, s.subcategory) for s in export.savoirs}) == 27
    assert len(export.contextes) == 179
    assert len({c.type_code for c in export.contextes}) == 6
    assert len(export.links) + len(export.fiches.fiches) == 118923  # + bloc 1: each fiche's own code
    assert Counter(link.coeur_de_metier for link in export.links if link.coeur_de_metier) == {
        "Principale": 18900,
        "Émergente": 1731,
    }
    assert len(export.mobilities) == 14912
    assert (len(export.themes), len(export.interests)) == (17, 30)
    assert sum(1 for link in export.fiche_sectors if link.principal) == 1584
    assert {link.fiche for link in export.fiche_sectors if link.principal} == {f.code for f in export.fiches.fiches}


def test_the_competence_tree_rebuilt_from_codes(export: RomeExport) -> None:
    codes = [c.tree_code for c in export.competences if c.macro]
    assert (len({c[:1] for c in codes}), len({c[:2] for c in codes}), len({c[:3] for c in codes})) == (6, 32, 84)


def test_version_from_file_names_and_version_file(export: RomeExport) -> None:
    version = export.fiches.version
    assert (version.tag, version.number, version.release) == ("460", "60", "4.60")
    assert (version.published, version.validated) == ("2025-09-18", "2025-08-27")
    assert version.title == "ROME 4.0 version 60 - 25M09"


def test_quirks_are_handled_and_reported(export: RomeExport) -> None:
    quirks = "\n".join(export.quirks)
    assert "unix_texte_v460_utf8.csv: doubled apostrophes ('') read as one apostrophe in 4851 fields" in quirks
    assert "unix_arborescence_secteur_naf_v460_utf8.csv: encoded in cp1252" in quirks
    assert "unix_type_referentiel_v460_utf8.csv: holds only its header" in quirks
    assert "arborescence_competences) is not in the export" in quirks
    assert not any("''" in sentence for f in export.fiches.fiches for sentence in f.definition + f.access)
    naf = {s.code: s.label for s in export.naf_sectors}
    assert len(export.fiche_naf) == 2920 and all(link.target in naf for link in export.fiche_naf)


def test_round_trip_of_fiches_against_the_csv_rows(export: RomeExport, folder: Path) -> None:
    fiches = {f.code: f for f in export.fiches.fiches}
    by_code = {r["code_rome"]: r for r in rows(folder / "unix_referentiel_code_rome_v460_utf8.csv")}
    texts = rows(folder / "unix_texte_v460_utf8.csv")
    for code in ("A1101", "M1810", "N4101"):
        fiche, row = fiches[code], by_code[code]
        assert (fiche.ogr, fiche.label, fiche.v3_parent) == (
            row["code_ogr"],
            row["libelle_rome"],
            row["code_rome_parent"],
        )
        definition = sorted(
            (int(t["position_phrase"]), t["libelle_texte"].replace("''", "'"))
            for t in texts
            if t["code_rome"] == code and t["libelle_type_texte"] == "definition"
        )
        assert fiche.definition == tuple(text for _, text in definition)
        expected = {
            (r["code_ogr"], r["libelle_appellation_long"])
            for r in rows(folder / "unix_referentiel_appellation_v460_utf8.csv")
            if r["code_rome"] == code
        }
        assert {(a.code, a.label) for a in export.appellations if a.fiche == code} == expected
        mobilities = sorted(
            (int(r["numero_ordre"]), r["code_rome_cible"])
            for r in rows(folder / "unix_rubrique_mobilite_v460_utf8.csv")
            if r["code_rome"] == code
        )
        assert sorted((m.order, m.target) for m in export.mobilities if m.source == code) == mobilities
    assert fiches["A1101"].definition[0] == "Réalise des travaux agricoles mécanisés."


def test_a_folder_reads_as_the_zip(export: RomeExport, folder: Path) -> None:
    again = read_fiches(folder)
    assert again.fiches == export.fiches.fiches and again.checksum == export.fiches.checksum


def _rewrite(path: Path, edit) -> None:
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), "utf-8")


def test_a_missing_file_is_named(folder: Path) -> None:
    (folder / "unix_referentiel_savoir_v460_utf8.csv").unlink()
    with pytest.raises(SourceError, match=r"unix_referentiel_savoir_v460_utf8.csv: missing: this file"):
        parse_export(folder)


def test_a_row_with_a_missing_field_names_file_and_line(folder: Path) -> None:
    _rewrite(folder / "unix_rubrique_mobilite_v460_utf8.csv", lambda lines: lines[:5] + ['"A1101","A1102"'] + lines[6:])
    with pytest.raises(SourceError) as error:
        parse_export(folder)
    assert str(error.value) == f"{folder}/unix_rubrique_mobilite_v460_utf8.csv:6: 2 fields, the header has 3"


def test_a_link_to_an_unknown_code_names_file_and_line(folder: Path) -> None:
    _rewrite(
        folder / "unix_liens_rome_referentiels_v460_utf8.csv",
        lambda lines: lines[:9] + ['"A1101","5","3","999999999"'] + lines[10:],
    )
    with pytest.raises(SourceError) as error:
        parse_export(folder)
    assert str(error.value) == (
        f"{folder}/unix_liens_rome_referentiels_v460_utf8.csv:10: code_ogr 999999999 is not a known savoir"
    )


def test_a_mobility_to_an_unknown_fiche(folder: Path) -> None:
    _rewrite(folder / "unix_rubrique_mobilite_v460_utf8.csv", lambda lines: lines[:-1] + ['"A1101","Z9999","1"', ""])
    with pytest.raises(
        SourceError,
        match=r"unix_rubrique_mobilite_v460_utf8.csv:14914: code_rome_cible Z9999 is "
        r"not a known ROME fiche",
    ):
        parse_export(folder)


def test_a_cp1252_file_where_utf8_is_required(folder: Path) -> None:
    path = folder / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_bytes(path.read_text("utf-8").encode("cp1252", errors="replace"))
    with pytest.raises(SourceError) as error:
        parse_export(folder)
    assert str(error.value).startswith(f"{path}:2: not valid UTF-8 (byte 0x")


def test_a_version_file_that_disagrees_with_the_file_names(folder: Path) -> None:
    _rewrite(folder / "version.txt", lambda lines: ["Numero de version : 61", *lines[1:]])
    with pytest.raises(SourceError, match=r"version.txt:1: says version 61 but the file names say v460"):
        parse_export(folder)


def test_the_next_release_is_read_by_its_names(folder: Path, tmp_path: Path) -> None:
    """Nothing is specific to v460: the same files renamed v461 with version 61 are ROME 4.61."""
    renamed = tmp_path / "next"
    renamed.mkdir()
    for path in folder.iterdir():
        shutil.copy(path, renamed / path.name.replace("_v460_", "_v461_"))
    _rewrite(renamed / "version.txt", lambda lines: ["Numero de version : 61", *lines[1:]])
    assert read_fiches(renamed).version.release == "4.61"
    archive = tmp_path / "RefRomeCsv.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(renamed.iterdir()):
            out.write(path, f"RefRomeCsv/{path.name}")
    assert read_fiches(archive).version.release == "4.61"


@pytest.mark.parametrize(
    "label, forms",
    [
        (
            "Conducteur / Conductrice d'engins agricoles",
            ("Conducteur d'engins agricoles", "Conductrice d'engins agricoles"),
        ),
        (
            "Électricien monteur / Électricienne monteuse réseaux",
            ("Électricien monteur réseaux", "Électricienne monteuse réseaux"),
        ),
        ("Accastilleur-gréeur / Accastilleuse-gréeuse", ("Accastilleur-gréeur", "Accastilleuse-gréeuse")),
        ("Chef de gisement", None),
        ("Accessoiriste / Machiniste", None),  # two titles, not two genders of one: left whole
    ],
)
def test_gendered_forms(label: str, forms: tuple[str, str] | None) -> None:
    assert gendered_forms(label) == forms


def test_gendered_labels_cover_most_appellations(export: RomeExport) -> None:
    split = sum(1 for a in export.appellations if gendered_forms(a.label))
    assert 10000 < split < len(export.appellations)
