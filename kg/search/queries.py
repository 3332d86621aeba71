"""The tantivy queries of the name index: a title's words (stemmed, fuzzy) and a typed prefix (autocomplete).

Split from :mod:`kg.search.index`, which runs them and re-ranks what they find.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Set
from dataclasses import dataclass, field

import tantivy

from kg.search.score import STOPWORDS, fold

FUZZY_FROM = 5  # terms this long (after stemming) also match at one edit
WORD = re.compile(r"[^\W_]+")  # what tantivy's simple tokenizer calls a word
WORDS_KEPT = 4096  # the word parts of the last queries, kept: a title is searched for a fiche, then for ESCO


@dataclass(frozen=True)
class Queries:
    """The queries over one index: its schema, the analyzer its names were indexed with, and the words
    some name has (``vocabulary``: they need no fuzzy variant)."""

    schema: tantivy.Schema
    analyzer: tantivy.TextAnalyzer
    vocabulary: Set[str]
    _words: dict[tuple[str, bool], tuple[tantivy.Query, list[str]] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def by_name(
        self, text: str, types: tuple[str, ...], within: Collection[str] | None = None, any_word: bool = False
    ) -> list[tantivy.Query]:
        """A name must have one of the query's content words (stemmed, each also at one edit when no name
        has it); its stop words only add to the BM25 of the names that do. Were they enough to match,
        tantivy would score most names (one name in two has "de") for every query: they are (``any_word``)
        only when no name has a content word, for the scorer's typo and cut-word rules to find one.
        One query per type (none: one query): a name has one type, so each scores its names as a query
        over all the types would, and a union of types as a required clause costs tantivy more."""
        key = (text, any_word)
        try:
            found = self._words[key]
        except KeyError:
            if len(self._words) >= WORDS_KEPT:
                self._words.clear()
            found = self._words[key] = self._by_words(text, any_word)
        if found is None:
            return []
        query, stop = found
        return [self._narrowed(query, (type_id,) if type_id else (), stop, within) for type_id in types or ("",)]

    def _by_words(self, text: str, any_word: bool) -> tuple[tantivy.Query, list[str]] | None:
        """The query of ``by_name``'s required words, and its stop words (None: no word to search)."""
        words = WORD.findall(text)
        content = words if any_word else [w for w in words if fold(w) not in STOPWORDS] or words
        terms = sorted(set(self.analyzer.analyze(" ".join(content))))
        if not terms:
            return None
        known = set(fold(text).split()) & self.vocabulary
        should = []
        for term in terms:
            should.append((tantivy.Occur.Should, self._term("label", term)))
            if len(term) >= FUZZY_FROM and not any(word.startswith(term) for word in known):
                should.append((tantivy.Occur.Should, tantivy.Query.boost_query(self._fuzzy(term), 0.5)))
        stop = sorted(set(self.analyzer.analyze(" ".join(w for w in words if w not in content))) - set(terms))
        return tantivy.Query.boolean_query(should), stop

    def _narrowed(
        self, query: tantivy.Query, types: tuple[str, ...], stop: list[str], within: Collection[str] | None
    ) -> tantivy.Query:
        """``query`` of the required words, of a type, with the stop words that add to the BM25, among ``within``."""
        if types:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, self._any_of("type", types))]
            )
        if stop:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Should, self._any_of("label", stop))]
            )
        if within is not None:
            entities = tantivy.Query.const_score_query(  # a filter: adds nothing to the BM25
                tantivy.Query.term_set_query(self.schema, "entity", sorted(within)), 0.0
            )
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, entities)])
        return query

    def by_prefix(self, prefix: str, types: tuple[str, ...]) -> tantivy.Query | None:
        """Every complete word (stemmed, fuzzy as in ``by_name``) and the last, cut word as a prefix."""
        words = re.findall(r"\w+", prefix.lower())
        if not words:
            return None
        must = []
        for word in words[:-1]:
            for term in self.analyzer.analyze(word):
                options = [(tantivy.Occur.Should, self._term("label", term))]
                if len(term) >= FUZZY_FROM:
                    options.append((tantivy.Occur.Should, self._fuzzy(term)))
                must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(options)))
        starts = {fold(words[-1]), *self.analyzer.analyze(words[-1])} - {""}
        cut = [
            (tantivy.Occur.Should, tantivy.Query.regex_query(self.schema, "label", f"{start}.*"))
            for start in sorted(starts)
        ]
        must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(cut)))
        if types:
            must.append((tantivy.Occur.Must, self._any_of("type", types)))
        return tantivy.Query.boolean_query(must)

    def _term(self, field: str, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, term)

    def _fuzzy(self, term: str) -> tantivy.Query:
        return tantivy.Query.fuzzy_term_query(self.schema, "label", term, distance=1, transposition_cost_one=True)

    def _any_of(self, field: str, terms: Collection[str]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._term(field, t)) for t in terms])
