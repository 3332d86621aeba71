"""Reconciliation queries as the API's two versions write them (v0.2's object of queries by key, the 1.0
draft's list of queries with conditions), read into one :class:`Query`, answered over the name index and
written back in the version's own form. Every refusal is a :class:`BadRequest` naming the query at fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request

from kg.search import TYPES
from kg.search.index import Candidate
from kg.search.properties import FILTERABLE, PROPERTIES, parse_value
from kg.search.refine import Condition

MAX_BATCH = 100  # queries (or extension ids) per request, announced in the manifest as batchSize
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_QUERY_CHARS = 1000  # longer than any title: a query this long is a mistake (a whole text, a cell pasted twice)
FEATURE_NAMES = {
    "label_similarity": "similarity of the best name to the query (0–100, rapidfuzz on folded titles)",
    "exact_label": "the same name once case, accents and punctuation are folded",
    "bm25": "tantivy's BM25 score of the best name",
    "identifier": "found by its identifier (ROME code, code OGR, MET.n, IRI)",
}


class BadRequest(ValueError):
    """A request the service refuses; the message says what to fix (413: a batch over the cap)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Query:
    text: str
    types: tuple[str, ...]
    limit: int
    conditions: tuple[Condition, ...]


def request_fields(req: Request) -> dict[str, str]:
    """The URL's and a form body's fields, decoded strictly (werkzeug would silently replace bytes that
    are not UTF-8); the first of a repeated field."""
    fields: dict[str, str] = {}
    sources = [req.query_string]
    if req.method == "POST" and req.mimetype == "application/x-www-form-urlencoded":
        sources.append(req.get_data(cache=True))
    for raw in sources:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadRequest(
                f"the request is not UTF-8 ({_byte(error)} of the "
                f"{'query string' if raw is req.query_string else 'body'})"
            ) from None
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as error:
            raise BadRequest(
                f"a field of the request is not UTF-8 once percent-decoded ({_byte(error)} of its "
                "value); encode each field as UTF-8, then percent-encode it"
            ) from None
        for name, value in pairs:
            fields.setdefault(name, value)
    if req.method == "POST" and req.mimetype == "multipart/form-data":
        for name, value in req.form.items():
            fields.setdefault(name, value)
    return fields


def _byte(error: UnicodeDecodeError) -> str:
    return f"byte {error.object[error.start : error.start + 1]!r} at offset {error.start}"


def parse_json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON in {what} at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


def json_body(req: Request) -> object:
    """A 1.0 POST's JSON body (UTF-8)."""
    try:
        text = req.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the body is not UTF-8 ({_byte(error)})") from None
    return parse_json(text, "the body")


def check_batch(size: int, what: str = "queries") -> None:
    if size > MAX_BATCH:
        raise BadRequest(
            f"too many {what}: {size} in one batch, the service takes at most {MAX_BATCH} "
            "(batchSize in the manifest); split the batch",
            413,
        )


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
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1 or value != int(value):
        raise BadRequest("'limit' must be a positive integer")
    return min(int(value), MAX_LIMIT)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise BadRequest("the query must be a string")
    if len(value) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"the query is {len(value)} characters long; titles are searched up to {MAX_QUERY_CHARS} characters"
        )
    return value


def condition(property_id: object, values: object, required: bool = False) -> Condition | None:
    """A property condition (None when every value is blank, as for an empty cell)."""
    if property_id not in PROPERTIES:
        raise BadRequest(
            f"unknown property {property_id!r}; the properties a query may give are {', '.join(FILTERABLE)}"
        )
    if property_id not in FILTERABLE:
        raise BadRequest(
            f"property {property_id!r} is returned by data extension but cannot refine a query; "
            f"the properties a query may give are {', '.join(FILTERABLE)}"
        )
    items = values if isinstance(values, list) else [values]
    try:
        codes = tuple(sorted({c for c in (parse_value(property_id, v) for v in items) if c is not None}))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return Condition(property_id, codes, required) if codes else None


