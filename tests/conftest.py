"""Shared fixtures: the repository's seeds and one real store built from them per session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.rome_subset import seed_skill_items, write_subset

REPO = Path(__file__).resolve().parent.parent
FULL_ROME = REPO / "reference" / "rome4-v460.zip"
SEEDS = REPO / "seeds"
SEED_FILES = sorted(SEEDS.iterdir())
CLI = [sys.executable, "-m", "kg.cli"]


_SESSION_DIR: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Every build of the session (in-process or through the CLI) shares one ROME cache (kg.rome_stage):
    the full ROME graph is mapped and validated once, not once per test store. It lives in the system's
    temporary directory, where the test stores are, so that builds start from it by hard links; it is
    the session's own (another test run on the machine, with other code, has other cache keys and
    would evict this one's entries), and removed at the end."""
    session = Path(tempfile.mkdtemp(prefix="metiers-kg-test-"))
    _SESSION_DIR.append(session)
    os.environ.setdefault("METIERS_KG_CACHE", str(session / "cache"))
    # Builds read a smaller export of the same kind unless a test passes --rome (tests/rome_subset.py).
    if "METIERS_KG_ROME" not in os.environ:
        text = "\n".join(p.read_text("utf-8") for p in SEED_FILES)
        named = set(re.findall(r"\b[A-N][0-9]{4}\b", text))
        skills = seed_skill_items(SEEDS, FULL_ROME)
        os.environ["METIERS_KG_ROME"] = str(write_subset(FULL_ROME, session / "rome-subset", named, text, skills))


def pytest_unconfigure(config: pytest.Config) -> None:
    for session in _SESSION_DIR:
        shutil.rmtree(session, ignore_errors=True)


def seed(prefix: str) -> Path:
    """The seed whose file name starts with ``prefix`` (e.g. "000")."""
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    """Run ``metiers-kg`` as a user would, in a separate process."""
    return subprocess.run(
        [*CLI, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real on-disk Oxigraph store built from seeds/ through the CLI."""
    store = tmp_path_factory.mktemp("store") / "kg"
    result = run_cli("build", "--seeds", SEEDS, "--store", store)
    assert result.returncode == 0, result.stderr
    return store


CORPUS = REPO / "corpus" / "onisep"
CORPUS_DIRS = (CORPUS / "fiches-metiers", CORPUS / "fiches-formations")


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, str]:
    """The seeds, the whole vendored ONISEP corpus and the complete ROME, built once per session as `make run` does.

    Returns the store, the finished process and the rejection report it wrote.
    """
    where = tmp_path_factory.mktemp("corpus")
    store, rejections = where / "kg", where / "rejections.txt"
    result = run_cli(
        "build",
        "--seeds",
        SEEDS,
        *CORPUS_DIRS,
        "--keep-going",
        "--rejections",
        rejections,
        "--store",
        store,
        "--rome",
        FULL_ROME,
        timeout=900,
    )
    assert result.returncode == 3, result.stderr[-3000:]
    return store, result, rejections.read_text(encoding="utf-8")
