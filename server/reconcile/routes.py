"""``/reconcile``: the Reconciliation Service API (v0.2, what OpenRefine speaks; and the 1.0 draft's routes)
over the build's name index.

The index (``kg.search``) is written by ``metiers-kg build`` into the build's directory; each worker
opens the one of the build it serves, once per build. Identifiers are the entities' IRIs, so ``view``
is the IRI itself (it dereferences on this server). The same routes serve two endpoints: ``/reconcile``
(its manifest says v0.2) and ``/reconcile/1.0-draft`` (its manifest says 1.0-draft; the two manifests
cannot be one document: v0.2's ``suggest`` entries are objects, 1.0's are booleans). On both,
``queries=`` / ``extend=`` at the root answer in v0.2's form, ``POST …/reconcile`` and ``POST …/extend``
(JSON bodies) in the 1.0 draft's.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from kg.core.errors import StoreError
from kg.core.vocab import ONTOLOGY_IRI
from kg.search import TYPES
from kg.search.index import Candidate
from kg.search.properties import PROPERTIES, Facets
from kg.search.refine import refined_search
from server.reconcile.extend import (
    LIMIT_SETTING,
    extend_v02,
    extend_v1,
    proposal,
    read_extension,
)
from server.reconcile.queries import (
    MAX_BATCH,
    MAX_LIMIT,
    BadRequest,
    Query,
    json_body,
    parse_json,
    read_v02,
    read_v1,
    request_fields,
    v02_candidate,
    v1_candidate,
)
from server.runtime.services import current_index, services

CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
FACETS_KEY = "search_facets"
ENDPOINTS = {"0.2": "/reconcile", "1.0-draft": "/reconcile/1.0-draft"}
SUGGEST_KINDS = ("entity", "type", "property")


def install(app: Flask) -> None:
    """The routes under each endpoint (one blueprint registered twice, told its API version)."""
    for version, prefix in ENDPOINTS.items():  # endpoints reconcile.* (v0.2, as before) and reconcile_1_0_draft.*
        name = "reconcile" if version == "0.2" else "reconcile_" + re.sub(r"\W", "_", version)
        app.register_blueprint(bp, url_prefix=prefix, name=name, url_defaults={"version": version})


bp = Blueprint("reconcile", __name__)


def _facets() -> Facets:
    """What queries' properties filter on, read from the store once per build (a few seconds)."""
    handle = services().stores.current()
    return handle.remember(FACETS_KEY, lambda: Facets(handle.store, TYPES))


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


def _service_root(version: str) -> str:
    return request.url_root.rstrip("/") + ENDPOINTS[version]


def manifest(version: str) -> dict:
    root = _service_root(version)
    common = {
        "versions": [version],
        "name": "métiers-kg: French occupations (ROME 4.0, ESCO, fiches métiers, emplois-types)",
        "defaultTypes": [{"id": t.id, "name": t.name} for t in TYPES.values()],
        "batchSize": MAX_BATCH,
    }
    if version == "1.0-draft":
        return {
            **common,
            "view": {"url": "{+id}"},
            "preview": {"width": 400, "height": 120},
            "lang": "fr",
            "suggest": {kind: True for kind in SUGGEST_KINDS},
            "standardizedScore": True,
            "extend": {
                "proposeProperties": True,
                "propertySettings": [
                    {
                        "id": "limit",
                        "name": "Limit",
                        "type": "number",
                        "default": 0,
                        "helpText": LIMIT_SETTING["help_text"],
                    }
                ],
            },
        }
    return {
        **common,
        "identifierSpace": services().config.base_iri,
        "schemaSpace": ONTOLOGY_IRI + "#",
        "view": {"url": "{{id}}"},
        "preview": {"url": f"{root}/preview?id={{{{id}}}}", "width": 400, "height": 120},
        "suggest": {
            kind: {
                "service_url": root,
                "service_path": f"/suggest/{kind}",
                "flyout_service_path": f"/flyout/{kind}?id=${{id}}",
            }
            for kind in SUGGEST_KINDS
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/extend/propose"},
            "property_settings": [LIMIT_SETTING],
        },
    }


def _answer(query: Query) -> list[Candidate]:
    facets = _facets() if query.conditions else None
    return refined_search(current_index(), facets, query.text, query.types, query.limit, query.conditions)


def _guarded(produce: Callable[[], Response]) -> Response:
    """Run a view's work; refusals and an unreadable index become answers that say so."""
    try:
        return produce()
    except BadRequest as exc:
        return _error(str(exc), exc.status)
    except RequestEntityTooLarge:
        return _error(
            f"the request body is over {current_app.config['MAX_CONTENT_LENGTH']} bytes; send at most "
            f"{MAX_BATCH} queries per batch (batchSize in the manifest)",
            413,
        )
    except StoreError as exc:
        return _error(str(exc), 503)


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def reconcile(version: str) -> Response:
    """The manifest; v0.2 queries (``queries=``, or one ``query=``) and data extension (``extend=``)."""

    def produce() -> Response:
        fields = request_fields(request)
        if "extend" in fields:
            handle = services().stores.current()
            return _json(
                extend_v02(handle.store, current_index(), read_extension(parse_json(fields["extend"], "'extend'")))
            )
        if "queries" in fields:
            return _json(
                {
                    key: {"result": [v02_candidate(c) for c in _answer(q)]}
                    for key, q in read_v02(fields["queries"]).items()
                }
            )
        if "query" in fields:
            single = fields["query"]
            text = single if single.lstrip().startswith("{") else json.dumps({"query": single})
            return _json(_one(text))
        return _json(manifest(version))

    return _guarded(produce)


