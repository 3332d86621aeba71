"""Production entry points: ``serve(config)`` (used by ``metiers-kg serve``) and ``app_factory()``.

``serve`` runs granian (an HTTP server written in Rust, here through its WSGI interface) in-process:

* ``config.workers`` **worker processes** (one per core by default). HTTP parsing, keep-alive
  and writing to sockets happen in Rust; the app runs on ``config.threads`` Python threads
  per worker, and its queries on the executor threads of ``server.runtime.query_runner``.
* the app is **not preloaded**: each worker builds it, and opens RocksDB, after the fork (the
  main process never opens the store: see :func:`probe_store`).
* **listening sockets**: with several workers, granian's own Linux choice, one ``SO_REUSEPORT``
  socket per worker, which the kernel balances (a socket shared by all workers lets whichever
  wakes first accept a whole burst of keep-alive connections: measured, throughput then
  varied between runs from 16,000 to 37,000 req/s). While one worker is replaced the others
  take the new connections; those already queued on the leaving worker's own socket are reset
  unless the kernel migrates them (``sysctl net.ipv4.tcp_migrate_req=1``, Linux ≥ 5.14).
  With a single worker, one socket opened by the main process and inherited by the worker:
  connections wait in its queue while the worker is replaced, so the port never refuses them.
* a worker that **retires to stop a runaway query** (``server.runtime.query_runner.exit_worker``:
  graceful stop, exit status 0, or ``RUNAWAY_EXIT_CODE`` from its watchdog), or that **reached
  its memory limit** (``server.runtime.memory_guard``, ``--max-worker-memory``), is replaced at once,
  however often it happens. A worker that **crashes** (a signal, ``kill -9``) is
  replaced too, always: granian's crash-loop guard (a worker dying within 5.5 s of being
  respawned stops the whole server) is switched off, so no client can take the server down by
  crashing workers; a slot that keeps crashing waits a little longer each time (up to
  ``MAX_CRASH_PAUSE``) so that a broken deployment does not spin. Run the server under a
  supervisor all the same (README: systemd).
* **SIGTERM** or SIGINT: graceful shutdown; workers get ``query_timeout`` + ``GRACEFUL_MARGIN``
  seconds to finish the requests in flight, then are killed. SIGHUP: the workers are replaced
  one by one, gracefully.
* the startup line (build, store, quads, URL) is logged once the socket is bound; the server's
  log lines go to stderr with time and pid, beside the JSON request lines of ``server.ops.metrics``.

``granian --interface wsgi --factory server.wsgi:app_factory`` also works, configured from
``METIERS_KG_*`` only (then choose granian's options yourself), and so does any WSGI server.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from flask import Flask
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from kg.core.errors import StoreError
from kg.store import Store, current_build
from server.app import create_app
from server.config import ServerConfig
from server.ops.metrics import metrics_directory
from server.runtime.granian_server import Server, server_logger
from server.runtime.memory_guard import start_memory_guard

# Python threads per worker running requests (``--threads``, default 8): each slow client (a body sent
# byte by byte, an answer read slowly) holds one, so there must be many more than cores; more threads
# cost some GIL contention under full load (repeated lookup: 1 thread 30,000 req/s, 2: 25,800, 4: 23,000)
HEADER_READ_TIMEOUT_MS = 10_000  # a client that has not sent its request line and headers by then is dropped
GRACEFUL_MARGIN = 5  # seconds beyond query_timeout for in-flight requests on shutdown
MIGRATE_REQ_SYSCTL = Path("/proc/sys/net/ipv4/tcp_migrate_req")
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"generic": {"()": "logging.Formatter", "fmt": LOG_FORMAT, "datefmt": "%Y-%m-%d %H:%M:%S %z"}},
    "handlers": {"console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {
        "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def app_factory() -> Flask:
    """The app configured from the environment, for ``granian --factory server.wsgi:app_factory``."""
    return worker_app(ServerConfig.from_env())


def worker_app(config: ServerConfig) -> Flask:
    """The app of one worker process, built after the fork, with the worker's memory guard."""
    start_memory_guard(config.max_worker_memory, server_logger())
    return create_app(config)


def server_options(config: ServerConfig) -> dict[str, Any]:
    """granian settings for ``config`` (separate from ``serve`` so they can be checked)."""
    return {
        "address": config.host,
        "port": config.port,
        "interface": Interfaces.WSGI,
        "workers": config.workers,
        "blocking_threads": config.threads,
        "http1_settings": HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        "respawn_failed_workers": True,
        "workers_kill_timeout": math.ceil(config.query_timeout) + GRACEFUL_MARGIN,
        "log_level": LogLevels.info,
        "log_dictconfig": LOG_CONFIG,
        "log_access": False,  # server.ops.metrics writes one JSON line per request
    }


def serve(config: ServerConfig) -> None:
    """Check the store opens, then serve it until the server is stopped; raises StoreError first."""
    build_id, quads = probe_store(config.store_dir)  # fail fast, naming the path
    startup_line = (
        f"metiers-kg: serving build {build_id} of {config.store_dir} ({quads} quads) at {config.endpoint_url}"
    )
    with metrics_directory():  # before any worker imports prometheus_client
        server = Server("server.wsgi:app_factory", **server_options(config))
        server.on_startup(lambda: server_logger().info(startup_line))
        warning = queue_handover_warning(config.workers, MIGRATE_REQ_SYSCTL)
        if warning:
            server.on_startup(lambda: server_logger().warning(warning))
        server.serve(target_loader=lambda _target: worker_app(config))


def queue_handover_warning(workers: int, sysctl: Path) -> str | None:
    """What to tell an operator whose kernel resets the connections queued on a retiring worker.

    With several workers each has its own ``SO_REUSEPORT`` socket; when one retires (a runaway
    query, its memory limit, SIGHUP), the connections the kernel had already queued on it are
    reset, unless ``net.ipv4.tcp_migrate_req`` is 1 (Linux 5.14+), which hands them to another
    worker. Only root can set it, so the server says so instead of changing the host.
    """
    if workers < 2:
        return None  # one worker: its socket belongs to the main process and outlives the worker
    try:
        if sysctl.read_text().strip() != "0":
            return None
    except OSError:
        return None  # another kernel: nothing known to advise
    return (
        f"{sysctl} is 0: connections waiting for a worker that retires are reset instead of handed "
        "to another worker; set 'sysctl -w net.ipv4.tcp_migrate_req=1' (README: Reliability)"
    )


def probe_store(store_dir: Path) -> tuple[str, int]:
    """Open the store in a short-lived child process: (build id, quads), or raise its StoreError.

    The main process itself must never open RocksDB: its background threads do not survive
    ``fork``, and a worker that later writes (an update) would wait forever for a flush that
    no thread runs. So the check runs in a forked child that exits afterwards.
    """
    current_build(store_dir)  # the common mistakes (no store, dangling link), without forking
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: open, count, report, exit without running the parent's cleanups
        os.close(read_end)
        try:
            store = Store.open_current(store_dir)
            message = {"build": store.path.name if store.path is not None else "?", "quads": len(store)}
        except StoreError as error:
            message = {"error": str(error)}
        except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises
            message = {"error": f"{store_dir}: cannot open the store: {error}"}
        os.write(write_end, json.dumps(message).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    report = json.loads(data or b'{"error": "the store check died"}')
    if "error" in report:
        raise StoreError(report["error"])
    return report["build"], report["quads"]
