"""Results under a row cap (``--max-rows``), which say so instead of silently stopping short.

pyoxigraph serialises a whole ``QuerySolutions`` natively and offers no way to stop after N
rows, nor to serialise a Python list of solutions. So, only when a cap is configured, the
executor reads at most ``cap + 1`` solutions (bounded memory: the cap), knows whether the
result was cut before anything is sent, and writes the four result formats itself. Graph
results are cut with ``islice`` and still serialised by pyoxigraph. A cut result carries the
header ``Results-Truncated: max-rows=N``; in SPARQL JSON it also has a top-level
``"truncated": true`` and in SPARQL XML a ``<link href="urn:metiers-kg:truncated:max-rows=N"/>``
in its head, so a client that reads only the body can tell too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import BinaryIO, TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.core.vocab import RDF, XSD

T = TypeVar("T")
TRUNCATED_HEADER = "Results-Truncated"
XSD_STRING = str(XSD.string)
RDF_LANG_STRING = str(RDF.langString)


def take(results: Iterable[T], cap: int) -> tuple[list[T], bool]:
    """At most ``cap`` items, and whether there were more."""
    items = list(islice(results, cap + 1))
    return items[:cap], len(items) > cap


def truncation_headers(cap: int) -> dict[str, str]:
    return {TRUNCATED_HEADER: f"max-rows={cap}"}


def write_solutions(
    out: BinaryIO,
    variables: Sequence[str],
    rows: Sequence[ox.QuerySolution],
    format: ox.QueryResultsFormat,
    truncated: bool,
    cap: int,
) -> None:
    """Serialise ``rows`` (already cut to the cap) in one of the four SPARQL results formats."""
    if format == ox.QueryResultsFormat.JSON:
        _json(out, variables, rows, truncated)
    elif format == ox.QueryResultsFormat.XML:
        _xml(out, variables, rows, truncated, cap)
    elif format == ox.QueryResultsFormat.CSV:
        _csv(out, variables, rows)
    else:
        _tsv(out, variables, rows)


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _json(out: BinaryIO, variables: Sequence[str], rows: Sequence[ox.QuerySolution], truncated: bool) -> None:
    out.write(b'{"head":{"vars":' + json.dumps(list(variables)).encode() + b'},"results":{"bindings":[')
    for index, row in enumerate(rows):
        binding = {name: _json_term(row[name]) for name in variables if row[name] is not None}
        out.write((b"," if index else b"") + json.dumps(binding, ensure_ascii=False).encode())
    out.write(b"]}" + (b',"truncated":true}' if truncated else b"}"))


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _xml(out: BinaryIO, variables: Sequence[str], rows: Sequence[ox.QuerySolution], truncated: bool, cap: int) -> None:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    if truncated:
        head += f'<link href="urn:metiers-kg:truncated:max-rows={cap}"/>'
    out.write(
        (
            f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>'
        ).encode()
    )
    for row in rows:
        bindings = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>" for v in variables if row[v] is not None
        )
        out.write(f"<result>{bindings}</result>".encode())
    out.write(b"</results></sparql>")


def _csv_field(term: object) -> str:
    if term is None:
        text = ""
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        text = term.value
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(out: BinaryIO, variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> None:
    out.write((",".join(variables) + "\r\n").encode())
    _write_all(out, ((",".join(_csv_field(row[v]) for v in variables) + "\r\n").encode() for row in rows))


def _tsv(out: BinaryIO, variables: Sequence[str], rows: Sequence[ox.QuerySolution]) -> None:
    out.write(("\t".join(f"?{v}" for v in variables) + "\n").encode())
    _write_all(
        out, (("\t".join("" if row[v] is None else str(row[v]) for v in variables) + "\n").encode() for row in rows)
    )


def _write_all(out: BinaryIO, pieces: Iterable[bytes]) -> None:
    """``writelines`` for sinks that only have ``write`` (the query runner's channel)."""
    for piece in pieces:
        out.write(piece)
