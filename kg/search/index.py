"""The name index: tantivy documents (one per name) plus a JSON table of entities, in ``<build>/index/``.

Written by ``write_index`` into the partial build before it is renamed, so it appears (and is switched)
with the build; opened read-only by ``SearchIndex``. The analyzer stems (French Snowball) *before*
folding to ASCII, as the stemmer expects accented French; the same analyzer is applied to queries.
"""

from __future__ import annotations

import bisect
import json
import re
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy
import tantivy
from rapidfuzz import fuzz, process

from kg.core.errors import StoreError
from kg.search import name_rows
from kg.search.abbreviations import expand, table_with
from kg.search.queries import Queries
from kg.search.score import (
    Title,
    best_name_score,
    fold,
    is_match,
    name_score,
    prepare_folded,
    title_similarity,
    variants,
)
from kg.search.writing import ANALYZER, ENTITIES_FILE, analyzer

CANDIDATE_DOCS = 150  # names fetched from tantivy before re-ranking
RESCORED = 30  # name variants scored word by word: the best by token-set ratio ...
RESCORED_BY_BM25 = 8  # ... and the first by BM25
SUGGEST_DOCS = 1000  # names fetched for autocomplete (a cut word matches many)
SIMILARITIES_KEPT = 1 << 16  # (query, name) similarities remembered, for the last few queries
SUPPORT_FROM = 80.0  # a name scoring this much supports its entity (ties are broken by support)
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
MAX_QUERY = 500  # characters of a query that are read


@dataclass(slots=True)
class _Hit:
    """An entity's best name so far for one query (updated in place: one per entity, not per name scored)."""

    score: float  # 0–100
    exact: bool  # the same title once folded
    matched: str  # the variant of the name that scored
    kind: str
    bm25: float
    reading: str  # the query as written (folded), or with its abbreviations expanded
    support: int  # how many of its names score at least SUPPORT_FROM (a fiche found by several appellations)


@dataclass(frozen=True)
class Candidate:
    id: str
    type: str
    name: str
    description: str
    score: float
    match: bool
    features: dict[str, float | bool]
    matched_label: str
    matched_kind: str


def _rescored(titles: Sequence[Title], folded: list[str]) -> list[int]:
    """Which of the hits' name variants (``folded``, in the hits' order) are scored word by word, in order:
    the best ``RESCORED`` by a C++ token-set ratio (ties: the first hits) and the first ``RESCORED_BY_BM25``.
    A name is often there twice (an appellation's label is also its fiche's): each is rated once."""
    position: dict[str, int] = {}
    inverse = [position.setdefault(name, len(position)) for name in folded]
    ratios = process.cdist([t.folded for t in titles], list(position), scorer=fuzz.token_set_ratio).max(axis=0)
    cheap = ratios[inverse] if len(position) < len(folded) else ratios
    chosen = set(numpy.argsort(-cheap, kind="stable")[:RESCORED].tolist())
    chosen.update(range(min(len(folded), RESCORED_BY_BM25)))
    return sorted(chosen)


def _merged(
    first: list[tuple[float, tantivy.DocAddress]], second: list[tuple[float, tantivy.DocAddress]], limit: int
) -> list[tuple[float, tantivy.DocAddress]]:
    """The first ``limit`` of two lists of hits, each by score then address, in that order."""
    merged: list[tuple[float, tantivy.DocAddress]] = []
    i = j = 0
    while len(merged) < limit and (i < len(first) or j < len(second)):
        if j == len(second) or i < len(first) and _before(first[i], second[j]):
            merged.append(first[i])
            i += 1
        else:
            merged.append(second[j])
            j += 1
    return merged


def _before(hit: tuple[float, tantivy.DocAddress], other: tuple[float, tantivy.DocAddress]) -> bool:
    if hit[0] != other[0]:
        return hit[0] > other[0]
    return (hit[1].segment_ord, hit[1].doc) < (other[1].segment_ord, other[1].doc)


