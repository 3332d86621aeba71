"""Server settings: one frozen value built from ``METIERS_KG_*`` variables and CLI overrides.

Everything the server needs is in :class:`ServerConfig`, handed to ``create_app`` and ``serve``
explicitly, so tests and several apps in one process never share hidden state. Every value is
checked when the object is built: a bad variable stops ``metiers-kg serve`` with one clear
``ValueError`` line (the CLI exits 1) instead of failing later inside a worker.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.core.vocab import DEFAULT_BASE_IRI
from kg.store import settle_base_iri

ENV_PREFIX = "METIERS_KG_"
ENV_NAMES = {
    "store_dir": "STORE",
    "host": "HOST",
    "port": "PORT",
    "base_iri": "BASE_IRI",
    "query_timeout": "QUERY_TIMEOUT",
    "workers": "WORKERS",
    "threads": "THREADS",
    "max_worker_memory": "MAX_WORKER_MEMORY",
    "public_url": "PUBLIC_URL",
    "max_rows": "MAX_ROWS",
    "update_token": "UPDATE_TOKEN",
    "open_update": "OPEN_UPDATE",
    "cors_origins": "CORS_ORIGIN",
    "service_allowlist": "SERVICE_ALLOW",
}
LOOPBACK_HOSTS = ("localhost", "::1")
BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750's b64token: what a client may send


def _default_workers() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class ServerConfig:
    """Where the store is, where to listen, and the endpoint's limits and permissions.

    ``max_rows`` 0 means no cap; ``update_token`` enables SPARQL Update and the Graph Store
    Protocol's writes for requests carrying it as a Bearer token; ``open_update`` enables them
    without a token, only on a loopback address (tests); ``cors_origins`` are the browser
    origins allowed to read answers ("*" for any); ``service_allowlist`` the endpoint IRIs
    that ``SERVICE`` may call (none by default: no requests from our server to other hosts).
    """

    store_dir: Path = Path("var/store")
    host: str = "127.0.0.1"
    port: int = 8000
    base_iri: str = DEFAULT_BASE_IRI
    query_timeout: float = 30.0
    workers: int = field(default_factory=_default_workers)  # one per CPU
    threads: int = 8  # requests each worker runs at once: a few slow clients must not hold every slot
    max_worker_memory: int = (
        2048  # MiB of resident memory a worker may reach (0: no limit): server.runtime.memory_guard
    )
    public_url: str | None = None
    max_rows: int = 0
    update_token: str | None = field(default=None, repr=False)  # a secret: never logged
    open_update: bool = False
    cors_origins: tuple[str, ...] = ("*",)
    service_allowlist: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise once, here
        # Once, here: a relative store is the working directory's, not that of whichever module
        # opens a file in it (Flask's send_file reads relative paths against the app's package).
        set_(self, "store_dir", Path(self.store_dir).absolute())
        if not str(self.host).strip():
            raise ValueError("host: must not be empty")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise ValueError(f"port: expected an integer from 1 to 65535, got {self.port!r}")
        if (
            isinstance(self.query_timeout, bool)
            or not isinstance(self.query_timeout, (int, float))
            or not math.isfinite(self.query_timeout)
            or self.query_timeout <= 0
        ):
            raise ValueError(f"query timeout: expected a positive number of seconds, got {self.query_timeout!r}")
        set_(self, "query_timeout", float(self.query_timeout))
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers: expected a positive integer, got {self.workers!r}")
        if isinstance(self.threads, bool) or not isinstance(self.threads, int) or not 1 <= self.threads <= 64:
            raise ValueError(f"threads: expected an integer from 1 to 64, got {self.threads!r}")
        if (
            isinstance(self.max_worker_memory, bool)
            or not isinstance(self.max_worker_memory, int)
            or self.max_worker_memory < 0
        ):
            raise ValueError(
                f"max worker memory: expected a number of MiB (0: no limit), got {self.max_worker_memory!r}"
            )
        _check_http_iri("base IRI", self.base_iri)
        if self.public_url is not None:
            _check_http_iri("public URL", self.public_url)
            set_(self, "public_url", self.public_url.rstrip("/"))
        if isinstance(self.max_rows, bool) or not isinstance(self.max_rows, int) or self.max_rows < 0:
            raise ValueError(f"max rows: expected a non-negative integer (0: no cap), got {self.max_rows!r}")
        if self.update_token is not None and len(self.update_token) < 16:
            raise ValueError("update token: use at least 16 characters (e.g. from 'openssl rand -hex 32')")
        if self.update_token is not None and not BEARER_TOKEN.fullmatch(self.update_token):
            raise ValueError(
                "update token: use only letters, digits and - . _ ~ + / (a Bearer token, RFC 6750; "
                "e.g. from 'openssl rand -hex 32')"
            )
        if self.open_update and not is_loopback(self.host):
            raise ValueError(
                f"open update: only allowed on a loopback address, not on {self.host!r}; use --update-token instead"
            )
        set_(self, "cors_origins", _as_tuple(self.cors_origins))
        set_(self, "service_allowlist", _as_tuple(self.service_allowlist))
        for origin in self.cors_origins:
            if origin != "*":
                _check_http_iri("CORS origin", origin)
        for service in self.service_allowlist:
            _check_http_iri("SERVICE allow-list entry", service)

    @property
    def updates_enabled(self) -> bool:
        return self.update_token is not None or self.open_update

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ServerConfig:
        """Defaults, then ``METIERS_KG_*`` variables, then ``overrides`` (the CLI's options).

        The base IRI defaults to the one the store was built with; one that contradicts it is refused.
        """
        environ = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown server setting(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}  # each field's value, of its own type (checked by __post_init__)
        for name, env_name in ENV_NAMES.items():
            raw = environ.get(ENV_PREFIX + env_name)
            if raw is not None and raw.strip() != "":
                values[name] = _parse(name, ENV_PREFIX + env_name, raw.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("base_iri") is not None:  # a malformed one is refused as such, before any store is read
            _check_http_iri("base IRI", values["base_iri"])
        store_dir = Path(values.get("store_dir", cls.store_dir))
        values["base_iri"] = settle_base_iri(store_dir, values.get("base_iri"), DEFAULT_BASE_IRI)
        return cls(**values)

    @property
    def local_url(self) -> str:
        """The URL the server listens on (IPv6 hosts bracketed)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint_url(self) -> str:
        """The SPARQL endpoint as clients should see it: the public URL when one is set."""
        return f"{self.public_url or self.local_url}/sparql"

    def root_seen_by(self, request_root: str) -> str:
        """This server's root URL to tell a client who reached us at ``request_root`` (the
        request's own scheme, host and path prefix): the public URL when one is set, since behind
        a proxy the request's own may be the inside one (``http://`` where clients use ``https://``)."""
        return self.public_url if self.public_url else request_root.rstrip("/")

    def endpoint_seen_by(self, request_root: str) -> str:
        """The SPARQL endpoint to tell that client (see :meth:`root_seen_by`)."""
        return f"{self.root_seen_by(request_root)}/sparql"


def _parse(name: str, env_name: str, raw: str) -> object:
    """Turn one environment string into the field's type, naming the variable on error."""
    try:
        if name in ("port", "workers", "threads", "max_rows", "max_worker_memory"):
            return int(raw)
        if name == "query_timeout":
            return float(raw)
    except ValueError:
        kind = "a number of seconds" if name == "query_timeout" else "an integer"
        raise ValueError(f"{env_name}={raw!r}: expected {kind}") from None
    if name == "store_dir":
        return Path(raw)
    if name == "open_update":
        if raw.lower() not in ("1", "true", "yes", "0", "false", "no"):
            raise ValueError(f"{env_name}={raw!r}: expected true or false")
        return raw.lower() in ("1", "true", "yes")
    if name in ("cors_origins", "service_allowlist"):
        return _as_tuple(raw)
    return raw


def _as_tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    """A comma-separated string or a sequence of strings → a tuple without blanks."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip() for item in items if str(item).strip())


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: where an unauthenticated writer is acceptable."""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_http_iri(what: str, value: object) -> None:
    parts = urlsplit(str(value))
    if not isinstance(value, str) or parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(f"{what}: expected an absolute http(s) IRI, got {value!r}")
