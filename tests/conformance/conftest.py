"""Real servers for the W3C suites: the protocol test data loaded with ``metiers-kg load``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conformance.manifest import W3C, protocol_tests
from tests.conftest import run_cli
from tests.serving import serving

RESULTS: dict[str, list[bool]] = {}  # suite → outcomes, for the summary line


def record(suite: str, passed: bool) -> None:
    RESULTS.setdefault(suite, []).append(passed)


def pytest_terminal_summary(terminalreporter) -> None:
    for suite, outcomes in RESULTS.items():
        terminalreporter.write_line(f"W3C {suite}: {sum(outcomes)}/{len(outcomes)} tests pass")


@pytest.fixture(scope="session")
def protocol_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding data1-3.nt, each in the named graph the manifest names for it."""
    store = tmp_path_factory.mktemp("w3c-protocol") / "store"
    graphs = sorted({pair for test in protocol_tests() for pair in test.graph_data})
    for file_name, graph in graphs:
        result = run_cli("load", "--store", store, "--graph", graph, W3C / "protocol" / file_name)
        assert result.returncode == 0, result.stderr
    return store


@pytest.fixture(scope="session")
def read_only_server(protocol_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("w3c-logs") / "read-only.log"
    with serving(protocol_store, log, "--workers", "2") as (base, _process):
        yield base


@pytest.fixture(scope="session")
def update_server(protocol_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server, on a copy of the store, started with updates allowed (loopback only)."""
    copy = tmp_path_factory.mktemp("w3c-update") / "store"
    shutil.copytree(protocol_store, copy, symlinks=True)
    log = copy.parent / "update.log"
    with serving(copy, log, "--workers", "2", "--open-update") as (base, _process):
        yield base
