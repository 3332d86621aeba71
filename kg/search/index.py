"""The name index: tantivy documents (one per name) plus a JSON table of entities, in ``<build>/index/``.

Written by ``write_index`` into the partial build before it is renamed, so it appears (and is switched)
with the build; opened read-only by ``SearchIndex``. The analyzer stems (French Snowball) *before*
folding to ASCII, as the stemmer expects accented French; the same analyzer is applied to queries.
"""

from __future__ import annotations

import json
import os
import re

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import tantivy

from kg.build_records import INDEX_DIR
from kg.core.errors import StoreError
from kg.search.names import Entity, all_entities
from kg.search.score import fold, is_match, similarity
from kg.store import Store

ENTITIES_FILE = "entities.json"
ANALYZER = "fr_title"
CANDIDATE_DOCS = 400  # names fetched from tantivy before re-ranking
SUGGEST_DOCS = 1000  # names fetched for autocomplete (a cut word matches many)
FUZZY_FROM = 5  # terms this long (after stemming) also match at one edit

def _analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("french")).filter(tantivy.Filter.ascii_fold()).build())

def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("entity", stored=True, tokenizer_name="raw")
    builder.add_text_field("type", stored=True, tokenizer_name="raw")
    builder.add_text_field("label", stored=True, tokenizer_name=ANALYZER, index_option="position")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    return builder.build()

