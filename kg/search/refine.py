"""Queries that give properties besides a name ("Infirmier de bloc" in grand domaine J, ISCO 2221).

A property a candidate has raises it above those that lack it: the candidates that agree with every
property keep their score, the others keep ``PROPERTY_MISS`` of it (so a perfect name in the wrong
domaine, 85, is never an automatic match). A *required* property (the 1.0 draft's ``required``)
filters instead. Candidates are searched among the agreeing entities too, so that the right one is
found even when other names rank above it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kg.search.index import Candidate, SearchIndex
from kg.search.properties import Facets
from kg.search.score import is_match

PROPERTY_MISS = 0.85


@dataclass(frozen=True)
class Condition:
    property_id: str
    codes: tuple[str, ...]  # the entity agrees if it has any of them
    required: bool = False


def refined_search(
    index: SearchIndex,
    facets: Facets | None,
    text: str,
    types: tuple[str, ...],
    limit: int,
    conditions: tuple[Condition, ...],
) -> list[Candidate]:
    """``index.search`` with the conditions applied (``facets`` is needed only when there are some)."""
    if not conditions or facets is None:
        return index.search(text, types, limit)
    sets = [frozenset().union(*(facets.entities(c.property_id, code) for code in c.codes)) for c in conditions]
    required = [s for s, c in zip(sets, conditions) if c.required]
    allowed = frozenset.intersection(*required) if required else None
    agreeing = frozenset.intersection(*sets)
    pool = index.search(text, types, limit, within=agreeing)
    if len(required) < len(conditions):
        pool += index.search(text, types, limit, within=allowed)
    best: dict[str, Candidate] = {}
    for candidate in pool:
        agrees = [candidate.id in s for s in sets]
        features = {**candidate.features, **{f"property_{c.property_id}": a for c, a in zip(conditions, agrees)}}
        score = candidate.score if all(agrees) else round(candidate.score * PROPERTY_MISS, 1)
        if candidate.id not in best or score > best[candidate.id].score:
            best[candidate.id] = dataclasses.replace(candidate, score=score, features=features)
    ordered = sorted(best.values(), key=lambda c: -c.score)
    by_type: dict[str, list[float]] = {}  # the first is judged among its own type, as index.search does
    for candidate in ordered:
        by_type.setdefault(candidate.type, []).append(candidate.score)
    ranked = ordered[:limit]
    return [dataclasses.replace(c, match=i == 0 and is_match(by_type[c.type])) for i, c in enumerate(ranked)]
