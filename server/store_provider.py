"""The open read-only store, reopened when ``metiers-kg build`` switches the ``current`` link.

A build writes a new database beside the old one and renames the ``current`` link (see
``kg/store.py``), so a server only has to notice that the link now points elsewhere. Each
request asks :meth:`StoreProvider.current` for a :class:`StoreHandle`; that costs one
resolution of the link and opens a new handle only when the target changed. The provider
keeps a reference to the newest handle only: a query still running on an older build keeps
that handle alive through its own reference, and the database is closed (pyoxigraph closes
on garbage collection) as soon as the last such query finishes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.store import Store, current_build


@dataclass(eq=False)
class StoreHandle:
    """One open build: the store, where it lives, and its size (computed once; builds never change)."""

    store: Store
    target: Path
    _triples: int | None = field(default=None, repr=False)

    @property
    def build_id(self) -> str:
        return self.target.name

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

    def current(self) -> StoreHandle:
        """The handle for the current build, reopening if the link moved; raises StoreError."""
        target = current_build(self.store_dir)
        handle = self._handle
        if handle is not None and handle.target == target:
            return handle
        with self._lock:
            handle = self._handle
            if handle is None or handle.target != target:
                store = self._opener(self.store_dir)
                # open_current resolves the link itself; trust what it opened, not our earlier look.
                handle = StoreHandle(store, Path(store.path) if store.path is not None else target)
                self._handle = handle  # the previous handle lives on only in running queries
            return handle

    def close(self) -> None:
        """Forget the open handle (tests, shutdown); the next request reopens."""
        with self._lock:
            self._handle = None