def _one(text: str) -> dict:
    query = read_v02(json.dumps({"q0": parse_json(text, "'query'")}))["q0"]
    return {"result": [v02_candidate(c) for c in _answer(query)]}


@bp.route("/reconcile", methods=["POST"])
def match_v1(version: str) -> Response:
    """The 1.0 draft's batch: a JSON body of ``queries``, answered as ``results`` in the same order."""
    return _guarded(
        lambda: _json(
            {"results": [{"candidates": [v1_candidate(c) for c in _answer(q)]} for q in read_v1(json_body(request))]}
        )
    )


@bp.route("/extend", methods=["POST"])
def extend_route(version: str) -> Response:
    """The 1.0 draft's data extension (JSON body); a v0.2 ``extend=`` form field is answered in v0.2 form."""

    def produce() -> Response:
        handle = services().stores.current()
        fields = request_fields(request)
        if "extend" in fields:
            return _json(
                extend_v02(handle.store, current_index(), read_extension(parse_json(fields["extend"], "'extend'")))
            )
        return _json(extend_v1(handle.store, current_index(), read_extension(json_body(request))))

    return _guarded(produce)


@bp.route("/extend/propose")
def propose(version: str) -> Response:
    return _guarded(lambda: _json(proposal(request.args.get("type"), request.args.get("limit"))))


def _suggest_limit() -> tuple[int, int]:
    limit, cursor = request.args.get("limit", "10"), request.args.get("cursor", "0")
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT or not cursor.isdigit():
        raise BadRequest(f"'limit' must be an integer from 1 to {MAX_LIMIT} and 'cursor' an integer ≥ 0")
    return int(limit), int(cursor)


def _matches(prefix: str, *texts: str) -> bool:
    folded = prefix.casefold().strip()
    return any(folded in t.casefold() for t in texts)


@bp.route("/suggest/<kind>")
def suggest(version: str, kind: str) -> Response:
    """Autocomplete: ``prefix`` (the text typed so far) → ``{"result": [{"id", "name", "description"}]}``."""

    def produce() -> Response:
        if kind not in SUGGEST_KINDS:
            raise BadRequest(f"no suggest service {kind!r}; they are {', '.join(SUGGEST_KINDS)}", 404)
        prefix = request.args.get("prefix")
        if prefix is None:
            raise BadRequest("'prefix' is required: the text typed so far")
        limit, cursor = _suggest_limit()
        found: list[dict[str, object]]
        if kind == "type":
            found = [
                {"id": t.id, "name": t.name, "description": t.iri}
                for t in TYPES.values()
                if _matches(prefix, t.id, t.name)
            ]
        elif kind == "property":
            found = [
                {"id": p.id, "name": p.name, "description": p.description}
                for p in PROPERTIES.values()
                if _matches(prefix, p.id, p.name)
            ]
        else:
            types = tuple(request.args.getlist("type"))
            unknown = [t for t in types if t not in TYPES]
            if unknown:
                raise BadRequest(f"unknown type {unknown[0]!r}; the types are {', '.join(TYPES)}")
            found = [
                {
                    "id": c.id,
                    "name": c.name,
                    "description": v02_candidate(c)["description"],
                    "notable": [{"id": c.type, "name": TYPES[c.type].name}],
                }
                for c in current_index().suggest(prefix, types, limit, cursor)
            ]
            return _json({"result": found})
        return _json({"result": found[cursor : cursor + limit]})

    return _guarded(produce)


def _card(c: Candidate) -> str:
    return (
        f'<a href="{html.escape(c.id)}" target="_blank"><b>{html.escape(c.name)}</b></a><br>'
        f"<i>{html.escape(TYPES[c.type].name)}</i><br>{html.escape(c.description)}"
    )


@bp.route("/flyout/<kind>")
def flyout(version: str, kind: str) -> Response:
    """The small HTML card OpenRefine shows beside a suggestion."""

    def produce() -> Response:
        iri = request.args.get("id", "")
        if kind == "entity" and (found := current_index().lookup(iri)):
            return _json({"id": iri, "html": _card(found[0])})
        described = {
            **{t.id: (t.name, t.iri) for t in TYPES.values()},
            **{p.id: (p.name, p.description) for p in PROPERTIES.values()},
        }
        if kind in ("type", "property") and iri in described and (kind == "type") == (iri in TYPES):
            name, text = described[iri]
            return _json({"id": iri, "html": f"<b>{html.escape(name)}</b><br>{html.escape(text)}"})
        raise BadRequest(f"unknown {kind} {iri!r}", 404)

    return _guarded(produce)


@bp.route("/preview")
def preview(version: str) -> Response:
    """A small HTML card for OpenRefine's preview iframe."""

    def produce() -> Response:
        found = current_index().lookup(request.args.get("id", ""))
        if not found:
            return Response("<p>Unknown entity.</p>", 404, mimetype="text/html")
        card = f'<html><body style="font:14px sans-serif;margin:6px">{_card(found[0])}</body></html>'
        return Response(card, mimetype="text/html")

    return _guarded(produce)
