"""The least a Python WSGI app can do per SPARQL lookup: the floor the endpoint benchmark measures against.

``bench/endpoint_bench.py`` serves this app with granian (same workers and threads as
``metiers-kg serve``) beside ``oxigraph serve-read-only`` and ``metiers-kg serve``: it reads the
``query`` parameter, evaluates it with pyoxigraph over the union of the store's graphs and
returns SPARQL JSON. Nothing else: no time limit (so no hand-off to a query thread), no
negotiation, validation, caching, CORS, metrics or log line. No endpoint written in Python on
this stack can be faster on queries it must evaluate, so its ratio to oxigraph bounds what any
design of ours can reach. Not part of the product.

    FLOOR_STORE=path/to/build granian --interface wsgi --factory bench.floor_app:app_factory
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

JSON = ox.QueryResultsFormat.JSON


def app_factory() -> Callable[[dict, Callable[..., Any]], Iterable[bytes]]:
    """The WSGI app, opening the build named by FLOOR_STORE (after granian forks its workers)."""
    store = ox.Store.read_only(os.environ["FLOOR_STORE"])

    def app(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))["query"][0]
        body = store.query(query, use_default_graph_as_union=True).serialize(format=JSON)
        start_response(
            "200 OK", [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app
