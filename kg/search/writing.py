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
from kg.search.names import Entity, Name, Rows, all_entities
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


def write_entities(entities: Iterable[Entity], directory: Path, forms: name_rows.NameForms | None = None) -> int:
    """Index ``entities`` into ``directory`` (a benchmark indexes a subset); returns the name count.
    ``forms``: what the tables need of the names, partly worked out beforehand (completed here)."""
    directory.mkdir(parents=True, exist_ok=False)
    index = tantivy.Index(schema(), path=str(directory))
    index.register_tokenizer(ANALYZER, analyzer())
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    table: dict[str, list] = {}
    codes: dict[str, list[str]] = {}
    named: list[tuple[Entity, Name]] = []  # the name numbered n
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
            document.add_unsigned("name", len(named))
            writer.add_document(document)
            named.append((entity, name))
    writer.commit()
    writer.wait_merging_threads()
    _write_tables(directory, table, codes, named, forms or name_rows.NameForms())
    return len(named)


def _write_tables(
    directory: Path,
    table: dict[str, list],
    codes: dict[str, list[str]],
    named: list[tuple[Entity, Name]],
    forms: name_rows.NameForms,
) -> None:
    """The table of names and the entity table (with the words' rarity and the acronyms) beside the index."""
    order = {iri: i for i, iri in enumerate(sorted(table))}
    rows: list[str] = []
    words: list[str] = []
    acronym_labels: list[str] = []
    for entity, name in named:
        rows.append(forms.row(order[entity.iri], name.kind, name.label))
        words.extend(forms.words(name.label))
        if TYPES[entity.type].occupation:
            acronym_labels.append(name.label)
    count = len(named)
    rarity = {word: round(math.log(count / df), 2) for word, df in sorted(Counter(words).items())}
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
