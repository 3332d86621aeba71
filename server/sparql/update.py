"""Writes: who may update, and how an update reaches the store atomically and durably.

**Permission.** Updates (SPARQL Update on ``/sparql``, writes of the Graph Store Protocol on
``/store``) are refused with 403 unless the server was started with ``--update-token`` and the
request carries ``Authorization: Bearer <token>`` (compared in constant time), or with
``--open-update``, which ``ServerConfig`` allows only on a loopback address.

**Atomic and durable, with several read-only workers.** The workers keep the store open
read-only, and RocksDB allows one writer per database, so no worker writes the database the
others read. Each write is copy-on-write instead (``kg.store.revise_current``): the worker
takes the store's writer lock (writes from all workers queue there, one at a time), copies
the current build with a RocksDB checkpoint (hard links, so the cost does not grow with the
store), applies the change to the copy, flushes it to disk, and renames the ``current`` link
to it (``rename(2)`` + ``fsync``). Readers see all of an update or none of it; every worker
reopens on its next request, so a client that got 204 reads its own write on any worker. A
crash or ``kill -9`` at any point leaves ``current`` on the previous complete build; an
update that fails (syntax, bad data) switches nothing. The write runs on the query executor
thread under the same time limit as queries; the switch goes through ``Channel.commit`` so a
client told "timed out" is never left with a write that happened anyway.
The price is one checkpoint per write: fine for curation edits and tests, not for bulk
loading (use ``metiers-kg load``/``build``).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from werkzeug.wrappers import Request

from kg.store import Store, revise_current
from server.config import BEARER_TOKEN, ServerConfig
from server.http.errors import (
    CredentialsError,
    MalformedRequestError,
    QuerySyntaxError,
    UpdateFailedError,
    UpdateRefusedError,
)
from server.runtime.channel import Channel, Job
from server.sparql.service_guard import check_calls
from server.sparql.syntax_errors import explain
from server.sparql.text import add_using, check_nesting, has_own_dataset, service_targets

WRITER_WAIT_SECONDS = 30.0  # how long a write queues behind others before giving up (503)


def authorize(req: Request, config: ServerConfig) -> None:
    """Raise UpdateRefusedError (403) unless this request may write."""
    check_authorization(req.headers.get("Authorization"), config)


def is_authorized(authorization: str | None, config: ServerConfig) -> bool:
    """Whether a request with this ``Authorization`` header may write (no exception)."""
    try:
        check_authorization(authorization, config)
    except UpdateRefusedError:
        return False
    return True


def check_authorization(authorization: str | None, config: ServerConfig) -> None:
    """Raise, saying why, unless ``authorization`` lets a request write: UpdateRefusedError (403)
    on a read-only server, which no credentials change; CredentialsError (401 or 400, with the
    ``WWW-Authenticate: Bearer`` challenge of RFC 6750) when the server has a token."""
    if config.open_update:
        return
    if config.update_token is None:
        raise UpdateRefusedError("this server is read-only: updates are disabled (start it with --update-token TOKEN)")
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        raise CredentialsError("updates need the server's token: send 'Authorization: Bearer <token>'", 401)
    token = credentials.strip()
    if not token or not BEARER_TOKEN.fullmatch(token):
        raise CredentialsError(
            "the Authorization header is not 'Bearer <token>' (RFC 6750 token characters)", 400, "invalid_request"
        )
    if not hmac.compare_digest(token.encode(), config.update_token.encode()):
        raise CredentialsError("the Bearer token does not match the server's update token", 401, "invalid_token")


@dataclass(frozen=True)
class UpdateRequest:
    """A SPARQL Update request of the protocol (plain strings only: thread-safe)."""

    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()

    def effective_text(self) -> str:
        """The update with the protocol's ``using-*`` parameters turned into ``USING`` clauses."""
        if not (self.using_graphs or self.using_named_graphs):
            return self.update
        if has_own_dataset(self.update):
            raise MalformedRequestError(
                "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update itself"
            )
        for iri in self.using_graphs + self.using_named_graphs:
            try:
                ox.NamedNode(iri)
            except ValueError as error:
                raise MalformedRequestError(f"using-graph-uri / using-named-graph-uri: {error}") from None
        return add_using(self.update, self.using_graphs, self.using_named_graphs)


def write_job(store_dir: Path, change: Callable[[Store], object], *, status: int = 204) -> Job:
    """A job that applies ``change`` to a copy of the current build and switches to it.

    ``change`` may return an HTTP status to answer with (e.g. 201 for a graph created);
    the job ends with that status as its representation and an empty body.
    """

    def job(channel: Channel) -> None:
        answer = status
        with revise_current(store_dir, WRITER_WAIT_SECONDS, commit=channel.commit) as store:
            returned = change(store)
            if isinstance(returned, int):
                answer = returned
        channel.begin(answer)

    return job


def sparql_update(parsed: UpdateRequest, config: ServerConfig) -> Callable[[Store], None]:
    """The change a SPARQL Update request makes (its syntax checked when it runs).

    ``LOAD <url>`` would make our server fetch any URL: refused (403) unless allow-listed,
    like ``SERVICE``.
    """
    check_nesting(parsed.update, "update")
    text = parsed.effective_text()
    base_iri = config.base_iri
    check_calls(text, config.service_allowlist, base_iri, "update")

    named = {iri for keyword in ("GRAPH", "WITH", "TO") for iri in service_targets(text, base_iri, keyword) if iri}

    def change(store: Store) -> None:
        store.touched.update(named)  # with the graphs whose size changed: kept by the next build (kg.store)
        try:
            store.oxigraph.update(text, base_iri=base_iri)
        except SyntaxError as error:
            raise QuerySyntaxError(explain(text, str(error), "SPARQL Update syntax error")) from None
        except RuntimeError as error:  # pyoxigraph's evaluation errors; nothing is switched
            raise UpdateFailedError(f"the update was not applied: {error}") from None

    return change
