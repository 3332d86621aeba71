"""A worker whose resident memory reaches ``--max-worker-memory`` stops at once, before the machine does.

pyoxigraph can neither be interrupted nor given a memory budget, and some queries must hold
their whole input before they answer: a runaway ``ORDER BY`` over a cross product took about
2 GB in 5 s, long before the query time limit ended it; a few of them side by side would bring
the host to the kernel's out-of-memory killer, which may pick any process. So each worker
samples its own resident set size (``/proc/self/statm``, ten times a second: one small read)
and, past the limit, logs why and ends itself with ``MEMORY_EXIT_CODE``. The server replaces it
at once (``server.wsgi``), as it does a worker that retires to stop a runaway; the requests in
flight in that worker are cut (their clients see the connection close), the others' are not.
"""

from __future__ import annotations

import logging
import os
import threading
import time

MEMORY_EXIT_CODE = 76  # a worker that ended itself at its memory limit (replaced at once, not a crash)
SAMPLE_SECONDS = 0.1
MIB = 1024 * 1024
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size (Linux); 0 where ``/proc`` does not tell it."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def start_memory_guard(limit_mib: int, logger: logging.Logger) -> threading.Thread | None:
    """Watch this process's memory on a daemon thread (call it in each worker, after the fork);
    nothing when ``limit_mib`` is 0 or the platform does not report resident memory."""
    if limit_mib <= 0 or resident_bytes() == 0:
        return None
    thread = threading.Thread(target=_watch, args=(limit_mib * MIB, logger), name="memory-guard", daemon=True)
    thread.start()
    return thread


def _watch(limit_bytes: int, logger: logging.Logger) -> None:
    while True:
        used = resident_bytes()
        if used >= limit_bytes:
            logger.error(
                "worker %d exits: its memory reached %d MiB (limit %d MiB, --max-worker-memory); "
                "the requests in flight in it are cut",
                os.getpid(),
                used // MIB,
                limit_bytes // MIB,
            )
            for handler in logger.handlers:
                handler.flush()
            os._exit(MEMORY_EXIT_CODE)
        time.sleep(SAMPLE_SECONDS)