def write_index(store: Store, directory: Path) -> int:
    """Index every name of ``store`` (and the vendored ESCO table) into ``directory``; returns the name count."""
    directory.mkdir(parents=True, exist_ok=False)
    index = tantivy.Index(_schema(), path=str(directory))
    index.register_tokenizer(ANALYZER, _analyzer())
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    entities: dict[str, list] = {}
    codes: dict[str, list[str]] = {}
    count = 0
    for entity in all_entities(store):
        entities[entity.iri] = [entity.type, entity.label, entity.description]
        for code in (*entity.codes, entity.iri):
            codes.setdefault(code.casefold(), []).append(entity.iri)
        for name in entity.names:
            writer.add_document(tantivy.Document(entity=entity.iri, type=entity.type, label=name.label,
                                                 kind=name.kind))
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    with open(directory / ENTITIES_FILE, "w", encoding="utf-8") as out:
        json.dump({"entities": entities, "codes": codes}, out, ensure_ascii=False, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    return count

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

class SearchIndex:
    """One build's index, read-only; safe to share between threads (tantivy searchers are)."""

    def __init__(self, directory: Path) -> None:
        try:
            self._index = tantivy.Index.open(str(directory))
            table = json.loads((directory / ENTITIES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{directory}: cannot open the search index: {exc}") from None
        self._index.register_tokenizer(ANALYZER, _analyzer())
        self._analyzer = _analyzer()
        self._schema = self._index.schema
        self._entities: dict[str, list] = table["entities"]
        self._codes: dict[str, list[str]] = table["codes"]
        self._searcher = self._index.searcher()

    def __len__(self) -> int:
        return self._searcher.num_docs

    def lookup(self, identifier: str, types: tuple[str, ...] = ()) -> list[Candidate]:
        """Entities whose code or IRI is ``identifier`` (M1810, a code OGR, MET.717, an ESCO URI)."""
        found = []
        for iri in self._codes.get(identifier.strip().casefold(), []):
            type_id, label, description = self._entities[iri]
            if not types or type_id in types:
                found.append(Candidate(iri, type_id, label, description, 100.0, False,
                                       {"identifier": True, "label_similarity": 0.0}, identifier.strip(), "identifier"))
        return [Candidate(**{**c.__dict__, "match": len(found) == 1}) for c in found]

    def _query(self, text: str, types: tuple[str, ...], within: Collection[str] | None = None) -> tantivy.Query | None:
        terms = sorted(set(self._analyzer.analyze(text)))
        if not terms:
            return None
        should = []
        for term in terms:
            should.append((tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "label", term)))
            if len(term) >= FUZZY_FROM:
                fuzzy = tantivy.Query.fuzzy_term_query(self._schema, "label", term, distance=1,
                                                       transposition_cost_one=True)
                should.append((tantivy.Occur.Should, tantivy.Query.boost_query(fuzzy, 0.5)))
        query = tantivy.Query.boolean_query(should)
        if types:
            kinds = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "type", t)) for t in types])
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, kinds)])
        if within is not None:
            entities = tantivy.Query.const_score_query(  # a filter: adds nothing to the BM25
                tantivy.Query.term_set_query(self._schema, "entity", sorted(within)), 0.0)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, entities)])
        return query

    def search(self, text: str, types: tuple[str, ...] = (), limit: int = 10,
               within: Collection[str] | None = None) -> list[Candidate]:
        """The best ``limit`` entities for ``text`` (among ``within`` if given): by identifier if it is
        one, else by name, re-ranked."""
        looked_up = [c for c in self.lookup(text, types) if within is None or c.id in within]
        if looked_up:
            return looked_up[:limit]
        query = self._query(text[:500], types, within)
        folded = fold(text[:500])
        if query is None or not folded or within is not None and not within:
            return []
        best: dict[str, tuple] = {}
        for bm25, address in self._searcher.search(query, CANDIDATE_DOCS).hits:
            doc = self._searcher.doc(address)
            entity, label, kind = doc["entity"][0], doc["label"][0], doc["kind"][0]
            sim = similarity(folded, label, kind)
            if entity not in best or sim.score > best[entity][0].score:
                best[entity] = (sim, kind, max(bm25, best.get(entity, (None, None, 0.0))[2]))
            else:
                best[entity] = (best[entity][0], best[entity][1], max(bm25, best[entity][2]))
        ranked = sorted(best.items(), key=lambda item: (-item[1][0].score, -item[1][2], item[0]))[:limit]
        scores = [sim.score for _, (sim, _, _) in ranked]
        candidates = []
        for position, (iri, (sim, kind, bm25)) in enumerate(ranked):
            type_id, label, description = self._entities[iri]
            features = {"label_similarity": sim.score, "exact_label": sim.exact, "bm25": round(bm25, 3),
                        f"matched_{kind}": True}
            candidates.append(Candidate(iri, type_id, label, description, sim.score,
                                        position == 0 and is_match(scores), features, sim.matched, kind))
        return candidates

    def _prefix_query(self, prefix: str, types: tuple[str, ...]) -> tantivy.Query | None:
        """Every complete word (stemmed, fuzzy as in ``search``) and the last, cut word as a prefix."""
        words = re.findall(r"\w+", prefix.lower())
        if not words:
            return None
        must = []
        for word in words[:-1]:
            for term in self._analyzer.analyze(word):
                options = [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "label", term))]
                if len(term) >= FUZZY_FROM:
                    options.append((tantivy.Occur.Should, tantivy.Query.fuzzy_term_query(
                        self._schema, "label", term, distance=1, transposition_cost_one=True)))
                must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(options)))
        starts = {fold(words[-1]), *self._analyzer.analyze(words[-1])} - {""}
        must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.regex_query(self._schema, "label", f"{start}.*"))
             for start in sorted(starts)])))
        if types:
            must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "type", t)) for t in types])))
        return tantivy.Query.boolean_query(must)

    def suggest(self, prefix: str, types: tuple[str, ...] = (), limit: int = 10, offset: int = 0) -> list[Candidate]:
        """Autocomplete: entities with a name that the typed text begins (its last word may be cut short):
        names that start with it first, shortest first; then the others by similarity."""
        looked_up = self.lookup(prefix, types)
        if looked_up:
            return looked_up[offset:offset + limit]
        folded = fold(prefix[:200])
        query = self._prefix_query(prefix[:200], types)
        if query is None or not folded:
            return []
        best: dict[str, tuple] = {}
        for _, address in self._searcher.search(query, SUGGEST_DOCS).hits:
            doc = self._searcher.doc(address)
            entity, label, kind = doc["entity"][0], doc["label"][0], doc["kind"][0]
            sim = similarity(folded, label, kind)
            name = fold(sim.matched)
            key = (0, len(name), label) if name.startswith(folded) else (1, -sim.score, label)
            if entity not in best or key < best[entity][0]:
                best[entity] = (key, sim, kind)
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[offset:offset + limit]
        candidates = []
        for iri, (_, sim, kind) in ranked:
            type_id, label, description = self._entities[iri]
            candidates.append(Candidate(iri, type_id, label, description, sim.score, False,
                                        {"label_similarity": sim.score, f"matched_{kind}": True}, sim.matched, kind))
        return candidates


def index_of(build_dir: Path) -> Path:
    return Path(build_dir) / INDEX_DIR
