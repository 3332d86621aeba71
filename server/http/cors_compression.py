"""What browsers and thrifty clients need, for every answer of the server in one WSGI middleware:
CORS, compressed bodies and the headers that keep pages safe.

One middleware around the whole application (the Flask app and the ``/sparql`` endpoint in
front of it), so each of these is decided once, from the configuration, whichever part of the
server answered, and never learnt from earlier traffic. The decisions are those flask-cors and
flask-compress made here before (their settings, kept):

* **CORS**: answers are readable from the configured origins (``--cors-origin``, any origin by
  default: the data is public and updates use a Bearer token, never cookies, so no credentials
  are allowed). A request from an allowed origin gets that origin back (``Vary: Origin`` when
  the answer depends on it), a request without ``Origin`` gets ``*`` (or the one configured
  origin); preflights for POST bodies, ``Authorization`` (updates) and conditional requests are
  answered with the allowed methods and headers; the headers scripts need (ETag, truncation)
  are exposed.
* **Compression**: gzip or deflate when ``Accept-Encoding`` asks for it (q-values honoured,
  the server's order on a tie), on result, RDF, text and HTML types, for 2xx answers of at least
  ``COMPRESS_MIN_SIZE`` bytes. Streamed answers are compressed chunk by chunk, so a large result
  still starts at once and is never held whole in memory. Every answer says ``Vary:
  Accept-Encoding``.
* **Safety**: ``X-Content-Type-Options: nosniff`` on every answer and a
  ``Content-Security-Policy`` on HTML pages.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from server.config import ServerConfig
from server.http import WSGIApp
from server.http.negotiation import GRAPH_OFFERS, RESULTS_OFFERS

COMPRESSED_TYPES = frozenset(
    {offer.media_type for offer in RESULTS_OFFERS + GRAPH_OFFERS}
    | {"text/plain", "text/html", "application/trig", "application/n-quads"}
)
COMPRESS_MIN_SIZE = 500  # bytes: smaller answers go as they are
# Pages run only the scripts and styles this server sends (YASGUI's editor sets inline styles); an IRI
# such as javascript:… shown in a page cannot run; answers are never sniffed as another type.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; "
    "form-action 'self'"
)
ENCODINGS = ("gzip", "deflate")  # in the server's order of preference
GZIP_LEVEL = 6
DEFLATE_LEVEL = -1  # zlib's default
CORS_METHODS = "DELETE, GET, HEAD, OPTIONS, POST, PUT"
CORS_METHOD_SET = frozenset(CORS_METHODS.split(", "))
CORS_REQUEST_HEADERS = frozenset({"accept", "authorization", "content-type", "if-none-match", "if-modified-since"})
CORS_MAX_AGE = "86400"


def chosen_encoding(accept_encoding: str | None) -> str | None:
    """The encoding to apply for this ``Accept-Encoding``: the client's highest q, the server's order on a tie."""
    if not accept_encoding:
        return None
    quality: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, parameters = part.partition(";")
        value = 1.0
        parameter, _, number = parameters.partition("=")
        if parameter.strip() == "q":
            try:
                value = float(number.strip())
            except ValueError:
                value = 1.0
        quality[name.strip()] = value
    ranked = [(quality.get(name, quality.get("*", 0.0)), -order, name) for order, name in enumerate(ENCODINGS)]
    best, _, name = max(ranked)
    return name if best > 0 else None


def compress(body: bytes, encoding: str) -> bytes:
    """A whole body in ``encoding`` (``gzip`` or ``deflate``, the zlib format as browsers expect it)."""
    return gzip.compress(body, GZIP_LEVEL) if encoding == "gzip" else zlib.compress(body, DEFLATE_LEVEL)


def compress_stream(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """A streamed body in ``encoding``, chunk by chunk (``close`` of the source is the caller's)."""
    compressor = (
        zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31) if encoding == "gzip" else zlib.compressobj(DEFLATE_LEVEL)
    )
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


