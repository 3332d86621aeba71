"""``/sparql`` as one WSGI application: every request read by one reader, answered by one ``respond``.

The SPARQL 1.1 Protocol (query, update) and the service description answer here, in front of
the Flask app, with werkzeug's request and response types and no web framework: Flask's
routing and hooks cost about a third of a short lookup. The path is the same for a GET, a form
POST and a direct POST:

1. **replay**: a build never changes (``server.http.caching``), so the whole answer to a query
   is a function of the build and of the raw request fields that decide it (method, path, query
   string, ``Content-Type`` and body, ``Accept``, and whether it revalidates the build). A
   request whose fields have a stored answer gets it at once; entries live in the build's
   ``ResultCache``, so a new build starts empty.
2. **read** (``server.sparql.protocol.read_request``): the query, update or description asked
   for, or the 4xx that says what to send instead;
3. **respond**: validators and revalidation (304), the result cache and the executor thread
   (``server.sparql.query``), the update, the service description; failures become HTTP in
   ``server.http.errors``. Complete answers of queries the build fixes are stored for (1).

Every answer is counted and logged by ``server.ops.metrics`` once its last byte is sent, and
leaves a runaway query to stop (``server.runtime.query_runner``). CORS, compression and the
safety headers are the business of the middleware around the whole server
(``server.http.cors_compression``), so they are decided the same way for every answer. A
browser opening ``/sparql`` itself (no query) is given the query editor by the Flask app.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from werkzeug.wrappers import Request, Response

from server.http import WSGIApp
from server.http.caching import revalidates
from server.http.errors import QueryTimeoutError, error_response
from server.http.negotiation import Preferences
from server.http.representations import Representation
from server.ops.metrics import QUERY_LOG_CHARS, Counted, Metrics
from server.runtime.services import Services
from server.runtime.store_provider import StoreHandle
from server.sparql.editor import wants_editor
from server.sparql.protocol import ALLOWED_METHODS, MAX_BODY_BYTES, MAX_UPDATE_BYTES, SPARQL_UPDATE, read_request
from server.sparql.query import FORM, SPARQL_QUERY, SparqlRequest, answer, answer_headers
from server.sparql.service_description import description_job
from server.sparql.update import UpdateRequest, authorize, sparql_update, write_job

ENDPOINT = "sparql.sparql"  # how metrics label /sparql
PATHS = ("/sparql", "/sparql/")
REPLAYABLE_BODIES = (FORM, SPARQL_QUERY)
MAX_KEY_BODY = 64 * 1024  # POST bodies up to this size are part of a replay key
VERDICTS = "revalidation verdicts"  # handle.memo key: (If-None-Match, If-Modified-Since) → bool, per build
MAX_VERDICTS = 1024  # revalidation verdicts kept per build (distinct If-None-Match / If-Modified-Since pairs)
LOGGER = logging.getLogger("metiers_kg.server")

Stored = tuple[str, tuple[tuple[str, str], ...], bytes, str]  # status, headers, body, the query as logged
OK, NOT_MODIFIED = "200 OK", "304 NOT MODIFIED"
VARY = ("Vary", "Accept")  # every /sparql answer varies with Accept


@dataclass
class Reply:
    """An answer as WSGI sends it: the status line, the headers, and the body (whole, or a stream)."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes | Iterable[bytes]

    @classmethod
    def of(cls, response: Response, environ: dict) -> Reply:
        """A werkzeug response (an error, the description, an update's status) as a reply."""
        response.vary.add("Accept")
        return cls(response.status, response.get_wsgi_headers(environ).to_wsgi_list(), response.get_app_iter(environ))


