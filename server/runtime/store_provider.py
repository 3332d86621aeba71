"""The open read-only store, reopened when ``metiers-kg build`` switches the ``current`` link.

A build writes a new database beside the old one and renames the ``current`` link (see
``kg/store``), so a server only has to notice that the link now points elsewhere. Each
request asks :meth:`StoreProvider.current` for a :class:`StoreHandle`; that costs one
resolution of the link and opens a new handle only when the target changed. The provider
keeps a reference to the newest handle only: a query still running on an older build keeps
that handle alive through its own reference, and the database is closed (pyoxigraph closes
on garbage collection) as soon as the last such query finishes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from kg.store import CURRENT, Store, current_build
from server.http.caching import ResultCache, entity_tag, last_modified, validator_headers

T = TypeVar("T")


@dataclass(eq=False)
class StoreHandle:
    """One open build: the store, where it lives, and its size (computed once; builds never change)."""

    store: Store
    target: Path
    _triples: int | None = field(default=None, repr=False)
    memo: dict[str, object] = field(default_factory=dict, repr=False)  # per-build facts (plain values)
    results: ResultCache = field(default_factory=ResultCache, repr=False)  # see server.http.caching
    _modified: tuple[float, str] | None = field(default=None, repr=False)

    @property
    def modified(self) -> tuple[float, str]:
        """When this build was written: (timestamp, HTTP date)."""
        if self._modified is None:
            self._modified = last_modified(self.target)
        return self._modified

    @property
    def build_id(self) -> str:
        return self.target.name

    def validators(self, settings: str) -> tuple[str, list[tuple[str, str]]]:
        """This build's ETag under ``settings`` and the validator headers of all its answers (computed once):
        ``/sparql`` answers and linked-data pages carry the same."""
        key = f"validators|{settings}"
        if key not in self.memo:
            etag = entity_tag(self.build_id, settings)
            self.memo[key] = (etag, validator_headers(etag, self.modified[1]))
        return cast(tuple[str, list[tuple[str, str]]], self.memo[key])

    def remember(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed once per build and kept under ``key`` (one kind of value per key)."""
        if key not in self.memo:
            self.memo[key] = make()
        return cast(T, self.memo[key])

    @property
    def triples(self) -> int:
        if self._triples is None:
            self._triples = len(self.store)
        return self._triples


class StoreProvider:
    """Hands out the handle for the build ``store_dir/current`` points at right now."""

    def __init__(self, store_dir: Path, opener: Callable[[Path], Store] = Store.open_current) -> None:
        self.store_dir = Path(store_dir)
        self._opener = opener
        self._handle: StoreHandle | None = None
        self._lock = threading.Lock()
        self._link = str(self.store_dir / CURRENT)
        self._link_text: str | None = None

    def current(self) -> StoreHandle:
        """The handle for the current build, reopening if the link moved; raises StoreError."""
        handle = self._handle
        try:  # the hot path: one readlink(2), compared with what it said when we opened
            if handle is not None and os.readlink(self._link) == self._link_text:
                return handle
        except OSError:
            pass
        target = current_build(self.store_dir)
        if handle is not None and handle.target == target:
            return handle
        with self._lock:
            handle = self._handle
            if handle is None or handle.target != target:
                try:
                    self._link_text = os.readlink(self._link)  # read before opening: a later switch reopens
                except OSError:
                    self._link_text = None
                store = self._opener(self.store_dir)
                # open_current resolves the link itself; trust what it opened, not our earlier look.
                handle = StoreHandle(store, Path(store.path) if store.path is not None else target)
                self._handle = handle  # the previous handle lives on only in running queries
            return handle

    def close(self) -> None:
        """Forget the open handle (tests, shutdown); the next request reopens."""
        with self._lock:
            self._handle = None
