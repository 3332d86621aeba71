"""The one place where exceptions become HTTP responses.

Views raise the pipeline's own exceptions (``kg.core.errors``) or the protocol errors defined
here; :func:`error_response` turns each class into a status and a short ``text/plain`` message
that says what to fix, for the Flask app (:func:`register_error_handlers`) and for the
``/sparql`` endpoint in front of it alike. Unexpected exceptions are logged with their traceback
and answered with a bare 500, so no internals leak to clients.
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from kg.core.errors import MetiersKgError, StoreError


class QueryError(MetiersKgError):
    """Base class of errors about a SPARQL request."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message carries the parser's position."""


class QueryTimeoutError(QueryError):
    """The query ran longer than the configured limit and was stopped."""

    def __init__(self, limit_seconds: float) -> None:
        self.limit_seconds = limit_seconds
        super().__init__(f"query stopped after exceeding the {limit_seconds:g} s time limit")


class NotAcceptableError(QueryError):
    """No representation matches the client's Accept header."""

    def __init__(self, accept: str, available: list[str], why: str | None = None) -> None:
        self.accept = accept
        self.available = available
        because = f" ({why})" if why else ""
        super().__init__(
            f"no acceptable representation for Accept: {accept!r}{because}; available: {', '.join(available)}"
        )


class UpdateRefusedError(QueryError):
    """SPARQL Update was sent to a read-only endpoint."""


class MalformedRequestError(QueryError):
    """The request does not follow the SPARQL protocol (missing or repeated query, bad parameter)."""


class UnsupportedContentTypeError(QueryError):
    """A POST body in a media type the endpoint does not read."""

    def __init__(self, content_type: str, supported: list[str]) -> None:
        self.content_type = content_type
        self.supported = supported
        shown = content_type or "(none)"
        super().__init__(f"unsupported request Content-Type {shown}; send one of: {', '.join(supported)}")


class ServiceRefusedError(QueryError):
    """A query whose SERVICE clause names an endpoint this server may not call."""


class CredentialsError(UpdateRefusedError):
    """A write without the Bearer token a server with a token expects (RFC 6750): no credentials
    or another scheme (401), a malformed header (400), or a token that does not match (401)."""

    def __init__(self, message: str, status: int, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        challenge = 'Bearer realm="metiers-kg"'
        self.challenge = f'{challenge}, error="{error_code}"' if error_code else challenge


class UpdateFailedError(QueryError):
    """An update that parses but cannot be applied (e.g. CREATE GRAPH of an existing graph)."""


# Most specific first: the first class an exception is an instance of decides the status.
STATUS_BY_ERROR: tuple[tuple[type[Exception], int], ...] = (
    (QuerySyntaxError, 400),
    (MalformedRequestError, 400),
    (UpdateFailedError, 400),
    (UpdateRefusedError, 403),
    (ServiceRefusedError, 403),
    (NotAcceptableError, 406),
    (UnsupportedContentTypeError, 415),
    (QueryTimeoutError, 503),
    (StoreError, 503),
)


def plain(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """A text/plain error body ending with a newline (readable with curl)."""
    return Response(
        message.rstrip("\n") + "\n", status=status, headers=headers, content_type="text/plain; charset=utf-8"
    )


LOGGER = logging.getLogger("metiers_kg.server")


def error_response(error: BaseException) -> Response:
    """The answer to a request that failed with ``error``."""
    if isinstance(error, HTTPException):
        return _http(error)
    if isinstance(error, Exception) and any(isinstance(error, cls) for cls, _ in STATUS_BY_ERROR):
        return _known(error)
    return _unexpected(error)


def _known(error: Exception) -> Response:
    status = next(code for cls, code in STATUS_BY_ERROR if isinstance(error, cls))
    headers = None
    if isinstance(error, StoreError):
        LOGGER.error("store unavailable: %s", error)
        headers = {"Retry-After": "5"}
    elif isinstance(error, CredentialsError):
        status = error.status
        headers = {"WWW-Authenticate": error.challenge}
    return plain(str(error), status, headers)


def _http(error: HTTPException) -> Response:
    """Werkzeug's own errors (404, 405, 413…) as text/plain, keeping their headers (e.g. Allow)."""
    response = error.get_response()
    response.set_data(f"{error.code} {error.name}: {error.description}\n")
    response.content_type = "text/plain; charset=utf-8"
    return response


def _unexpected(error: BaseException) -> Response:
    LOGGER.error("unhandled error on a request", exc_info=error)
    return plain("500 Internal Server Error: the server failed to answer; the error has been logged", 500)


def register_error_handlers(app: Flask) -> None:
    """Install the exception → response mapping on ``app``."""
    app.register_error_handler(Exception, error_response)
