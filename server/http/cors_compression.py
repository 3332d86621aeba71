"""What browsers and thrifty clients need: CORS and compressed answers, from two Flask extensions,
and the headers that keep pages safe (``X-Content-Type-Options``, a ``Content-Security-Policy``).

* **CORS** (``flask-cors``): answers are readable from the configured origins (``--cors-origin``,
  any origin by default: the data is public and updates use a Bearer token, never cookies, so
  no credentials are allowed); preflights for POST bodies, ``Authorization`` (updates) and
  conditional requests are answered; the headers scripts need (ETag, truncation) are exposed.
* **Compression** (``flask-compress``): gzip or deflate when ``Accept-Encoding`` asks for it,
  on result and RDF types. Streamed answers are compressed chunk by chunk, so a large result
  still starts at once and is never held whole in memory.
"""

from __future__ import annotations

import gzip
import zlib

from flask import Flask, Response
from flask_compress import Compress
from flask_cors import CORS

from server.config import ServerConfig
from server.http.negotiation import GRAPH_OFFERS, RESULTS_OFFERS

COMPRESSED_TYPES = sorted(
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
ENCODINGS = ["gzip", "deflate"]  # in the server's order of preference
GZIP_LEVEL = 6
DEFLATE_LEVEL = -1  # zlib's default


def compress(body: bytes, encoding: str) -> bytes:
    """``body`` encoded as flask-compress encodes a whole answer, for ``server.sparql.fast_path``'s own answers."""
    if encoding == "gzip":
        return gzip.compress(body, GZIP_LEVEL)
    if encoding == "deflate":
        return zlib.compress(body, DEFLATE_LEVEL)
    raise ValueError(f"no {encoding} encoding here")


def install(app: Flask, config: ServerConfig, exposed: tuple[str, ...] = ()) -> None:
    """CORS and compression for every answer; ``exposed``: the app's own headers scripts may read."""
    CORS(
        app,
        resources={r"/*": {"origins": list(config.cors_origins)}},
        methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type", "If-None-Match", "If-Modified-Since"],
        expose_headers=["ETag", "Last-Modified", "Location", *exposed],
        supports_credentials=False,
        max_age=86400,
        vary_header=True,
    )
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=ENCODINGS,
        COMPRESS_ALGORITHM_STREAMING=ENCODINGS,
        COMPRESS_STREAMS=True,
        COMPRESS_LEVEL=GZIP_LEVEL,
        COMPRESS_DEFLATE_LEVEL=DEFLATE_LEVEL,
        COMPRESS_MIN_SIZE=COMPRESS_MIN_SIZE,
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,  # server.http.caching answers revalidations
    )
    Compress(app)

    @app.after_request
    def _protect(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
