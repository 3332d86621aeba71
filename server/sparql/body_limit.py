"""Bodies sent in chunks are measured like bodies that declare their length: 413 before parsing.

A ``Content-Length`` body over a route's limit gets its 413 from werkzeug (``MAX_CONTENT_LENGTH``,
raised per view for updates and Graph Store uploads). A ``Transfer-Encoding: chunked`` body
declares nothing, and werkzeug's bounded stream then *stops reading at the limit and returns
what it has*: an update padded past 64 MiB was applied up to the padding, an upload cut at
the limit stored as a success. :class:`BodyLimit`, the outermost WSGI layer, reads such a body
itself, at most one byte beyond the largest limit the request may have (updates and uploads
only for a client that may write; every other body: the query limit), and hands it on as
an ordinary body with its ``Content-Length``. So every route sees one kind of body, and one
that is too long is refused by the same check, in one place, whichever way it was sent.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from server.config import ServerConfig
from server.http import WSGIApp
from server.sparql.update import is_authorized

READ_SIZE = 64 * 1024


class BodyLimit:
    """WSGI middleware: a chunked request body becomes a measured one (``CONTENT_LENGTH``)."""

    def __init__(self, app: WSGIApp, config: ServerConfig, query_limit: int, write_limit: int) -> None:
        self.app = app
        self.config = config
        self.query_limit = query_limit
        self.write_limit = write_limit

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "HTTP_TRANSFER_ENCODING" in environ and not environ.get("CONTENT_LENGTH"):
            may_write = is_authorized(environ.get("HTTP_AUTHORIZATION"), self.config)
            body = _read_at_most(environ["wsgi.input"], (self.write_limit if may_write else self.query_limit) + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))  # past the limit by one byte when too long: the route's 413
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.app(environ, start_response)


def _read_at_most(stream: Any, size: int) -> bytes:
    parts, left = [], size
    while left > 0:
        part = stream.read(min(READ_SIZE, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
