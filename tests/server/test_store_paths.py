"""Where ``metiers-kg serve`` finds its store: a relative ``--store`` is the user's working directory's."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from tests.server.conftest import DEV_LABEL, occupation_quads, write_build
from tests.serving import serving

pytestmark = pytest.mark.slow


def test_a_relative_store_is_resolved_against_the_working_directory(tmp_path: Path) -> None:
    """As under ``make run`` (``--store var/store``): the dumps listed at /dumps/ all download."""
    write_build(tmp_path / "var" / "store", occupation_quads())
    with serving(Path("var/store"), tmp_path / "serve.log", "--workers", "1", cwd=tmp_path) as (base, _):
        listing = requests.get(f"{base}/dumps/", headers={"Accept": "text/html"}, timeout=30)
        assert listing.status_code == 200, listing.text
        dump = requests.get(f"{base}/dumps/metiers-kg.ttl.gz", timeout=30)
        assert dump.status_code == 200, dump.text
        turtle = gzip.decompress(dump.content)
    labels = {q.object.value for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert DEV_LABEL in labels
    assert (tmp_path / "var" / "store" / "dumps").is_dir()  # written where the user's store is
