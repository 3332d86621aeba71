"""HTTP caching of a versioned, read-only dataset: validators, 304s and a small result cache.

A build never changes once written (updates and rebuilds make a new build and switch to it),
so the answer to a given query, dataset and ``Accept`` is fixed for the life of a build. Hence:

* **Validators**: ``ETag: W/"<build id>-<settings>"`` (weak: blank node labels may differ
  between evaluations) and ``Last-Modified`` = when the build was written; with
  ``Cache-Control: public, no-cache`` caches keep answers but revalidate them, and a
  revalidation (``If-None-Match`` / ``If-Modified-Since`` on GET or HEAD) is answered
  ``304 Not Modified`` without evaluating the query at all. ``Vary: Accept`` is set by the view.
* **Result cache**: per worker and per build, the complete bodies of small answers (those that
  fit in one chunk of the query runner) keyed by everything that decides them, in LRU order
  within a byte budget. A repeated lookup is then answered without a hand-over to the query
  thread. A new build gets a new, empty cache (it lives on the store handle).
* **Replay** (``server.sparql.endpoint``): the same cache also keeps whole HTTP answers (status,
  headers, body) to queries, keyed by the raw request fields that decide them; a repeated
  request, or its revalidation, is then answered without reading, negotiation or evaluation.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

from werkzeug.sansio.http import is_resource_modified

CACHE_BYTES = 32 * 1024 * 1024  # per worker
CACHE_CONTROL = "public, no-cache"


def entity_tag(build_id: str, settings: str) -> str:
    """The weak ETag of every answer from this build under these settings."""
    digest = hashlib.sha1(settings.encode()).hexdigest()[:8]
    return f'W/"{build_id}-{digest}"'


def validator_headers(etag: str, http_date: str) -> list[tuple[str, str]]:
    """Every answer of a build carries its validators: ``/sparql`` answers and linked-data pages alike."""
    return [("ETag", etag), ("Last-Modified", http_date), ("Cache-Control", CACHE_CONTROL)]


def last_modified(build_dir: Path) -> tuple[float, str]:
    """(timestamp, HTTP date) of when the build was written (its directory's mtime, to the second)."""
    try:
        stamp = float(int(build_dir.stat().st_mtime))
    except OSError:
        stamp = 0.0
    return stamp, formatdate(stamp, usegmt=True)


_VOLATILE = re.compile(r"\bSERVICE\b|\b(?:NOW|RAND|UUID|STRUUID)\s*\(", re.IGNORECASE)


def fixed_by_build(query: str) -> bool:
    """False for a query whose answer the build does not fix: ``SERVICE`` (another endpoint's
    data) or ``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()``; such answers are never kept.
    (A false alarm, e.g. the word in a string literal, only costs a cache entry.)"""
    return _VOLATILE.search(query) is None


def revalidates(if_none_match: str | None, since: str | None, etag: str, modified: float) -> bool:
    """The validators of a GET/HEAD against this build's: True when the client's copy is current.

    werkzeug's own rule (RFC 9110 §13.1): ``If-None-Match`` decides alone when present (weak
    comparison), else ``If-Modified-Since``. Pages and ``/sparql`` answers alike."""
    return not is_resource_modified(
        http_if_none_match=if_none_match,
        http_if_modified_since=since,
        etag=etag,
        last_modified=datetime.fromtimestamp(modified, UTC) if modified else None,
    )


class ResultCache:
    """Complete small answers, LRU within ``max_bytes``; thread-safe (gthread-style servers)."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[object, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[object, bytes] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, head: object, body: bytes) -> None:
        cost = len(body) + _key_size(key)
        if cost > self.max_bytes // 16:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (head, body)
            self._size += cost
            while self._size > self.max_bytes and self._entries:
                old_key, (_, old_body) = self._entries.popitem(last=False)
                self._size -= len(old_body) + _key_size(old_key)


def _key_size(key: tuple) -> int:
    return sum(len(part) for part in key if isinstance(part, (str, bytes)))
