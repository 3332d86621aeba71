"""The mapped graphs validated against shapes/: the compiled shapes run over an in-memory Oxigraph store.

All graphs are validated together, once: cross-document constraints (a ROME code must be a ROME 4.0
fiche, a passerelle must reach an existing emploi-type) need the union. The shapes are compiled to
SPARQL (``kg.validation.compile``), which Oxigraph answers from its indexes outside the GIL: on the
ONISEP corpus a small part of what pySHACL costs on the same graphs, with the same results
(``kg.validation.shacl`` is the reference; a differential test compares both).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.core.graph import MappedGraph
from kg.store import to_ntriples
from kg.validation.compile import DOCUMENT_SHAPES_RESOURCE, packaged_shapes
from kg.validation.report import Report, located, report_order
from kg.validation.store import validate_store


def validate(graphs: list[MappedGraph], ntriples: Iterable[bytes] | None = None) -> Report:
    """Validate the union of the graphs against shapes/; never raises for invalid data.

    ``ntriples`` are the graphs as N-Triples when the caller has them already (a build loads them
    anyway). They all go to the default graph: a resource that several documents describe (a centre
    of interest, a formation) is one node, as in pySHACL's data graph.
    """
    store = ox.Store()
    texts = (to_ntriples(mapped.triples) for mapped in graphs) if ntriples is None else ntriples
    store.bulk_load(b"".join(texts), ox.RdfFormat.N_TRIPLES)
    found = validate_store(store, packaged_shapes(DOCUMENT_SHAPES_RESOURCE))
    results = sorted((located(v, graphs) for v in found.results), key=report_order)
    return Report(conforms=found.conforms, results=tuple(results), triples=sum(len(m.triples) for m in graphs))
