"""``/search?q=``: find an occupation, a skill or a fiche by its name, for people (HTML) and scripts (JSON).

Hits come from the build's name index (``kg.search``), grouped by type in the order of
``kg.search.types.TYPES`` (occupations first), each with its code (ROME code, code OGR, MET.n, ISCO
group) and a link to its page on this server (ESCO concepts link to ESCO). JSON is chosen by the Accept
header (``application/json`` preferred over ``text/html``) or ``format=json``; the header's autocomplete
(``static/search.js``) asks for it with a small ``limit``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from kg.search import TYPES, SearchIndex
from kg.search.index import Candidate
from server.linked_data.answers import make_linker
from server.runtime.services import current_index, services

bp = Blueprint("search", __name__)

DEFAULT_LIMIT, MAX_LIMIT = 10, 50
MIN_SCORE = 50.0  # a hit scoring less shares too little with the query to be shown
MAX_QUERY = 500  # characters searched; the rest of a longer query is ignored (and said so)


@dataclass(frozen=True)
class Hit:
    id: str
    name: str
    code: str  # its own code, or the ROME code / ISCO group it is filed under
    score: float
    match: bool
    matched: str  # the name that matched
    url: str  # its page


@dataclass(frozen=True)
class Group:
    type: str
    name: str
    hits: list[Hit]


def _code(index: SearchIndex, c: Candidate) -> str:
    """A fiche's ROME code; what else is filed under fiches, their ROME codes; ESCO's ISCO group."""
    if c.type in ("RomeFiche", "RomeCompetence", "RomeSavoir"):
        return index.code(c.id)
    filed = sorted({index.code(fiche) for fiche in index.links(c.id, "fiche")})
    if filed:
        return " ".join(filed)
    isco = index.links(c.id, "isco")
    return f"ISCO {isco[0]}" if isco else index.code(c.id)


def groups(index: SearchIndex, query: str, types: tuple[str, ...], limit: int) -> list[Group]:
    link = make_linker(services().config.base_iri, request.script_root)
    found = []
    for type_id in types:
        hits = [
            Hit(c.id, c.name, _code(index, c), c.score, c.match, c.matched_label, link(c.id) or c.id)
            for c in index.search(query, (type_id,), limit)
            if c.score >= MIN_SCORE
        ]
        if hits:
            found.append(Group(type_id, TYPES[type_id].name, hits))
    return found


def _limit() -> int:
    try:
        return max(1, min(MAX_LIMIT, int(request.args.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json"


@bp.route("/search", methods=["GET"])
def search() -> Response:
    query = request.args.get("q", "").strip()
    type_filter = request.args.get("type", "")
    types = (type_filter,) if type_filter in TYPES else tuple(TYPES)
    found = groups(current_index(), query[:MAX_QUERY], types, _limit()) if query else []
    if _wants_json():
        return jsonify({"query": query, "truncated": len(query) > MAX_QUERY, "groups": [asdict(g) for g in found]})
    body = render_template(
        "search.html",
        query=query,
        groups=found,
        truncated=len(query) > MAX_QUERY,
        types=TYPES,
        type_filter=type_filter if type_filter in TYPES else "",
    )
    return Response(body, mimetype="text/html")
