"""Find occupations by name: a tantivy index of every name the graph holds, built by ``metiers-kg build``
inside the new build's directory, read-only at run time, with candidates re-ranked into a 0–100 score."""

from kg.build_records import INDEX_DIR
from kg.search.index import SearchIndex
from kg.search.types import TYPES, EntityType
from kg.search.writing import write_index

__all__ = ["INDEX_DIR", "TYPES", "EntityType", "SearchIndex", "write_index"]
