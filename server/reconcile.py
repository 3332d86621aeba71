"""``/reconcile``: the Reconciliation Service API v0.2 (what OpenRefine speaks) over the build's name index.

The index (``kg.search``) is written by ``metiers-kg build`` into the build's directory; each worker
opens the one of the build it serves, once per build. Identifiers are the entities' IRIs, so ``view``
is the IRI itself (it dereferences on this server).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from flask import Blueprint, Response, request

from kg.core.errors import StoreError
from kg.search import INDEX_DIR, TYPES, SearchIndex
from kg.search.index import Candidate
from kg.core.vocab import ONTOLOGY_IRI
from server.runtime.services import services

bp = Blueprint("reconcile", __name__)

MAX_BATCH = 100  # queries per request, announced in the manifest as batchSize
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
MEMO_KEY = "search_index"


class BadRequest(ValueError):
    """A request the service refuses; the message says what to fix."""


def _index() -> SearchIndex:
    """The index of the build being served (or, after SPARQL updates, of the newest build that has one)."""
    handle = services().stores.current()
    if MEMO_KEY not in handle.memo:
        builds = sorted((p for p in Path(handle.target).parent.iterdir() if (p / INDEX_DIR).is_dir()
                         and not p.name.endswith(".partial") and p.name <= handle.target.name), reverse=True)
        if not builds:
            raise StoreError(f"{handle.target}: this build has no search index; run 'metiers-kg build'")
        handle.memo[MEMO_KEY] = SearchIndex(builds[0] / INDEX_DIR)
    return handle.memo[MEMO_KEY]  # type: ignore[return-value]


def _json(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    callback = request.args.get("callback") if request.method == "GET" else None
    if callback is not None:
        if not CALLBACK.match(callback):
            return _error("callback must be a JavaScript identifier (letters, digits, _, $, .)")
        return Response(f"{callback}({body});", status, mimetype="application/javascript")
    return Response(body, status, mimetype="application/json")


def _error(message: str, status: int = 400) -> Response:
    return Response(message + "\n", status, mimetype="text/plain")


def manifest() -> dict:
    root = request.url_root.rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "métiers-kg: French occupations (ROME 4.0, ESCO, fiches métiers, emplois-types)",
        "identifierSpace": services().config.base_iri,
        "schemaSpace": ONTOLOGY_IRI + "#",
        "defaultTypes": [{"id": t.id, "name": t.name} for t in TYPES.values()],
        "view": {"url": "{{id}}"},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 120},
        "batchSize": MAX_BATCH,
    }


def _types(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise BadRequest("'type' must be a type id or a list of type ids")
    unknown = [n for n in names if n not in TYPES]
    if unknown:
        raise BadRequest(f"unknown type {unknown[0]!r}; the types are {', '.join(TYPES)}")
    return tuple(names)


def _limit(value: object) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequest("'limit' must be a positive integer")
    return min(value, MAX_LIMIT)


def _candidate(c: Candidate) -> dict:
    kind = TYPES[c.type]
    return {
        "id": c.id, "name": c.name, "score": c.score, "match": c.match,
        "type": [{"id": kind.id, "name": kind.name}],
        "description": f"{c.description} — matched «{c.matched_label}» ({c.matched_kind})".strip(" —"),
        "features": [{"id": key, "value": value} for key, value in sorted(c.features.items())],
    }


def answer(queries: object) -> dict:
    """The result batch for a parsed ``queries`` object; raises BadRequest naming the faulty query."""
    if not isinstance(queries, dict) or not queries:
        raise BadRequest("'queries' must be a non-empty JSON object of queries keyed by id")
    if len(queries) > MAX_BATCH:
        raise BadRequest(f"too many queries: {len(queries)} in one batch, the service takes at most {MAX_BATCH} "
                         "(batchSize in the manifest)")
    index, results = _index(), {}
    for key, query in queries.items():
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            raise BadRequest(f"query {key!r}: must be an object with a 'query' string")
        if query.get("properties"):
            raise BadRequest(f"query {key!r}: properties are not supported yet")
        try:
            types, limit = _types(query.get("type")), _limit(query.get("limit"))
        except BadRequest as exc:
            raise BadRequest(f"query {key!r}: {exc}") from None
        results[key] = {"result": [_candidate(c) for c in index.search(query["query"], types, limit)]}
    return results


@bp.route("/reconcile", methods=["GET", "POST"], strict_slashes=False)
def reconcile() -> Response:
    raw = request.values.get("queries")
    if raw is None:
        single = request.values.get("query")
        if single is None:
            return _json(manifest())
        raw = single if single.lstrip().startswith("{") else json.dumps({"query": single})
        wrap = True
    else:
        wrap = False
    try:
        parsed = json.loads(raw)
        if wrap:
            return _json(answer({"q0": parsed})["q0"])
        return _json(answer(parsed))
    except ValueError as exc:
        if isinstance(exc, BadRequest):
            return _error(str(exc))
        return _error(f"malformed JSON in 'queries' at line {exc.lineno}, column {exc.colno}: {exc.msg}"
                      if isinstance(exc, json.JSONDecodeError) else f"malformed request: {exc}")
    except StoreError as exc:
        return _error(str(exc), 503)


@bp.route("/reconcile/preview")
def preview() -> Response:
    """A small HTML card for OpenRefine's preview iframe."""
    iri = request.args.get("id", "")
    found = _index().lookup(iri)
    if not found:
        return Response("<p>Unknown entity.</p>", 404, mimetype="text/html")
    c = found[0]
    card = (f'<html><body style="font:14px sans-serif;margin:6px"><a href="{html.escape(c.id)}" target="_blank">'
            f"<b>{html.escape(c.name)}</b></a><br><i>{html.escape(TYPES[c.type].name)}</i><br>"
            f"{html.escape(c.description)}</body></html>")
    return Response(card, mimetype="text/html")
