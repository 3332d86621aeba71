"""A lean path for the commonest read: a repeated ``/sparql`` query, or its revalidation.

A build never changes (``server.http_cache``), so the whole HTTP answer to a query request is
a function of the build and of the raw request fields that the view and the app's hooks read:
method, path, query string, ``Content-Type`` and body (POST), ``Accept`` (negotiation),
``Accept-Encoding`` (compression), ``Origin`` (CORS), and whether the request revalidates a
current copy (304). :class:`FastPath` is WSGI middleware in front of the Flask app:

* a request whose key has a stored answer is answered from it at once — no Flask routing,
  request/response objects, hooks, negotiation or query thread — with the same status,
  headers and body Flask gave, and the same metrics and JSON log line (``cache``: ``hit``, or
  ``304`` for a revalidation of the current build);
* everything else goes to Flask unchanged. When the ``/sparql`` view answers a query with a
  complete body (or a 304) it marks the answer replayable (``environ[REPLAY]``, with the build's
  store handle); the middleware then keeps it in that build's result cache, so the next
  identical request takes the fast path. Updates, the service description, errors and
  streamed results are never marked, so they always reach Flask.

Keys are raw: two spellings of one query (``+`` or ``%20``, another ``Accept`` string) are two
entries, each exact by construction. Entries live in the build's ``ResultCache`` (LRU, shared
byte budget with the view's own cache), so a new build starts empty.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from server.http_cache import entity_tag, revalidates
from server.metrics import Metrics, request_logger
from server.services import Services
from server.store_provider import StoreHandle

REPLAY = "metiers_kg.replay"  # environ key: (store handle, logged query) set by the view on a replayable answer
ENDPOINT = "sparql.sparql"  # the Flask endpoint of /sparql, as metrics label it
PATHS = ("/sparql", "/sparql/")
READ_BODIES = ("application/x-www-form-urlencoded", "application/sparql-query")
MAX_KEY_BODY = 64 * 1024  # POST bodies up to this size are part of a key; larger ones go to Flask

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class FastPath:
    """WSGI middleware answering repeated ``/sparql`` queries from their stored answers."""

    def __init__(self, app: WSGIApp, found: Services, metrics: Metrics) -> None:
        self.app = app
        self.stores = found.stores
        self.settings = found.settings_tag
        self.metrics = metrics
        self.logger = request_logger()
        self._counters: dict[tuple[str, int], Any] = {}
        self._latency = metrics.latency.labels(ENDPOINT)
        self._sizes = metrics.sizes.labels(ENDPOINT)
        self._validators: tuple[StoreHandle | None, str] = (None, "")

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
        key = ("replay", 304 if fresh else 200, method, path, query_string, content_type, body,
               environ.get("HTTP_ACCEPT"), environ.get("HTTP_ACCEPT_ENCODING"), environ.get("HTTP_ORIGIN"))
        entry = handle.results.get(key)
        if entry is not None:
            (status, headers, logged), payload = entry
            start_response(status, list(headers))
            self._record(method, path, int(status[:3]), len(payload), logged, "304" if fresh else "hit", started)
            return [payload]
        return self._through_flask(environ, start_response, key)

    def _through_flask(self, environ: dict, start_response: Callable[..., Any], key: tuple) -> Iterable[bytes]:
        """Let Flask answer; keep the answer when the view marked it replayable."""
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
        return [payload]

    def _entity_tag(self, handle: StoreHandle) -> str:
        known, etag = self._validators
        if known is not handle:
            etag = entity_tag(handle.build_id, self.settings)
            self._validators = (handle, etag)
        return etag

    def _record(self, method: str, path: str, status: int, sent: int, logged: str, cache: str,
                started: float) -> None:
        """What ``server.metrics`` records for a request answered by Flask: counters and the log line."""
        elapsed = time.perf_counter() - started
        counter = self._counters.get((method, status))
        if counter is None:
            counter = self._counters[(method, status)] = self.metrics.requests.labels(ENDPOINT, method, str(status))
        counter.inc()
        self._latency.observe(elapsed)
        self._sizes.observe(sent)
        self.logger.info(json.dumps({"ts": round(time.time(), 3), "method": method, "path": path, "status": status,
                                     "ms": round(elapsed * 1000, 2), "bytes": sent, "aborted": False,
                                     "query": logged, "cache": cache}, ensure_ascii=False))


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
