"""Oxigraph's own server tests (oxigraph/oxigraph, ``cli/src/main.rs``), against our endpoint.

Oxigraph's suite checks content negotiation case by case (wildcards, exclusions with ``q=0``,
parameters a representation does not carry, charsets, implicit and explicit priorities,
spacing, its ``text/json`` alias) and the protocol's refusals (an unknown body type, an empty
form, a bad query). Each case here is one of theirs, with the answer their test expects,
sent to a real ``metiers-kg serve``. (The released ``oxigraph`` 0.5 CLI does not pass all of
them itself: the cases come from the suite of its main branch.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.server.conftest import occupation_quads, write_build
from tests.serving import serving

pytestmark = pytest.mark.slow

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
JSON, XML, CSV, TSV = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
# Oxigraph's test name → (Accept, the media type it expects, or the status)
NEGOTIATION: dict[str, tuple[str, str | int]] = {
    "get_query_accept_star": ("*/*", JSON),
    "get_query_accept_substar": ("text/*", CSV),
    "get_query_accept_specific_exclusion": ("*/*;q=1, application/sparql-results+json;q=0, text/csv;q=0.5", XML),
    "get_query_accept_wildcard_exclusion": ("text/*, text/csv;q=0", TSV),
    "get_query_accept_parameter_specificity": (
        "text/csv;charset=utf-8;q=0, text/csv;q=1, text/tab-separated-values;q=0.5",
        TSV,
    ),
    "get_query_accept_non_matching_parameter": ("text/csv;header=absent;q=0, text/csv;q=1", CSV),
    "get_query_accept_incompatible_charset": (
        "text/csv;charset=iso-8859-1;q=0, text/csv;q=1, application/sparql-results+json;q=0.5",
        CSV,
    ),
    "get_query_accept_good": ("application/sparql-results+json;charset=utf-8", JSON),
    "get_query_accept_bad": ("application/foo", 406),
    "get_query_accept_explicit_priority": ("text/foo;q=0.5 , text/json ; q = 0.7", "text/json"),
    "get_query_accept_implicit_priority": ("text/json,text/foo", "text/json"),
    "get_query_accept_implicit_and_explicit_priority": ("text/foo;q=0.9,text/csv", CSV),
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("oxigraph-cases")
    write_build(tmp / "store", occupation_quads())
    with serving(tmp / "store", tmp / "serve.log") as (base, _process):
        yield f"{base}/sparql"


@pytest.mark.parametrize("case", sorted(NEGOTIATION))
def test_content_negotiation_as_oxigraph_expects(endpoint: str, case: str) -> None:
    accept, expected = NEGOTIATION[case]
    answer = requests.get(endpoint, params={"query": SELECT}, headers={"Accept": accept}, timeout=30)
    if isinstance(expected, int):
        assert answer.status_code == expected
    else:
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"] == f"{expected}; charset=utf-8"
        if expected in ("text/json", JSON):
            assert answer.json()["head"]["vars"] == ["s", "p", "o"]


def test_the_store_offers_turtle_to_text_star(endpoint: str) -> None:  # get_store_accept_substar
    answer = requests.get(
        endpoint.replace("/sparql", "/store"), params={"default": ""}, timeout=30, headers={"Accept": "text/*"}
    )
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/turtle")


REFUSALS = {
    "post_unknown_query": ({"Content-Type": "application/sparql-todo"}, b"SELECT", 415),
    "post_sparql_wrong_form": ({"Content-Type": "application/x-www-form-urlencoded"}, b"", 400),
    "post_bad_query": ({"Content-Type": "application/sparql-query"}, b"SELECT * WHERE", 400),
    "post_sparql_update_read_only": (
        {"Content-Type": "application/sparql-update"},
        b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        403,
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_as_oxigraph_expects(endpoint: str, case: str) -> None:
    headers, body, status = REFUSALS[case]
    answer = requests.post(endpoint, headers=headers, data=body, timeout=30)
    assert answer.status_code == status, answer.text[:200]
