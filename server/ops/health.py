"""The ``/healthz`` blueprint: is the store reachable, and which build is being served.

Load balancers and ``make``-style scripts poll it; it answers 200 with
``{"status": "ok", "triples": N, "build": "<id>"}`` or 503 with ``{"status": "unavailable",
"error": …}`` when the store cannot be opened (e.g. ``current`` points at a removed build).
It is a report, not an error path, so it builds its JSON here instead of in ``server.http.errors``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from kg.core.errors import StoreError
from server.runtime.services import services

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> tuple[Response, int]:
    """Open (or reuse) the current store and report its size and build id."""
    try:
        handle = services().stores.current()
        body = {"status": "ok", "triples": handle.triples, "build": handle.build_id}
        status = 200
    except (StoreError, OSError) as error:
        current_app.logger.warning("health check: store unavailable: %s", error)
        body = {"status": "unavailable", "error": str(error)}
        status = 503
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
