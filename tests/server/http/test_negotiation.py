"""Accept parsing and representation choice, without HTTP."""

from __future__ import annotations

import pytest

from server.http.errors import NotAcceptableError
from server.http.negotiation import MediaRange, Preferences, QueryForm, parse_accept, quality


def test_a_range_with_parameters_we_do_not_send_excludes_nothing() -> None:
    """RFC 9110 §12.5.1, as oxigraph's suite checks it: ``text/csv;charset=iso-8859-1;q=0`` is not our CSV."""
    assert quality(parse_accept("text/csv;charset=iso-8859-1;q=0, text/csv"), "text/csv") == 1.0
    assert quality(parse_accept("text/csv;header=absent;q=0, text/csv;q=0.4"), "text/csv") == 0.4
    assert quality(parse_accept("text/csv;charset=UTF-8;q=0, text/csv"), "text/csv") == 0.0  # the one we send


def test_parse_accept_reads_q_values_and_skips_garbage() -> None:
    ranges = parse_accept("text/csv;q=0.5, Application/XML ; charset=utf-8, bogus, */*;q=0.1;level=1, x/y;q=abc")
    assert ranges == [
        MediaRange("text", "csv", 0.5),
        MediaRange("application", "xml", 1.0, (("charset", "utf-8"),)),
        MediaRange("*", "*", 0.1),
        MediaRange("x", "y", 0.0),
    ]


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_accept_means_anything(header: str | None) -> None:
    assert parse_accept(header) == [MediaRange("*", "*", 1.0)]


def test_the_most_specific_range_decides() -> None:
    ranges = parse_accept("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1")
    assert quality(ranges, "text/csv") == 0.7
    assert quality(ranges, "text/turtle") == 0.3
    assert quality(ranges, "application/json") == 0.1
    assert quality(parse_accept("text/csv"), "application/json") == 0.0


def test_ties_go_to_the_server_order() -> None:
    prefs = Preferences("text/csv, application/sparql-results+xml, application/sparql-results+json")
    assert prefs.choose(QueryForm.SOLUTIONS).media_type == "application/sparql-results+json"


def test_format_names_a_representation_of_the_form() -> None:
    assert Preferences("text/csv", ("json",)).choose(QueryForm.BOOLEAN).media_type == "application/sparql-results+json"
    assert Preferences(None, ("json",)).choose(QueryForm.GRAPH).media_type == "application/ld+json"
    assert (
        Preferences(None, ("rdf+xml", "application/rdf+xml")).choose(QueryForm.GRAPH).media_type
        == "application/rdf+xml"
    )
    assert Preferences(None, ("n3",)).choose(QueryForm.GRAPH).media_type == "text/turtle"  # unknown: Accept decides


def test_406_error_lists_what_is_available() -> None:
    with pytest.raises(NotAcceptableError) as caught:
        Preferences("image/png").choose(QueryForm.GRAPH)
    assert caught.value.accept == "image/png"
    assert caught.value.available == [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    ]
