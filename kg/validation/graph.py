"""The SHACL results a build accepts (warnings, infos) → triples, so the quality report can count them by SPARQL.

A build refuses any violation, so what reaches the store is the rest of the report: each
result keeps its severity, message, focus node, path, value and the file and line it points
at, in ``<base>graph/validation``; so are the documents a ``--keep-going`` build left out
(file, line, reason), so that the quality report lists them. Results are numbered in the report's own order (sorted by
file, line, focus), so two builds of the same input give the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef

from kg.core.graph import GraphBuilder, MappedGraph, integer
from kg.core.vocab import DCTERMS, MKG, RDF, SH, XSD
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris
from kg.validation.report import Rejection, Report


def validation_graph(report: Report, iris: Iris, rejections: Iterable[Rejection] = ()) -> MappedGraph:
    graph = iris.graph("validation")
    builder = GraphBuilder(graph)
    add_provenance(builder, None, iris)
    node = URIRef(f"{graph}/report")
    builder.add(node, RDF.type, SH.ValidationReport)
    builder.add(node, SH.conforms, Literal(not report.violations, datatype=XSD.boolean))
    kept = [r for r in report.results if r.severity != "Violation"]
    for number, result in enumerate(kept, start=1):
        item = iris.validation_result(number)
        builder.add(node, SH.result, item)
        builder.add(item, RDF.type, SH.ValidationResult)
        builder.add(item, SH.resultSeverity, SH[result.severity])
        builder.add(item, SH.resultMessage, Literal(result.message))
        builder.add(item, SH.focusNode, URIRef(result.focus))
        if result.path:
            builder.add(item, SH.resultPath, URIRef(result.path))
        if result.value:
            builder.add(item, SH.value, Literal(result.value))
        if result.source is not None:
            builder.add(item, DCTERMS.source, Literal(result.source.name))
        if result.line is not None:
            builder.add(item, MKG.sourceLine, integer(result.line))
    # Documents a --keep-going build left out, in the rejection report's order.
    for number, rejection in enumerate(rejections, start=1):
        item = iris.rejection(number)
        builder.add(node, MKG.rejectedDocument, item)
        builder.add(item, RDF.type, MKG.RejectedDocument)
        builder.add(item, DCTERMS.source, Literal(rejection.source.name))
        builder.add(item, MKG.rejectionReason, Literal(rejection.reason))
        if rejection.line is not None:
            builder.add(item, MKG.sourceLine, integer(rejection.line))
    return builder.result()
