"""``metiers-kg match`` run as a user runs it, on the store built from the seeds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kg.search import INDEX_DIR, match
from kg.search.match import COLUMNS, match_titles
from kg.store import current_build
from tests.conftest import run_cli

ESCO_DRH = "http://data.europa.eu/esco/occupation/f605bcd2-90b6-45a0-a558-d05016d68a77"


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_a_spreadsheet_gets_its_codes_back(built_store: Path, tmp_path: Path) -> None:
    source = tmp_path / "titres.csv"
    source.write_text(
        "id;intitulé;service\n1;Exploitante informatique;DSI\n2;DRH;siège\n3;;vide\n4;Exploitante informatique;autre\n",
        encoding="utf-8",
    )
    result = run_cli("match", source, "--column", "intitulé", "--store", built_store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ";".join(["id", "intitulé", "service", *COLUMNS])  # its own delimiter
    rows = _rows(result.stdout, ";")
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"] and rows[2]["rome_code"] == ""
    assert rows[0]["rome_code"] == rows[3]["rome_code"] == "M1810"
    assert rows[0]["rome_appellation"] and float(rows[0]["rome_score"]) >= 90
    assert (rows[1]["esco_occupation"], rows[1]["isco_group"]) == (ESCO_DRH, "1212")
    assert result.stderr == ""  # no progress bar when stderr is no terminal


def test_stdin_to_stdout_with_a_progress_bar(built_store: Path) -> None:
    import subprocess

    from tests.conftest import CLI

    done = subprocess.run(
        [*CLI, "match", "--column", "title", "--store", str(built_store), "--progress"],
        input="title\nvendeur en boulangerie\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    row = _rows(done.stdout)[0]
    assert row["esco_label"].startswith("vendeur en boulangerie") and row["esco_match"] == "true"
    assert "1/1" in done.stderr  # the bar, on stderr only


def test_bad_files_get_one_clear_error(built_store: Path, tmp_path: Path) -> None:
    cases = {
        "colonnes.csv": (b"nom,poste\na,b\n", "no column 'titre'; the columns are 'nom', 'poste'"),
        "latin1.csv": ("titre\nvendeur\nsecrétaire\n".encode("latin-1"), "latin1.csv:3: not UTF-8 (byte 0xE9)"),
        "vide.csv": (b"", "vide.csv: empty file"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = run_cli("match", tmp_path / name, "--column", "titre", "--store", built_store)
        assert result.returncode == 1 and message in result.stderr, (name, result.stderr)
        assert result.stdout == ""


def test_workers_sharing_the_tables_answer_as_one_process(built_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = current_build(built_store) / INDEX_DIR
    titles = ["Exploitante informatique", "DRH", "vendeur en boulangerie", "Infirmier de bloc", "", "tech support"]
    alone = match_titles(directory, titles, 1)
    monkeypatch.setattr(match, "PARALLEL_FROM", 1)
    monkeypatch.setattr(match, "CHUNK", 2)
    assert match_titles(directory, titles, 2) == alone
