"""The name index: tantivy documents (one per name) plus a JSON table of entities, in ``<build>/index/``.

Written by ``write_index`` into the partial build before it is renamed, so it appears (and is switched)
with the build; opened read-only by ``SearchIndex``. The analyzer stems (French Snowball) *before*
folding to ASCII, as the stemmer expects accented French; the same analyzer is applied to queries.
"""

from __future__ import annotations

import json
import os

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

    def _query(self, text: str, types: tuple[str, ...]) -> tantivy.Query | None:
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
        return query

    def search(self, text: str, types: tuple[str, ...] = (), limit: int = 10) -> list[Candidate]:
        """The best ``limit`` entities for ``text``: by identifier if it is one, else by name, re-ranked."""
        looked_up = self.lookup(text, types)
        if looked_up:
            return looked_up[:limit]
        query = self._query(text[:500], types)
        folded = fold(text[:500])
        if query is None or not folded:
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

def index_of(build_dir: Path) -> Path:
    return Path(build_dir) / INDEX_DIR