class SparqlEndpoint:
    """WSGI middleware: ``/sparql`` answered here, every other path by ``app`` (the Flask app)."""

    def __init__(self, app: WSGIApp, found: Services, metrics: Metrics) -> None:
        self.app = app
        self.found = found
        self.metrics = metrics

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in PATHS:
            return self.app(environ, start_response)
        started, timeouts_before = time.perf_counter(), self.found.runner.thread_timeouts
        key = _replay_key(environ)
        handle = self._current() if key is not None else None
        if handle is not None and key is not None:
            fresh = environ["REQUEST_METHOD"] != "POST" and self._revalidates(environ, handle)
            key = (*key, fresh)
            stored = handle.results.get(("replay", key))
            if stored is not None:
                return self._replay(
                    environ, start_response, cast(Stored, stored[0]), started, "304" if fresh else "hit"
                )
        request = Request(environ)
        if wants_editor(request):
            return self.app(environ, start_response)
        log: dict[str, Any] = {}
        try:
            reply = self.respond(request, log, handle)
        except Exception as error:  # noqa: BLE001 - every failure is answered by server.http.errors
            if isinstance(error, QueryTimeoutError):
                LOGGER.warning("query over the %g s limit: %.200r", error.limit_seconds, log.get("query", ""))
            reply = Reply.of(error_response(error), environ)
        evaluated_on = log.pop("replayable", None)  # the build whose answer this is, when it may be replayed
        if key is not None and evaluated_on is not None and isinstance(reply.body, bytes):
            payload = b"" if environ["REQUEST_METHOD"] == "HEAD" else reply.body
            entry: Stored = (reply.status, tuple(reply.headers), payload, log.get("query", ""))
            evaluated_on.results.put(("replay", key), entry, payload)  # in that build's cache, not a newer one's
        return self._send(environ, start_response, reply, log, started, timeouts_before)

    def respond(self, request: Request, log: dict[str, Any], handle: StoreHandle | None = None) -> Reply:
        """The answer to one protocol request: service description, update or query (``handle``: the
        build being served, when the caller has it already)."""
        request.max_content_length = MAX_BODY_BYTES
        if request.method == "POST" and request.mimetype == SPARQL_UPDATE:
            authorize(request, self.found.config)  # before reading a body that may be large
            request.max_content_length = MAX_UPDATE_BYTES
        if request.method == "OPTIONS":
            return Reply.of(Response(headers={"Allow": ALLOWED_METHODS}), request.environ)
        operation = read_request(request)
        if operation is None:
            return Reply.of(self._description(request), request.environ)
        if isinstance(operation, UpdateRequest):
            authorize(request, self.found.config)
            log["update"] = operation.update[:QUERY_LOG_CHARS]
            job = write_job(self.found.config.store_dir, sparql_update(operation, self.found.config))
            status = self.found.runner.run(job).representation
            assert isinstance(status, int)  # what an update job announces
            return Reply.of(Response(status=status), request.environ)
        return self._query(request, operation, log, handle or self.found.stores.current())

    def _query(self, request: Request, parsed: SparqlRequest, log: dict[str, Any], handle: StoreHandle) -> Reply:
        """Revalidation first, then the result cache or the executor; small answers whole, large ones streamed."""
        _, validators = handle.validators(self.found.settings_tag)
        log["query"] = parsed.query[:QUERY_LOG_CHARS]
        if request.method in ("GET", "HEAD") and self._revalidates(request.environ, handle):
            log.update(cache="304", replayable=handle)
            # RFC 9110 §15.4.5: the ETag, not the metadata the client has (Last-Modified)
            return Reply(NOT_MODIFIED, [*(h for h in validators if h[0] != "Last-Modified"), VARY], b"")
        try:
            result = answer(self.found, handle, parsed)
        except Exception:
            log["cache"] = "miss"
            raise
        log["cache"] = result.cache
        if isinstance(result.body, bytes):
            if result.kept:
                log["replayable"] = handle
            return Reply(OK, [*answer_headers(result.head, len(result.body), validators), VARY], result.body)
        return Reply(OK, [*answer_headers(result.head, None, validators), VARY], result.body)

    def _description(self, request: Request) -> Response:
        """The service description in the RDF format the client prefers (not cached by clients)."""
        handle = self.found.stores.current()
        config = self.found.config
        preferences = Preferences(accept=request.headers.get("Accept"), formats=tuple(request.args.getlist("format")))
        stream = self.found.runner.run(
            description_job(handle, config.endpoint_seen_by(request.root_url), config, preferences)
        )
        body = stream.complete if stream.complete is not None else iter(stream)
        representation = stream.representation
        assert isinstance(representation, Representation)  # what description_job announces
        return Response(body, content_type=representation.content_type)

    def _send(
        self,
        environ: dict,
        start_response: Callable[..., Any],
        reply: Reply,
        log: dict[str, Any],
        started: float,
        timeouts_before: int,
    ) -> Iterable[bytes]:
        """Send ``reply``; once its last byte is out, count it, log it and stop a runaway query."""
        method, path, status = environ["REQUEST_METHOD"], environ["PATH_INFO"], int(reply.status[:3])
        runner = self.found.runner

        def done(body: Counted) -> None:
            self.metrics.record(
                ENDPOINT,
                method,
                path,
                status,
                body.sent,
                started,
                log,
                timed_out=runner.thread_timeouts > timeouts_before,
                aborted=body.failed,
            )
            runner.stop_if_runaway()

        body = reply.body
        start_response(reply.status, reply.headers)
        if isinstance(body, bytes) and status < 500:  # whole, and no query left running: counted as handed over
            sent = [] if method == "HEAD" else [body]
            self.metrics.record(ENDPOINT, method, path, status, len(body) if sent else 0, started, log)
            return sent
        chunks: Iterable[bytes] = [body] if isinstance(body, bytes) else body
        return Counted(_Headless(chunks) if method == "HEAD" else chunks, done)

    def _replay(
        self, environ: dict, start_response: Callable[..., Any], stored: Stored, started: float, cache: str
    ) -> Iterable[bytes]:
        status, headers, payload, logged = stored
        start_response(status, list(headers))
        self.metrics.record(
            ENDPOINT,
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            int(status[:3]),
            len(payload),
            started,
            {"query": logged, "cache": cache},
        )
        return [payload]

    def _current(self) -> StoreHandle | None:
        try:
            return self.found.stores.current()
        except Exception:  # noqa: BLE001 - respond() reports an unreadable store (503)
            return None

    def _revalidates(self, environ: dict, handle: StoreHandle) -> bool:
        """Whether a request's validators name this build (werkzeug's rule; the verdict on each pair of
        header values is kept per build, as clients send the same ones again and again)."""
        since, if_none_match = environ.get("HTTP_IF_MODIFIED_SINCE"), environ.get("HTTP_IF_NONE_MATCH")
        if since is None and if_none_match is None:
            return False
        verdicts = cast(dict[tuple[str | None, str | None], bool], handle.memo.setdefault(VERDICTS, {}))
        verdict = verdicts.get((if_none_match, since))
        if verdict is None:
            etag = handle.validators(self.found.settings_tag)[0]
            verdict = revalidates(if_none_match, since, etag, handle.modified[0])
            if len(verdicts) >= MAX_VERDICTS:
                verdicts.clear()
            verdicts[(if_none_match, since)] = verdict
        return verdict


def _replay_key(environ: dict) -> tuple | None:
    """The raw fields that decide a query's answer, or None for a request that is never replayed
    (no query in the URL of a GET, an update, a large or chunked body)."""
    method = environ.get("REQUEST_METHOD")
    query_string = environ.get("QUERY_STRING", "")
    content_type = body = None
    if method in ("GET", "HEAD"):
        if "query=" not in query_string:
            return None
    elif method == "POST":
        content_type = environ.get("CONTENT_TYPE", "")
        body = _small_body(environ, content_type)
        if body is None:
            return None
    else:
        return None
    return (method, environ.get("PATH_INFO"), query_string, content_type, body, environ.get("HTTP_ACCEPT"))


def _small_body(environ: dict, content_type: str) -> bytes | None:
    """A small query POST's body (put back as a fresh stream for the reader), or None."""
    if not content_type.startswith(REPLAYABLE_BODIES) or environ.get("HTTP_TRANSFER_ENCODING"):
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


class _Headless:
    """No body for a HEAD request; the answer's own body is still closed (a stream stops its query)."""

    def __init__(self, source: Iterable[bytes]) -> None:
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        return iter(())

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()
