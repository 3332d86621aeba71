"""The one module that touches granian's internals: its multi-process server, subclassed.

granian has no public hooks for the two things ``server.wsgi`` needs, so they are overridden
here and nowhere else (which is why pyproject.toml pins granian to one minor release: check
these two methods on each new one):

* ``_init_shared_socket``: with one worker, the main process opens and keeps the listening
  socket, so connections queue while the worker is replaced instead of being refused;
* ``_respawn_workers``: a retired or crashed worker is always replaced (granian's crash-loop
  guard, which stops the whole server, is switched off), a slot that keeps crashing a little
  later each time.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

from granian.net import SocketSpec
from granian.server import MPServer

from server.runtime.memory_guard import MEMORY_EXIT_CODE
from server.runtime.query_runner import RUNAWAY_EXIT_CODE

CRASH_WINDOW = 10.0  # seconds: a worker crashing again within this of its last crash waits longer to be replaced
MAX_CRASH_PAUSE = 5.0
# a worker that stopped itself: server.runtime.query_runner.exit_worker, or server.runtime.memory_guard
RETIRED_EXIT_CODES = (0, RUNAWAY_EXIT_CODE, MEMORY_EXIT_CODE)


class Server(MPServer):
    """granian's multi-process server: a socket held by the main process when there is one worker,
    and replacement of retired or crashed workers however often they stop."""

    # A SocketHolder once built: granian's __init__ sets it to None unannotated, which types it None; a
    # subclass may only widen that to Any.
    _shd: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crashes: dict[int, tuple[float, float]] = {}  # by worker slot: (last crash, pause given then)

    def _init_shared_socket(self) -> None:
        if self.bind_uds or self.workers > 1:
            super()._init_shared_socket()
            return
        self._ssp = None
        self._shd = holder = SocketSpec(self.bind_addr, self.bind_port, self.backlog).build()
        self._sfd = holder.get_fd()
        shared = socket.socket(fileno=self._sfd)
        shared.set_inheritable(True)
        self._sso = shared

    def _respawn_workers(self, workers: list[int], spawn_target: Any, target_loader: Any, delay: float = 0) -> None:
        crashed = [
            idx
            for idx in workers  # still running: a reload (SIGHUP) replaces live workers
            if self.wrks[idx].inner.exitcode not in (None, *RETIRED_EXIT_CODES)
        ]
        pause = self._crash_pause(crashed)
        if pause:
            time.sleep(pause)  # a slot that keeps crashing is retried less often, never given up
        super()._respawn_workers(workers, spawn_target, target_loader, delay)
        for idx in workers:  # granian's crash-loop guard would stop the whole server: a worker is always replaced
            self.respawned_wrks.pop(idx, None)

    def _crash_pause(self, crashed: list[int]) -> float:
        """Seconds to wait before replacing crashed workers: doubling while a slot crashes within
        ``CRASH_WINDOW`` of its last crash, up to ``MAX_CRASH_PAUSE``; nothing for a first crash."""
        now = time.monotonic()
        history = self.crashes
        pause = 0.0
        for idx in crashed:
            last, previous_pause = history.get(idx, (-CRASH_WINDOW - 1, 0.0))
            slot_pause = min(max(previous_pause * 2, 0.1), MAX_CRASH_PAUSE) if now - last <= CRASH_WINDOW else 0.0
            history[idx] = (now, slot_pause)
            server_logger().error(
                "worker-%d crashed; it is replaced%s", idx + 1, f" in {slot_pause:.1f} s" if slot_pause else ""
            )
            pause = max(pause, slot_pause)
        return pause


def server_logger() -> logging.Logger:
    """granian's logger (stderr, with time and pid: ``LOG_CONFIG``)."""
    return logging.getLogger("_granian")