class CorsPolicy:
    """Which origins may read answers, and the CORS headers of one answer (flask-cors' decisions)."""

    def __init__(self, origins: tuple[str, ...], exposed: tuple[str, ...]) -> None:
        self.any_origin = "*" in origins
        self.origins = {origin.lower() for origin in origins if origin != "*"}
        self.single = origins[0] if len(origins) == 1 and not self.any_origin else None
        self.varies = self.any_origin or len(self.origins) > 1
        self.exposed = ", ".join(("ETag", "Last-Modified", "Location", *exposed))
        self._without_origin = tuple(self._answer({"REQUEST_METHOD": "GET"}, None))  # most answers: once

    def headers(self, environ: dict) -> Sequence[tuple[str, str]]:
        """The CORS headers of the answer to this request (none when its origin may not read it)."""
        origin = environ.get("HTTP_ORIGIN")
        if not origin and environ.get("REQUEST_METHOD") != "OPTIONS":
            return self._without_origin
        return self._answer(environ, origin)

    def _answer(self, environ: dict, origin: str | None) -> list[tuple[str, str]]:
        if origin:
            allowed = origin if self.any_origin or origin.lower() in self.origins else None
        else:
            allowed = "*" if self.any_origin else self.single
        if allowed is None:
            return []
        out = [("Access-Control-Allow-Origin", allowed), ("Access-Control-Expose-Headers", self.exposed)]
        method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "").upper()
        if environ.get("REQUEST_METHOD") == "OPTIONS" and method and method in CORS_METHOD_SET:
            asked = [h.strip() for h in environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",") if h.strip()]
            granted = ", ".join(sorted(h for h in asked if h.lower() in CORS_REQUEST_HEADERS))
            if granted:
                out.append(("Access-Control-Allow-Headers", granted))
            out += [("Access-Control-Max-Age", CORS_MAX_AGE), ("Access-Control-Allow-Methods", CORS_METHODS)]
        if allowed != "*" and self.varies:
            out.append(("Vary", "Origin"))
        return out


class BrowserHeaders:
    """WSGI middleware: CORS, compression and the safety headers on every answer of ``app``."""

    def __init__(self, app: WSGIApp, config: ServerConfig, exposed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.cors = CorsPolicy(tuple(config.cors_origins), exposed)

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        encoding = chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
        deferred: list[Any] = []  # a whole body to compress: (status, headers, exc_info), sent once compressed
        streamed: list[bool] = []
        calling = True

        def start(status: str, given: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers, first = self._headers(environ, given)
            if encoding is not None and _compressible(status, headers, first):
                whole = "content-length" in first
                if whole and calling and environ.get("REQUEST_METHOD") != "HEAD":
                    headers.append(("Content-Encoding", encoding))
                    deferred[:] = [status, headers, exc_info]
                    return lambda data: None  # nothing is written before the body is compressed
                if not whole:
                    headers.append(("Content-Encoding", encoding))
                    streamed.append(True)
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        calling = False
        if streamed:
            return _Closing(compress_stream(body, encoding or ""), body)
        if not deferred:
            return body
        try:
            payload = compress(b"".join(body), encoding or "")
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        status, headers, exc_info = deferred
        headers = [(name, str(len(payload)) if name.lower() == "content-length" else value) for name, value in headers]
        start_response(status, headers, exc_info)
        return [payload]

    def _headers(self, environ: dict, given: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """The answer's headers with ``Vary: Accept-Encoding``, CORS and the safety headers, and where
        each name first occurs (lower case). Plain lists, one pass: this runs on every answer."""
        headers = list(given)
        first: dict[str, int] = {}
        for index, (name, _) in enumerate(headers):
            first.setdefault(name.lower(), index)
        vary = first.get("vary")
        if vary is None:
            headers.append(("Vary", "Accept-Encoding"))
        elif "accept-encoding" not in headers[vary][1].lower():
            headers[vary] = ("Vary", f"{headers[vary][1]}, Accept-Encoding")
        headers += self.cors.headers(environ)
        if "x-content-type-options" not in first:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if _mimetype(headers, first) == "text/html":
            csp = ("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            if "content-security-policy" in first:
                headers[first["content-security-policy"]] = csp
            else:
                headers.append(csp)
        return headers, first


def _mimetype(headers: list[tuple[str, str]], first: dict[str, int]) -> str:
    index = first.get("content-type")
    return "" if index is None else headers[index][1].partition(";")[0].strip().lower()


def _compressible(status: str, headers: list[tuple[str, str]], first: dict[str, int]) -> bool:
    """A 2xx answer of a compressed type, not encoded yet, and not too small to be worth it."""
    length = first.get("content-length")
    return (
        status[:1] == "2"
        and _mimetype(headers, first) in COMPRESSED_TYPES
        and "content-encoding" not in first
        and (length is None or int(headers[length][1]) >= COMPRESS_MIN_SIZE)
    )


class _Closing:
    """A compressed stream whose ``close`` closes the source (the server's close hooks run then)."""

    def __init__(self, compressed: Iterator[bytes], source: Iterable[bytes]) -> None:
        self._compressed = compressed
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        return self._compressed

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()
