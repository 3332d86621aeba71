"""A lean path for the commonest reads of ``/sparql``: repeated queries, revalidations, plain queries.

Flask costs about a third of a short lookup's time, so :class:`FastPath`, WSGI middleware in
front of the Flask app, answers the commonest requests itself, with the same status, headers
and body Flask gives, and the same metrics and JSON log line:

* **replay**: a build never changes (``server.http.caching``), so the whole HTTP answer to a
  query request is a function of the build and of the raw request fields the view and the
  app's hooks read (method, path, query string, ``Content-Type`` and body, ``Accept``,
  ``Accept-Encoding``, ``Origin``, and whether it revalidates the current build). A request
  whose key has a stored answer is answered from it at once (log ``cache``: ``hit``, or
  ``304``). Keys are raw: two spellings of one query are two entries, each exact by
  construction; entries live in the build's ``ResultCache``, so a new build starts empty.
* **plain queries** (``server.sparql.plain_request``: one query, perhaps a dataset and ``format``,
  no CORS or revalidation) are evaluated here through the same code as the view
  (``server.sparql.query.answer``, on the executor thread, under the time limit). The answer's
  own headers come from ``answer_headers``; what the app does around every such answer, for a
  given ``Accept-Encoding`` (the headers it adds, ``Vary`` and CORS, and the encoding it
  applies), is learnt from the first plain query with that ``Accept-Encoding``, which Flask
  answers; the lean path then compresses as ``server.http.cors_compression`` configures flask-compress. A failure
  (syntax, time limit, 406…) or a streamed answer goes on to Flask *with its outcome*
  (``server.sparql.query.Evaluated``), so the query never runs twice and errors become HTTP
  in one place.
* everything else goes to Flask unchanged. When the view answers a query with a complete body
  (or a 304) it marks the answer replayable (``environ[REPLAY]``, with the build's store
  handle) and the middleware keeps it. Updates, the service description, errors, volatile
  queries and streamed results are never kept.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from server.http.caching import entity_tag, revalidates
from server.http.cors_compression import COMPRESS_MIN_SIZE, ENCODINGS, compress
from server.ops.metrics import QUERY_LOG_CHARS, STARTED, Metrics, request_logger
from server.runtime.services import Services
from server.runtime.store_provider import StoreHandle
from server.sparql.capped_results import TRUNCATED_HEADER
from server.sparql.plain_request import read_plain
from server.sparql.query import (
    EVALUATED,
    FORM,
    SPARQL_QUERY,
    Answer,
    Evaluated,
    SparqlRequest,
    answer,
    answer_headers,
    validator_headers,
)

REPLAY = "metiers_kg.replay"  # environ key: (store handle, logged query) set by the view on a replayable answer
ENDPOINT = "sparql.sparql"  # the Flask endpoint of /sparql, as metrics label it
PATHS = ("/sparql", "/sparql/")
READ_BODIES = (FORM, SPARQL_QUERY)
MAX_KEY_BODY = 64 * 1024  # POST bodies up to this size are part of a key; larger ones go to Flask

OK = "200 OK"
# the headers an answer decides itself (server.sparql.query.answer_headers); the app adds the rest
ANSWER_HEADERS = {
    "content-type",
    "content-length",
    "etag",
    "last-modified",
    "cache-control",
    TRUNCATED_HEADER.lower(),
    "content-encoding",
}
MAX_FRAMES = 32  # distinct Accept-Encoding values learnt; others go to Flask

Frame = tuple[list[tuple[str, str]], str | None]  # the headers the app adds, and the encoding it applies

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class FastPath:
    """WSGI middleware answering repeated ``/sparql`` queries from their stored answers."""

    def __init__(self, app: WSGIApp, found: Services, metrics: Metrics) -> None:
        self.app = app
        self.found = found
        self.stores = found.stores
        self.settings = found.settings_tag
        self.metrics = metrics
        self.logger = request_logger()
        self._counters: dict[tuple[str, int], Any] = {}
        self._latency = metrics.latency.labels(ENDPOINT)
        self._sizes = metrics.sizes.labels(ENDPOINT)
        self._validators: tuple[StoreHandle | None, str, list[tuple[str, str]]] = (None, "", [])
        self._frames: dict[str | None, Frame] = {}  # by Accept-Encoding: what the app does to a plain answer

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path not in PATHS:
            return self.app(environ, start_response)
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD")
        query_string = environ.get("QUERY_STRING", "")
        content_type = body = None
        if method == "GET" or method == "HEAD":
            if "query=" not in query_string:  # service description, editor, update by GET: Flask's
                return self.app(environ, start_response)
        elif method == "POST":
            content_type = environ.get("CONTENT_TYPE", "")
            body = _read_small_body(environ, content_type)
            if body is None:
                return self.app(environ, start_response)
        else:
            return self.app(environ, start_response)
        try:
            handle = self.stores.current()
        except Exception:  # noqa: BLE001 - the view reports an unreadable store (503)
            return self.app(environ, start_response)

        fresh = False
        if method != "POST":
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            since = environ.get("HTTP_IF_MODIFIED_SINCE")
            if if_none_match is not None or since is not None:
                fresh = revalidates(if_none_match, since, self._entity_tag(handle), handle.modified[0])
        key = (
            "replay",
            304 if fresh else 200,
            method,
            path,
            query_string,
            content_type,
            body,
            environ.get("HTTP_ACCEPT"),
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_ORIGIN"),
        )
        entry = handle.results.get(key)
        if entry is not None:
            (status, headers, logged), payload = entry
            start_response(status, list(headers))
            self._record(method, path, int(status[:3]), len(payload), logged, "304" if fresh else "hit", started)
            return [payload]
        parsed = read_plain(environ, method, content_type, body)
        if parsed is None:
            return self._through_flask(environ, start_response, key)
        frame = self._frames.get(environ.get("HTTP_ACCEPT_ENCODING"))
        if frame is None:  # Flask answers, and shows what the app does to such an answer
            return self._through_flask(environ, start_response, key, learn=len(self._frames) < MAX_FRAMES)
        return self._evaluate(environ, start_response, key, handle, parsed, started, frame)

    def _evaluate(
        self,
        environ: dict,
        start_response: Callable[..., Any],
        key: tuple,
        handle: StoreHandle,
        parsed: SparqlRequest,
        started: float,
        frame: Frame,
    ) -> Iterable[bytes]:
        """Answer a plain query without Flask; a failure or a streamed answer goes on to Flask, evaluated."""
        timeouts_before = self.found.runner.thread_timeouts
        try:
            result: Answer | Exception = answer(self.found, handle, parsed)
        except Exception as error:  # noqa: BLE001 - answered by the app's error handlers (server.http.errors)
            result = error
        if isinstance(result, Exception) or not isinstance(result.body, bytes):
            environ[EVALUATED] = Evaluated(result, handle)
            environ[STARTED] = (started, timeouts_before)  # server.ops.metrics counts from then
            return self._through_flask(environ, start_response, key)
        added, encoding = frame
        payload = result.body
        if encoding is not None and len(payload) >= COMPRESS_MIN_SIZE:
            payload = compress(payload, encoding)
            added = [*added, ("Content-Encoding", encoding)]
        headers = answer_headers(result.head, len(payload), self._validator_headers(handle)) + added
        start_response(OK, headers)
        logged = parsed.query[:QUERY_LOG_CHARS]
        if result.kept:
            handle.results.put(key, (OK, tuple(headers), logged), payload)
        self._record(environ["REQUEST_METHOD"], environ["PATH_INFO"], 200, len(payload), logged, result.cache, started)
        return [payload]

    def _through_flask(
        self, environ: dict, start_response: Callable[..., Any], key: tuple, learn: bool = False
    ) -> Iterable[bytes]:
        """Let Flask answer; keep the answer when the view marked it replayable.

        ``learn``: the request is a plain query (``server.sparql.plain_request``); a complete answer to it
        shows what the app does to such an answer for this ``Accept-Encoding``: the headers it adds
        beside the answer's own (``Vary``, CORS) and the encoding it applies (an uncompressed
        answer shows it only when it is large enough to have been compressed)."""
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = (status, headers)
            return start_response(status, headers, exc_info)

        response = self.app(environ, capture)
        marked = environ.get(REPLAY)
        if marked is None or not captured or int(captured[0][:3]) != key[1]:
            return response
        try:
            payload = b"".join(response)  # complete already: the view's bytes, or their compressed form
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()  # the app's close hooks: metrics and the log line of this (first) answer
        handle, logged = marked
        status, headers = captured
        handle.results.put(key, (status, tuple(headers), logged), payload)
        if learn and status == OK:
            encoding = next((value for name, value in headers if name.lower() == "content-encoding"), None)
            if encoding in ENCODINGS or (encoding is None and len(payload) >= COMPRESS_MIN_SIZE):
                added = [(name, value) for name, value in headers if name.lower() not in ANSWER_HEADERS]
                self._frames[environ.get("HTTP_ACCEPT_ENCODING")] = (added, encoding)
        return [payload]

    def _entity_tag(self, handle: StoreHandle) -> str:
        return self._validators_of(handle)[0]

    def _validator_headers(self, handle: StoreHandle) -> list[tuple[str, str]]:
        return self._validators_of(handle)[1]

    def _validators_of(self, handle: StoreHandle) -> tuple[str, list[tuple[str, str]]]:
        known, etag, headers = self._validators
        if known is not handle:
            etag = entity_tag(handle.build_id, self.settings)
            headers = validator_headers(etag, handle.modified[1])
            self._validators = (handle, etag, headers)
        return etag, headers

    def _record(self, method: str, path: str, status: int, sent: int, logged: str, cache: str, started: float) -> None:
        """What ``server.ops.metrics`` records for a request answered by Flask: counters and the log line."""
        elapsed = time.perf_counter() - started
        counter = self._counters.get((method, status))
        if counter is None:
            counter = self._counters[(method, status)] = self.metrics.requests.labels(ENDPOINT, method, str(status))
        counter.inc()
        self._latency.observe(elapsed)
        self._sizes.observe(sent)
        self.logger.info(
            json.dumps(
                {
                    "ts": round(time.time(), 3),
                    "method": method,
                    "path": path,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                    "bytes": sent,
                    "aborted": False,
                    "query": logged,
                    "cache": cache,
                },
                ensure_ascii=False,
            )
        )


def _read_small_body(environ: dict, content_type: str) -> bytes | None:
    """A small query POST's body (put back for Flask as a fresh stream), or None to leave it to Flask."""
    if not content_type.startswith(READ_BODIES) or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 <= length <= MAX_KEY_BODY:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body if len(body) == length else None
