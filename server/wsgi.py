"""Production entry points: ``serve(config)`` (used by ``metiers-kg serve``) and ``app_factory()``.

``serve`` runs gunicorn in-process through ``gunicorn.app.base.BaseApplication``:

* **sync workers**, ``config.workers`` of them: one request at a time per process, which is
  what lets a worker end itself to stop a runaway query (``server.query_runner``) without
  cutting anyone else's request. Put a buffering proxy in front for slow clients, as usual
  with sync workers.
* the app is **not preloaded**: each worker builds it, and opens RocksDB, after the fork.
* gunicorn's own ``timeout`` (silent-worker kill) is set well above ``query_timeout`` so our
  503 is always answered before the arbiter would kill the worker.

``gunicorn 'server.wsgi:app_factory()'`` also works, configured from ``METIERS_KG_*`` only
(then choose gunicorn's options yourself; keep ``--worker-class sync``).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.errors import StoreError
from kg.store import Store, current_build
from server.app import create_app
from server.config import ServerConfig
from server.metrics import metrics_directory

ARBITER_TIMEOUT_MARGIN = 30  # seconds beyond query_timeout before gunicorn kills a silent worker
GRACEFUL_MARGIN = 5  # seconds beyond query_timeout for in-flight requests on shutdown


def app_factory() -> Flask:
    """The app configured from the environment, for ``gunicorn 'server.wsgi:app_factory()'``."""
    return create_app(ServerConfig.from_env())


def gunicorn_options(config: ServerConfig) -> dict[str, Any]:
    """gunicorn settings for ``config`` (separate from ``serve`` so they can be checked)."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    return {
        "bind": [f"{host}:{config.port}"],
        "workers": config.workers,
        "worker_class": "sync",
        "timeout": math.ceil(config.query_timeout) + ARBITER_TIMEOUT_MARGIN,
        "graceful_timeout": math.ceil(config.query_timeout) + GRACEFUL_MARGIN,
        "preload_app": False,
        "limit_request_line": 8190,  # the largest gunicorn allows: room for GET queries
        "proc_name": "metiers-kg",
        "control_socket_disable": True,  # no ~/.gunicorn socket shared between servers
        "errorlog": "-",
    }


class _Server(BaseApplication):
    """gunicorn configured from a ServerConfig rather than from its command line."""

    def __init__(self, config: ServerConfig, startup_line: str) -> None:
        self.config = config
        self.startup_line = startup_line
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self.config).items():
            self.cfg.set(key, value)
        startup_line = self.startup_line
        self.cfg.set("when_ready", lambda server: server.log.info(startup_line))

    def load(self) -> Flask:
        return create_app(self.config)


def serve(config: ServerConfig) -> None:
    """Check the store opens, then serve it until gunicorn is stopped; raises StoreError first."""
    build_id, quads = probe_store(config.store_dir)  # fail fast, naming the path
    startup_line = (f"metiers-kg: serving build {build_id} of {config.store_dir} "
                    f"({quads} quads) at {config.endpoint_url}")
    with metrics_directory():
        _Server(config, startup_line).run()


def probe_store(store_dir: Path) -> tuple[str, int]:
    """Open the store in a short-lived child process: (build id, quads), or raise its StoreError.

    The arbiter itself must never open RocksDB: its background threads do not survive
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
