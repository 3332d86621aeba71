"""Operations: Prometheus ``/metrics`` and one structured (JSON) log line per SPARQL request.

Metrics use ``prometheus_client`` (the Prometheus project's own Python client). Under granian
every worker is a process, so the client runs in its multiprocess mode: ``serve`` gives the
workers a fresh shared directory (:func:`metrics_directory`, set before any worker imports
the client) and ``/metrics`` sums the files of all workers, past ones included (counters must
not drop when a worker is replaced after a runaway query). Without that directory (tests,
a single process) each app keeps its own registry.

Exported: ``metiers_kg_requests_total{endpoint,method,status}``,
``metiers_kg_request_duration_seconds{endpoint}`` (histogram, to the last byte sent),
``metiers_kg_response_bytes{endpoint}`` (histogram of body sizes) and
``metiers_kg_query_timeouts_total``. The log line (logger ``metiers_kg.requests``, to stderr)
has the time, method, path, status, duration, bytes, how it was answered (``cache``: hit,
miss, 304) and the start of the query text.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Flask, Response, g, request

from server.ops.batched_log import BatchedStreamHandler

ENV = "PROMETHEUS_MULTIPROC_DIR"
LOGGER = "metiers_kg.requests"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
SIZE_BUCKETS = (100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000)
QUERY_LOG_CHARS = 300


@contextmanager
def metrics_directory() -> Iterator[None]:
    """A fresh directory for prometheus_client's multiprocess files, removed when serving ends."""
    if os.environ.get(ENV):
        yield  # the operator chose one
        return
    path = tempfile.mkdtemp(prefix="metiers-kg-metrics-")
    os.environ[ENV] = path
    try:
        yield
    finally:
        os.environ.pop(ENV, None)
        shutil.rmtree(path, ignore_errors=True)


class Metrics:
    """The endpoint's metrics; prometheus_client is imported here, after ``serve`` set its directory."""

    def __init__(self) -> None:
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Histogram,
            disable_created_metrics,
        )

        disable_created_metrics()  # no *_created series: they double the output and nobody graphs them
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "metiers_kg_requests", "HTTP requests answered", ["endpoint", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "metiers_kg_request_duration_seconds",
            "Time to answer, to the last byte sent",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.sizes = Histogram(
            "metiers_kg_response_bytes",
            "Size of response bodies in bytes",
            ["endpoint"],
            buckets=SIZE_BUCKETS,
            registry=self.registry,
        )
        self.timeouts = Counter(
            "metiers_kg_query_timeouts", "Queries stopped at the time limit", registry=self.registry
        )
        self.logger = request_logger()
        self._series: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}  # labelled children, looked up once

    def record(
        self,
        endpoint: str,
        method: str,
        path: str,
        status: int,
        sent: int,
        started: float,
        fields: dict[str, Any],
        timed_out: bool = False,
        aborted: bool = False,
    ) -> None:
        """Count one answered request and, for the SPARQL protocols, write its log line: the one
        way the Flask app and the ``/sparql`` endpoint report a request."""
        elapsed = time.perf_counter() - started
        method = method if method in KNOWN_METHODS else "other"  # labels stay bounded
        series = self._series.get((endpoint, method, status))
        if series is None:
            series = self._series[(endpoint, method, status)] = (
                self.requests.labels(endpoint, method, str(status)),
                self.latency.labels(endpoint),
                self.sizes.labels(endpoint),
            )
        count, latency, sizes = series
        count.inc()
        latency.observe(elapsed)
        sizes.observe(sent)
        if timed_out:  # before the first byte (503) or mid-stream
            self.timeouts.inc()
            fields = {**fields, "timeout": True}
        if endpoint.startswith(("sparql", "graph_store")):
            line = {
                "ts": round(time.time(), 3),
                "method": method,
                "path": path,
                "status": status,
                "ms": round(elapsed * 1000, 2),
                "bytes": sent,
                "aborted": aborted,
                **fields,
            }
            self._log(json.dumps(line, ensure_ascii=False))

    def _log(self, line: str) -> None:
        """Write one request line: straight to the batched writer while it is the logger's only
        handler (as ``request_logger`` sets it up), through ``logging`` once anyone has added theirs."""
        logger = self.logger
        handlers = logger.handlers
        if len(handlers) == 1 and isinstance(handlers[0], BatchedStreamHandler) and not logger.filters:
            if logger.isEnabledFor(logging.INFO):
                handlers[0].queue(line + "\n")
            return
        logger.info(line)

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import (
            CONTENT_TYPE_LATEST,
            CollectorRegistry,
            generate_latest,
        )
        from prometheus_client.multiprocess import MultiProcessCollector

        if os.environ.get(ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def request_logger() -> logging.Logger:
    """The JSON-lines logger, writing to stderr (the server's log) once per process."""
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = BatchedStreamHandler(sys.stderr)  # written in batches, off the request thread
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def note(**fields: Any) -> None:
    """Add fields to this request's log line (e.g. ``query=…``, ``cache="hit"``)."""
    g.setdefault("log_fields", {}).update(fields)


class Counted:
    """A response body that counts what is sent and reports once the server closes it."""

    def __init__(self, body: Iterable[Any], done: Callable[[Counted], None]) -> None:
        self._body = body
        self._done = done
        self.sent = 0
        self.failed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._body:
                self.sent += len(chunk)
                yield chunk
        except BaseException:
            self.failed = True
            raise

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        try:
            if close is not None:
                close()
        finally:
            self._done(self)


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})


def install(app: Flask, metrics: Metrics, runner_timeouts: Callable[[], int]) -> None:
    """Time every request the Flask app answers, count it, log SPARQL ones, and serve ``/metrics``."""
    bp = Blueprint("metrics", __name__)

    @bp.route("/metrics", methods=["GET"])
    def metrics_view() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})

    app.register_blueprint(bp)

    @app.before_request
    def _start() -> None:
        g.started, g.timeouts_before = time.perf_counter(), runner_timeouts()

    @app.after_request
    def _measure(response: Response) -> Response:
        started = g.get("started", time.perf_counter())
        endpoint, status, method = request.endpoint or "unknown", response.status_code, request.method
        path, fields = request.path, dict(g.get("log_fields", {}))
        timeouts_before = g.get("timeouts_before", runner_timeouts())

        def done(body: Counted) -> None:
            metrics.record(
                endpoint,
                method,
                path,
                status,
                body.sent,
                started,
                fields,
                timed_out=runner_timeouts() > timeouts_before,
                aborted=body.failed,
            )

        response.response = Counted(response.response, done)
        return response
