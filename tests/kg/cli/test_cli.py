"""The CLI contract: exit 0 on success, 1 with one clear message (file and line) on bad input, no partial graph."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.store import Store, current_build
from tests.conftest import SEEDS, run_cli, seed


def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture()
def store_with_seeds(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    result = run_cli("build", "--seeds", SEEDS, "--store", store)
    assert result.returncode == 0, result.stderr
    return store


def bad_seed_cases() -> list[tuple[str, bytes, str, str | None]]:
    """(case id, file content, expected words in the error, expected line or None)."""
    fiche = seed("000").read_text(encoding="utf-8")
    lines = fiche.splitlines(keepends=True)
    rome_line = next(i for i, line in enumerate(lines, start=1) if line.strip() == "- M1810")
    without_id = "".join(line for line in lines if not line.startswith("**ID:**"))
    bad_rome = fiche.replace("- M1810", "- Z9999", 1)
    truncated = fiche[: fiche.index("(ID: FOR.10363)") - 8]
    return [
        ("empty-file", b"", "empty", None),
        ("binary-file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary", None),
        ("not-utf8", "caf\u00e9 au lait\n".encode("latin-1") * 3, "UTF-8", "1"),
        ("fiche-without-id", without_id.encode(), "MET.n", None),
        ("invalid-rome-code", bad_rome.encode(), "Z9999", str(rome_line)),
        ("truncated-fiche", truncated.encode(), "FOR", None),
        ("unknown-kind", b"code,label\nA1,x\nB2,y\n", "unknown document kind", None),
    ]


@pytest.mark.parametrize("case,content,words,line", bad_seed_cases(), ids=[c[0] for c in bad_seed_cases()])
def test_bad_input_fails_with_file_and_line_and_leaves_the_store(
    store_with_seeds: Path, tmp_path: Path, case: str, content: bytes, words: str, line: str | None
) -> None:
    seeds = seeds_copy(tmp_path)
    bad = seeds / f"999_{case}.txt"
    bad.write_bytes(content)
    before = current_build(store_with_seeds)
    triples_before = len(Store.open_current(store_with_seeds))

    result = run_cli("build", "--seeds", seeds, "--store", store_with_seeds)

    assert result.returncode == 1
    message = result.stderr.strip()
    assert str(bad) in message and words in message, message
    if line is not None:
        assert f"{bad}:{line}:" in message, message
    assert "Traceback" not in result.stderr
    assert current_build(store_with_seeds) == before
    assert len(Store.open_current(store_with_seeds)) == triples_before


def test_unreadable_directory_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    result = run_cli("build", "--seeds", missing, "--store", tmp_path / "store")
    assert result.returncode == 1
    assert str(missing) in result.stderr and "no such directory" in result.stderr
    assert not (tmp_path / "store" / "current").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory")
def test_directory_without_permission_is_a_clear_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = run_cli("build", "--seeds", locked, "--store", tmp_path / "store")
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1 and "permission denied" in result.stderr


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    seeds = seeds_copy(tmp_path)
    (seeds / "999_dangling.txt").symlink_to(tmp_path / "gone.txt")
    result = run_cli("build", "--seeds", seeds, "--store", tmp_path / "store")
    assert result.returncode == 1
    assert "999_dangling.txt" in result.stderr and "no such file" in result.stderr


def test_validate_prints_a_report_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("validate", *sorted(SEEDS.iterdir()), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SHACL: ") and "triples conform to the shapes" in result.stdout
    assert not list(tmp_path.iterdir())  # nothing written where it ran


def test_validate_reports_an_unknown_rome_code_with_its_file_and_line(tmp_path: Path) -> None:
    fiche = seed("001").read_text(encoding="utf-8")
    bad = tmp_path / "fiche.txt"
    bad.write_text(fiche.replace("- M1810", "- M1899", 1), encoding="utf-8")
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), start=1) if text.strip() == "- M1899")
    result = run_cli("validate", bad)
    assert result.returncode == 1
    assert f"{bad}:{line}: Violation: ROME code is not a ROME 4.0 fiche" in result.stdout


def test_build_refuses_an_invalid_base_iri(tmp_path: Path) -> None:
    result = run_cli("build", "--seeds", SEEDS, "--store", tmp_path / "s", "--base-iri", "not an iri")
    assert result.returncode == 1 and "invalid base IRI" in result.stderr


def test_two_documents_for_the_same_fiche_are_refused(tmp_path: Path) -> None:
    seeds = seeds_copy(tmp_path)
    text = seed("000").read_text(encoding="utf-8")
    (seeds / "999_copy.txt").write_text(
        text.replace("## Présentation", "## Présentation du métier", 1), encoding="utf-8"
    )
    result = run_cli("build", "--seeds", seeds, "--store", tmp_path / "store")
    assert result.returncode == 1 and "999_copy.txt:1: describes the same resource as" in result.stderr


def test_a_byte_identical_copy_is_the_same_document_and_built_once(tmp_path: Path) -> None:
    seeds, corpus = seeds_copy(tmp_path), tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("000"), corpus / "MET.717.md")
    result = run_cli("build", "--seeds", seeds, corpus, "--store", tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert f"{corpus / 'MET.717.md'}: skipped, byte-identical to {seeds / seed('000').name}" in result.stderr
    assert "built " in result.stderr and " 4 documents," in result.stderr


def test_every_option_has_help_and_the_help_shows_defaults() -> None:
    from kg.cli import make_parser

    parser = make_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices  # noqa: SLF001
    for name, command in commands.items():
        for action in command._actions:  # noqa: SLF001
            assert action.help, (name, action.dest)
    top = run_cli("--help")
    assert "knowledge graph of French occupations" in top.stdout and "SOURCE_DATE_EPOCH" in top.stdout
    build = run_cli("build", "--help").stdout
    assert "(default: var/store)" in " ".join(build.split()) and "SOURCE_DATE_EPOCH" in build
    serve = " ".join(run_cli("serve", "--help").stdout.split())
    for default in (
        "default: var/store",
        "default: 127.0.0.1",
        "default: 8000",
        "default: 30",
        "default: the one the store was built with",
    ):
        assert default in serve, default


def test_build_defaults_to_var_store_like_serve_and_says_when_the_graph_has_no_date(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "METIERS_KG_STORE")}
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", "--seeds", str(SEEDS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert len(Store.open_current(tmp_path / "var" / "store")) > 0
    assert "SOURCE_DATE_EPOCH is not set, so the graph has no build date" in result.stderr
    dated = run_cli("build", "--seeds", SEEDS, "--store", tmp_path / "dated", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert dated.returncode == 0 and "SOURCE_DATE_EPOCH" not in dated.stderr
