"""Oxigraph on disk behind one small interface (``kg.store.Store``), switched atomically.

A store PATH is a directory we manage::

    PATH/current -> builds/<id>     (symlink, switched atomically with rename(2))
    PATH/builds/<id>/               (one complete Oxigraph database per build)
    PATH/builds/<id>/metiers-kg-build.json   (what the build recorded about itself: its base IRI)
    PATH/builds/<id>.partial/       (a build in progress; removed or ignored if it dies)
    PATH/builds/<id>.written        (graphs changed through the endpoint since the last build)

(the two records: ``kg.build_records``)

Writers never touch the database a reader has open: a build (or a ``load``) writes a new
database, then swaps the ``current`` link. A build that fails, crashes or is killed leaves
``current`` as it was, so the previous store keeps serving. Readers open ``current``
read-only and reopen when the link changes.

Three modules, imported from here: the directory's layout and writer lock (directory.py), the
database handle (database.py, which reads the layout) and the writers (writers.py, which use both).
"""

from kg.store.database import RDF_FORMATS_BY_SUFFIX, Store, in_graph, to_ntriples, to_oxigraph_quads
from kg.store.directory import (
    BUILDS,
    CURRENT,
    KEEP_BUILDS,
    PARTIAL_SUFFIX,
    build_info,
    current_build,
    settle_base_iri,
    written_graphs,
)
from kg.store.writers import carry_written, graph_sizes, new_build, revise_current

__all__ = [
    "BUILDS",
    "CURRENT",
    "KEEP_BUILDS",
    "PARTIAL_SUFFIX",
    "RDF_FORMATS_BY_SUFFIX",
    "Store",
    "build_info",
    "carry_written",
    "current_build",
    "graph_sizes",
    "new_build",
    "revise_current",
    "settle_base_iri",
    "in_graph",
    "to_ntriples",
    "to_oxigraph_quads",
    "written_graphs",
]