def _v02_query(query: object) -> Query:
    if not isinstance(query, dict) or not isinstance(query.get("query", ""), str):
        raise BadRequest("must be an object with a 'query' string")
    properties = query.get("properties") or []
    if not isinstance(properties, list) or not all(isinstance(p, dict) and "pid" in p and "v" in p for p in properties):
        raise BadRequest('\'properties\' must be a list of {"pid": property id, "v": value(s)}')
    conditions = tuple(c for p in properties if (c := condition(p["pid"], p["v"])) is not None)
    return Query(_text(query.get("query", "")), _types(query.get("type")), _limit(query.get("limit")), conditions)


def read_v02(raw: str) -> dict[str, Query]:
    """v0.2's ``queries=`` value: an object of queries keyed by the client's ids."""
    queries = parse_json(raw, "'queries'")
    if not isinstance(queries, dict) or not queries:
        raise BadRequest("'queries' must be a non-empty JSON object of queries keyed by id")
    check_batch(len(queries))
    return {key: _keyed(key, _v02_query, query) for key, query in queries.items()}


def _keyed(key: object, read: Callable[[object], Query], query: object) -> Query:
    try:
        return read(query)
    except BadRequest as exc:
        raise BadRequest(f"query {key!r}: {exc}", exc.status) from None


def _v1_query(query: object) -> Query:
    if not isinstance(query, dict) or not isinstance(query.get("conditions"), list) or not query["conditions"]:
        raise BadRequest("must be an object with a non-empty list of 'conditions'")
    text, conditions = "", []
    for item in query["conditions"]:
        if not isinstance(item, dict) or item.get("matchType") not in ("name", "id", "property"):
            raise BadRequest("each condition needs a 'matchType': name, id or property")
        value, kind = item.get("propertyValue"), item["matchType"]
        if kind in ("name", "id"):
            if text:
                raise BadRequest("give one name or id condition per query")
            text = _text(value if kind == "name" else (value.get("id") if isinstance(value, dict) else value))
            continue
        quantifier = item.get("matchQuantifier", "any")
        if quantifier not in ("any", "all"):
            raise BadRequest(f"matchQuantifier {quantifier!r} is not supported (any, all)")
        values = value if isinstance(value, list) else [value]
        for group in [values] if quantifier == "any" else [[v] for v in values]:
            found = condition(item.get("propertyId"), group, bool(item.get("required", False)))
            if found is not None:
                conditions.append(found)
    return Query(text, _types(query.get("type")), _limit(query.get("limit")), tuple(conditions))


def read_v1(body: object) -> list[Query]:
    """The 1.0 draft's batch: ``{"queries": [{"conditions": [...], "type", "limit"}]}``."""
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list) or not body["queries"]:
        raise BadRequest("the body must be a JSON object with a non-empty list of 'queries'")
    check_batch(len(body["queries"]))
    return [_keyed(i, _v1_query, q) for i, q in enumerate(body["queries"])]


def _description(c: Candidate) -> str:
    return f"{c.description} — matched «{c.matched_label}» ({c.matched_kind})".strip(" —")


def feature_name(feature: str) -> str:
    if feature.startswith("matched_"):
        return f"the name that matched is its {feature[len('matched_') :]}"
    if feature.startswith("property_"):
        return f"it has the query's {feature[len('property_') :]}"
    return FEATURE_NAMES.get(feature, feature)


def v02_candidate(c: Candidate) -> dict:
    kind = TYPES[c.type]
    return {
        "id": c.id,
        "name": c.name,
        "score": c.score,
        "match": c.match,
        "type": [{"id": kind.id, "name": kind.name}],
        "description": _description(c),
        "features": [{"id": key, "value": value} for key, value in sorted(c.features.items())],
    }


def v1_candidate(c: Candidate) -> dict:
    answer = v02_candidate(c)
    answer["features"] = [{**f, "name": feature_name(f["id"])} for f in answer["features"]]
    return answer
