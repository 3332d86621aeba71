"""Memos of the pure functions that make the alignment's lookup tables, which a build can save and the next
build of the same inputs load.

``functools.lru_cache`` cannot be saved or primed. These tables (ROME's and ESCO's labels folded and keyed)
cost about three seconds of Python per build and are the same for every build of one ROME export and one
set of vendored tables, while unpickling them takes a tenth of that: ``kg.alignment.tables`` saves
``values()`` beside the ROME cache entry and ``restore``s it in the next build. A memo is keyed by its
arguments, exactly as ``lru_cache`` is, so a restored entry answers only the call it was made for.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_MEMOS: dict[str, Memo[Any]] = {}


class Memo(Generic[R]):
    """A bounded memo of ``function`` (the oldest entries go first), known by its qualified name."""

    def __init__(self, function: Callable[..., R], maxsize: int) -> None:
        self._function = function
        self._maxsize = maxsize
        self._values: dict[tuple, R] = {}
        self._lock = threading.Lock()
        self.computed = 0  # how many times the function ran: what a restore saves a process
        self.name = f"{function.__module__}.{function.__qualname__}"
        functools.update_wrapper(self, function)
        _MEMOS[self.name] = self

    def __call__(self, *args: Any) -> R:
        try:
            return self._values[args]  # a hit takes no lock: a dict read is atomic
        except KeyError:
            pass
        value = self._function(*args)  # outside the lock: a table may be made from other memos
        self.computed += 1
        self._remember(args, value)
        return value

    def _remember(self, args: tuple, value: R) -> None:
        with self._lock:
            self._values[args] = value
            while len(self._values) > self._maxsize:
                del self._values[next(iter(self._values))]

    def items(self) -> list[tuple[tuple, R]]:
        with self._lock:
            return list(self._values.items())


def memo(maxsize: int) -> Callable[[Callable[..., R]], Memo[R]]:
    """Decorator: ``@memo(maxsize=4)`` where ``@lru_cache(maxsize=4)`` would be, for a table worth saving."""
    return lambda function: Memo(function, maxsize)


def values() -> dict[str, list[tuple[tuple, Any]]]:
    """Every memo's entries by memo name: what ``restore`` takes back (picklable when the tables are)."""
    return {name: entries for name, m in sorted(_MEMOS.items()) if (entries := m.items())}


def computed() -> dict[str, int]:
    """How many times each memo's function ran in this process, by memo name."""
    return {name: m.computed for name, m in sorted(_MEMOS.items())}


def restore(saved: dict[str, list[tuple[tuple, Any]]]) -> None:
    """Put saved entries back into the memos of the same name (names no longer defined are ignored)."""
    for name, entries in saved.items():
        if (target := _MEMOS.get(name)) is not None:
            for args, value in entries:
                target._remember(args, value)
