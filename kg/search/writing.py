"""Writing the name index: every name of an entity as a tantivy document, and the tables beside it.

``write_index`` reads the names from the store (``kg.search.names``); ``write_entities`` writes any
entities (a benchmark indexes a subset). The analyzer is shared with the reader (``kg.search.index``):
French Snowball stemming before ASCII folding, so that accented forms stem as French.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import tantivy

from kg.search import name_rows
from kg.search.abbreviations import mine_acronyms
from kg.search.names import Entity, Rows, all_entities
from kg.search.score import fold
from kg.search.types import TYPES
from kg.store import Store

ENTITIES_FILE = "entities.json"
ANALYZER = "fr_title"


def analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("french"))
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("entity", stored=True, tokenizer_name="raw")
    builder.add_text_field("type", stored=True, tokenizer_name="raw")
    builder.add_text_field("label", stored=True, tokenizer_name=ANALYZER, index_option="position")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    # the name's row in the table of names (entities.json): read as a fast field, no stored document fetched
    builder.add_unsigned_field("name", stored=False, indexed=False, fast=True)
    return builder.build()


def write_index(store: Store, directory: Path, rome_rows: dict[str, Rows] | None = None) -> int:
    """Index every name of ``store`` (and the vendored ESCO tables) into ``directory``; returns the name count.
    ``rome_rows``: the answers of the ROME queries, when the build knows its store gives the same
    (kg.search.rome_names)."""
    return write_entities(all_entities(store, cached=rome_rows), directory)


def write_entities(entities: Iterable[Entity], directory: Path) -> int:
    """Index ``entities`` into ``directory`` (a benchmark indexes a subset); returns the name count."""
    directory.mkdir(parents=True, exist_ok=False)
    index = tantivy.Index(schema(), path=str(directory))
    index.register_tokenizer(ANALYZER, analyzer())
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    table: dict[str, list] = {}
    codes: dict[str, list[str]] = {}
    words: Counter[str] = Counter()
    acronym_labels: list[str] = []
    named: list[tuple[str, str, str, tuple[tuple[str, str], ...]]] = []  # the name numbered n, and its variants
    prepared: dict[str, tuple[tuple[str, str], ...]] = {}  # label → its variants, folded once (labels repeat)
    count = 0
    for entity in entities:
        table[entity.iri] = [
            entity.type,
            entity.label,
            entity.description,
            [list(link) for link in entity.links],
            list(entity.codes),
        ]
        for code in (*entity.codes, entity.iri):
            codes.setdefault(code.casefold(), []).append(entity.iri)
        for name in entity.names:
            document = tantivy.Document(entity=entity.iri, type=entity.type, label=name.label, kind=name.kind)
            document.add_unsigned("name", count)
            writer.add_document(document)
            pairs = prepared.get(name.label)
            if pairs is None:
                pairs = prepared[name.label] = name_rows.variant_titles(name.label)
            named.append((entity.iri, name.kind, name.label, pairs))
            # the first variant is the label itself (none: it folds to nothing)
            words.update(set((pairs[0][1] if pairs and pairs[0][0] == name.label else fold(name.label)).split()))
            count += 1
            if TYPES[entity.type].occupation:
                acronym_labels.append(name.label)
    writer.commit()
    writer.wait_merging_threads()
    order = {iri: i for i, iri in enumerate(sorted(table))}
    rows = [name_rows.encode(order[iri], kind, label, pairs) for iri, kind, label, pairs in named]
    rarity = {word: round(math.log(count / df), 2) for word, df in sorted(words.items())}
    name_rows.write(rows, directory / name_rows.NAMES_FILE)
    content = {
        "entities": table,
        "codes": codes,
        "rarity": rarity,
        "acronyms": mine_acronyms(acronym_labels),
        "names": count,
    }
    with open(directory / ENTITIES_FILE, "w", encoding="utf-8") as out:
        out.write(json.dumps(content, ensure_ascii=False, sort_keys=True))  # dumps: the C encoder, same text
        out.flush()
        os.fsync(out.fileno())
    return count
