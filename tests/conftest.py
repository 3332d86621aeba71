"""Shared fixtures: the repository's seeds and one real store built from them per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILES = sorted(SEEDS.iterdir())
CLI = [sys.executable, "-m", "kg.cli"]


def seed(prefix: str) -> Path:
    """The seed whose file name starts with ``prefix`` (e.g. "000")."""
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
            cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``metiers-kg`` as a user would, in a separate process."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=cwd)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real on-disk Oxigraph store built from seeds/ through the CLI."""
    store = tmp_path_factory.mktemp("store") / "kg"
    result = run_cli("build", "--seeds", SEEDS, "--store", store)
    assert result.returncode == 0, result.stderr
    return store
