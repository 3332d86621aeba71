"""The W3C SPARQL 1.1 Protocol suite (34 tests) against real ``metiers-kg serve`` processes.

Query tests run on a read-only server; update tests (including the bad-update ones, so that
their 4xx come from protocol checks and not merely from a read-only refusal) on a server
started with ``--open-update``, in the manifest's order since they build on each other.
"""

from __future__ import annotations

import pytest
import requests

from tests.conformance.conftest import record
from tests.conformance.manifest import ProtocolTest, check, protocol_tests

pytestmark = pytest.mark.slow

TESTS = protocol_tests()


def test_the_manifest_has_34_tests() -> None:
    assert len(TESTS) == 34
    assert sum(test.is_update for test in TESTS) == 14


@pytest.mark.parametrize("test", TESTS, ids=[test.name for test in TESTS])
def test_protocol(test: ProtocolTest, request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue("update_server" if test.is_update else "read_only_server")
    with requests.Session() as session:
        problems = check(base, test, session)
    record("SPARQL 1.1 Protocol", not problems)
    assert not problems, f"{test.title}: " + "; ".join(problems)