@dataclass(frozen=True)
class Tables:
    """The tables beside an index's tantivy files (entities, codes, rarity; the table of names): most of the
    time an index takes to open. A process that forks workers reads them once for all of them."""

    table: dict
    names: list[str] | None

    @classmethod
    def read(cls, directory: Path) -> Tables:
        try:
            table = json.loads((directory / ENTITIES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{directory}: cannot open the search index: {exc}") from None
        return cls(table, name_rows.read(directory / name_rows.NAMES_FILE))


class SearchIndex:
    """One build's index, read-only; safe to share between threads (tantivy searchers are)."""

    def __init__(self, directory: Path, tables: Tables | None = None) -> None:
        """``tables``: those of ``directory``, read beforehand (``Tables.read``)."""
        try:
            self._index = tantivy.Index.open(str(directory))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{directory}: cannot open the search index: {exc}") from None
        tables = tables or Tables.read(directory)
        table = tables.table
        self._index.register_tokenizer(ANALYZER, analyzer())
        self._analyzer = analyzer()
        self._entities: dict[str, list] = table["entities"]
        self._codes: dict[str, list[str]] = table["codes"]
        self._rarity: dict[str, float] = table.get("rarity", {})
        # a query word no name has tells no candidate from another: it weighs as a middling word
        self._unseen = statistics.median(self._rarity.values()) if self._rarity else 1.0
        self._queries = Queries(self._index.schema, self._analyzer, self._rarity.keys())
        self.abbreviations = table_with(table.get("acronyms", {}))
        self._searcher = self._index.searcher()
        self._prepared = lru_cache(maxsize=1 << 18)(self._prepare)
        self._stem = lru_cache(maxsize=1 << 16)(self._stem_word)
        self._query_titles = lru_cache(maxsize=1 << 12)(self._titles_of)
        self._document_row = lru_cache(maxsize=1 << 18)(name_rows.of_document)
        self._rows = tables.names
        self._iris = sorted(self._entities)
        self._decoded: dict[int, name_rows.Row] = {}  # the rows read so far
        self._similarities: dict[tuple[str, str], float] = {}

    def __len__(self) -> int:
        return self._searcher.num_docs

    def _stem_word(self, word: str) -> str:
        stems = self._analyzer.analyze(word)
        return stems[0] if stems else word

    def _similarity(self, query: Title, name: Title) -> float:
        """``title_similarity``, remembered: a title's candidates share many names (a fiche is named by its
        appellations' labels), and a Title is a function of its folded text."""
        key = (query.folded, name.folded)
        found = self._similarities.get(key)
        if found is None:
            if len(self._similarities) >= SIMILARITIES_KEPT:
                self._similarities.clear()
            found = self._similarities[key] = title_similarity(query, name)
        return found

    def _titles_of(self, reading: str) -> tuple[Title, ...]:
        """A query's variants prepared (a title is searched for a fiche, then for ESCO): those with words."""
        return tuple(t for t in (self._prepared(fold(v)) for v in variants(reading)) if t.words)

    def _prepare(self, folded: str) -> Title:
        """A folded title prepared (cached by its folded form: variants that fold alike share it)."""
        return prepare_folded(folded, self._stem, self._rarity, self._unseen, self.abbreviations)

    def entity(self, iri: str) -> tuple[str, str, str] | None:
        """(type, label, description) of an indexed entity."""
        found = self._entities.get(iri)
        return (found[0], found[1], found[2]) if found else None

    def codes(self, iri: str) -> list[str]:
        """The identifiers of ``iri`` (its ROME code, code OGR…), as the graph gives them."""
        found = self._entities.get(iri)
        return list(found[4]) if found and len(found) > 4 else []

    def code(self, iri: str) -> str:
        """The code ``iri`` is known by: a ROME code if it has one (a fiche also has a code OGR), else its first."""
        codes = self.codes(iri)
        return next((c for c in codes if ROME_CODE.match(c)), codes[0] if codes else "")

    def links(self, iri: str, relation: str) -> list[str]:
        """What ``iri`` is tied to: its "fiche", its "esco" occupations (exact matches first), its "isco" group."""
        found = self._entities.get(iri)
        return [value for rel, value in (found[3] if found and len(found) > 3 else []) if rel == relation]

    def lookup(self, identifier: str, types: tuple[str, ...] = ()) -> list[Candidate]:
        """Entities whose code or IRI is ``identifier`` (M1810, a code OGR, MET.717, an ESCO URI)."""
        found = []
        for iri in self._codes.get(identifier.strip().casefold(), []):
            type_id, label, description = self._entities[iri][:3]
            if not types or type_id in types:
                found.append(
                    Candidate(
                        iri,
                        type_id,
                        label,
                        description,
                        100.0,
                        False,
                        {"identifier": True, "label_similarity": 0.0},
                        identifier.strip(),
                        "identifier",
                    )
                )
        return [Candidate(**{**c.__dict__, "match": len(found) == 1}) for c in found]

    def _hit_rows(self, hits: list[tuple[float, tantivy.DocAddress]]) -> list[name_rows.Row]:
        """(entity, kind, label, its (variant, folded) pairs) of each hit, from the table of names (a fast
        field gives each hit's row: no stored document is read), or from the documents of an older index."""
        if self._rows is not None:
            rows, iris, decoded = self._rows, self._iris, self._decoded
            numbers = cast("list[int]", self._searcher.fast_field_values("name", [address for _, address in hits]))
            found = [decoded.get(n) for n in numbers]
            if None in found:
                for at, n in enumerate(numbers):
                    if found[at] is None:
                        found[at] = decoded[n] = name_rows.decode(rows[n], iris)
            return cast("list[name_rows.Row]", found)
        docs = (self._searcher.doc(address) for _, address in hits)
        return [self._document_row(doc["entity"][0], doc["kind"][0], doc["label"][0]) for doc in docs]

    def _hits(self, queries: list[tantivy.Query]) -> list[tuple[float, tantivy.DocAddress]]:
        """The first ``CANDIDATE_DOCS`` hits of the queries (one per type), in the order of one query over
        their union: by score, then by address (tantivy's order of equal scores)."""
        found = [self._searcher.search(query, CANDIDATE_DOCS, count=False).hits for query in queries]
        merged = found[0] if found else []
        for more in found[1:]:
            merged = _merged(merged, more, CANDIDATE_DOCS)
        return merged

    def _scored(
        self,
        text: str,
        reading: str,
        types: tuple[str, ...],
        best: dict[str, _Hit],
        within: Collection[str] | None = None,
    ) -> None:
        """Score the candidates of one reading of the query into ``best`` (entity → its best name).

        tantivy gets ``text`` as written (its stemmer expects the accents), the scorer its folded ``reading``
        (and, for "Vendeur / Vendeuse", each gender form). A C++ token-set ratio (rapidfuzz) over every
        candidate name picks the few the word-by-word score (Python) is computed for, with the best by BM25."""
        queries = self._queries.by_name(text, types, within)
        titles = self._query_titles(reading)
        if not queries or not titles:
            return
        hits = self._hits(queries)
        if not hits:
            hits = self._hits(self._queries.by_name(text, types, within, any_word=True))
        rows = self._hit_rows(hits)
        folded: list[str] = []  # every variant of every hit's name, in the hits' order
        starts = []  # where each hit's variants begin in it
        for row in rows:
            starts.append(len(folded))
            folded.extend(row[4])
        if not folded:
            return
        for i in _rescored(titles, folded):
            at = bisect.bisect_right(starts, i) - 1
            (bm25, _), (entity, kind, _, pairs, _) = hits[at], rows[at]
            variant, name = pairs[i - starts[at]]
            score, exact = best_name_score(titles, self._prepared(name), kind, self._similarity)
            supports = 1 if score >= SUPPORT_FROM else 0
            hit = best.get(entity)
            if hit is None:
                best[entity] = _Hit(score, exact, variant, kind, bm25, reading, supports)
                continue
            if score > hit.score:
                hit.score, hit.exact, hit.matched, hit.kind, hit.reading = score, exact, variant, kind, reading
            hit.bm25 = max(bm25, hit.bm25)
            hit.support += supports

    def search(
        self, text: str, types: tuple[str, ...] = (), limit: int = 10, within: Collection[str] | None = None
    ) -> list[Candidate]:
        """The best ``limit`` entities for ``text`` (among ``within`` if given): by identifier if it is
        one, else by name, re-ranked."""
        looked_up = [c for c in self.lookup(text, types) if within is None or c.id in within]
        if looked_up:
            return looked_up[:limit]
        folded = fold(text[:MAX_QUERY])
        if not folded or within is not None and not within:
            return []
        best: dict[str, _Hit] = {}
        self._scored(text[:MAX_QUERY], text[:MAX_QUERY], types, best, within)
        expanded = expand(folded, self.abbreviations)
        if expanded is not None:
            self._scored(expanded, expanded, types, best, within)
        ordered = sorted(best.items(), key=lambda item: (-item[1].score, -item[1].support, -item[1].bm25, item[0]))
        by_type: dict[str, list[float]] = {}  # over every candidate: a match does not depend on ``limit``
        for iri, hit in ordered:
            by_type.setdefault(self._entities[iri][0], []).append(hit.score)
        ranked = ordered[:limit]
        candidates, first_of_type = [], set()
        for iri, hit in ranked:
            type_id, label, description = self._entities[iri][:3]
            # a match is judged among the candidates of one type (the fiche and its appellation do not compete)
            matched = type_id not in first_of_type and is_match(by_type[type_id])
            first_of_type.add(type_id)
            features = {
                "label_similarity": hit.score,
                "exact_label": hit.exact,
                "bm25": round(hit.bm25, 3),
                f"matched_{hit.kind}": True,
                "names_matched": hit.support,
                "abbreviations_expanded": hit.reading == expanded,
            }
            candidates.append(
                Candidate(iri, type_id, label, description, hit.score, matched, features, hit.matched, hit.kind)
            )
        return candidates

    def suggest(self, prefix: str, types: tuple[str, ...] = (), limit: int = 10, offset: int = 0) -> list[Candidate]:
        """Autocomplete: entities with a name that the typed text begins (its last word may be cut short):
        names that start with it first, shortest first; then the others by similarity."""
        looked_up = self.lookup(prefix, types)
        if looked_up:
            return looked_up[offset : offset + limit]
        folded = fold(prefix[:200])
        query = self._queries.by_prefix(prefix[:200], types)
        title = self._prepared(folded)
        if query is None or not folded or not title.words:
            return []
        best: dict[str, tuple] = {}
        for entity, kind, label, pairs, _ in self._hit_rows(self._searcher.search(query, SUGGEST_DOCS).hits):
            for variant, name in pairs:
                score = name_score(title, self._prepared(name), kind)[0]
                key = (0, len(name), label) if name.startswith(folded) else (1, -score, label)
                if entity not in best or key < best[entity][0]:
                    best[entity] = (key, score, variant, kind)
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[offset : offset + limit]
        candidates = []
        for iri, (_, score, variant, kind) in ranked:
            type_id, label, description = self._entities[iri][:3]
            candidates.append(
                Candidate(
                    iri,
                    type_id,
                    label,
                    description,
                    score,
                    False,
                    {"label_similarity": score, f"matched_{kind}": True},
                    variant,
                    kind,
                )
            )
        return candidates
