"""Data extension: the properties proposed for a type, and their values for matched ids (read from the
store by SPARQL, ``kg.search.properties``), in v0.2's rows-by-id form or the 1.0 draft's list of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.search import TYPES, SearchIndex
from kg.search.properties import PROPERTIES, Value, property_values
from kg.store import Store
from server.reconcile.queries import BadRequest, check_batch

# an entity-valued property whose values are entities this service reconciles to, with their type
VALUE_TYPES = {"romeFiche": "RomeFiche", "escoOccupation": "EscoOccupation"}
LIMIT_SETTING = {
    "name": "limit",
    "label": "Limit",
    "type": "number",
    "default": 0,
    "help_text": "Maximum number of values per row (0: all)",
}


def proposal(type_id: str | None, limit: str | None) -> dict:
    """``/extend/propose``: every property applies to every type (through its ROME fiche or ESCO mapping)."""
    if type_id is not None and type_id not in TYPES:
        raise BadRequest(f"unknown type {type_id!r}; the types are {', '.join(TYPES)}")
    count = len(PROPERTIES)
    if limit is not None:
        if not limit.isdigit() or int(limit) < 1:
            raise BadRequest("'limit' must be a positive integer")
        count = int(limit)
    answer: dict = {
        "properties": [{"id": p.id, "name": p.name, "description": p.description} for p in PROPERTIES.values()][:count]
    }
    if type_id is not None:
        answer["type"] = type_id
    if limit is not None:
        answer["limit"] = count
    return answer


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    properties: tuple[tuple[str, int], ...]  # (property id, values kept per row; 0: all)


def _setting_limit(property_id: str, settings: object) -> int:
    raw = settings.get("limit", 0) if isinstance(settings, dict) else 0
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        limit = -1
    if limit < 0 or isinstance(raw, bool):
        raise BadRequest(f"property {property_id!r}: setting 'limit' must be a number ≥ 0 (0: all values)")
    return limit


def read_extension(query: object) -> Extension:
    if (
        not isinstance(query, dict)
        or not isinstance(query.get("ids"), list)
        or not isinstance(query.get("properties"), list)
    ):
        raise BadRequest(
            "a data extension query is an object with 'ids' (a list of entity ids) and "
            "'properties' (a list of {\"id\": property id})"
        )
    ids = query["ids"]
    if not all(isinstance(i, str) for i in ids):
        raise BadRequest("'ids' must be a list of strings")
    check_batch(len(ids), "ids")
    wanted = []
    for item in query["properties"]:
        pid = item.get("id") if isinstance(item, dict) else None
        if pid not in PROPERTIES:
            raise BadRequest(f"unknown property {pid!r}; the properties are {', '.join(PROPERTIES)}")
        wanted.append((pid, _setting_limit(pid, item.get("settings"))))
    return Extension(tuple(ids), tuple(wanted))


def _value(property_id: str, value: Value) -> dict:
    return {"id": value.id, "name": value.name} if PROPERTIES[property_id].value == "entity" else {"str": value.name}


def _values(store: Store, index: SearchIndex, extension: Extension) -> dict[str, dict[str, list[dict]]]:
    by_type: dict[str, list[str]] = defaultdict(list)  # only ids the index knows reach the SPARQL queries
    for iri in dict.fromkeys(extension.ids):
        found = index.lookup(iri)
        if found and found[0].id == iri:
            by_type[found[0].type].append(iri)
    rows: dict[str, dict[str, list[dict]]] = {iri: {} for iri in extension.ids}
    for pid, limit in extension.properties:
        values = property_values(store, pid, dict(by_type)) if by_type else {}
        for iri, row in rows.items():
            kept = values.get(iri, [])
            row[pid] = [_value(pid, v) for v in (kept[:limit] if limit else kept)]
    return rows


def _meta(extension: Extension) -> list[dict]:
    meta = []
    for pid, _ in extension.properties:
        entry: dict = {"id": pid, "name": PROPERTIES[pid].name}
        if pid in VALUE_TYPES:
            kind = TYPES[VALUE_TYPES[pid]]
            entry["type"] = {"id": kind.id, "name": kind.name}
        meta.append(entry)
    return meta


def extend_v02(store: Store, index: SearchIndex, extension: Extension) -> dict:
    return {"meta": _meta(extension), "rows": _values(store, index, extension)}


def extend_v1(store: Store, index: SearchIndex, extension: Extension) -> dict:
    rows = _values(store, index, extension)
    return {
        "meta": _meta(extension),
        "rows": [
            {"id": iri, "properties": [{"id": pid, "values": values} for pid, values in row.items()]}
            for iri, row in rows.items()
        ],
    }
