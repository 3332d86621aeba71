"""ROME 4.0 → its named graph: the fiche scheme (grand domaine → domaine → fiche) and the rest of the export.

Two graphs come from one export. ``rome_fiches_graph`` is the hierarchy of fiches only: the
seed documents' constraints reach it (a ``mkg:romeFiche`` must be a ROME fiche), so it goes
with every validation batch and must stay small. ``rome_graph`` is everything (≈ 0.8 M
triples), mapped and validated once per export (see kg.rome_stage) and written to the store;
it contains the first one.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from rdflib import Literal

from kg.core.graph import GraphBuilder, MappedGraph
from kg.core.memo import memo
from kg.core.vocab import DCTERMS, MKG, PROV, RDF, SKOS, XSD
from kg.mapping._rome_parts import PUBLISHER, ROME_LICENCE, PartsBuilder, T
from kg.mapping.core import add_provenance
from kg.mapping.iris import Iris
from kg.mapping.ntriples import NTriplesBuilder, literal
from kg.sources.common import Source
from kg.sources.rome import (
    Appellation,
    RomeExport,
    RomeFiches,
    parse_export,
    read_appellations,
    read_fiches,
    read_skills,
)

ROME_EXPORT_RESOURCE = "rome4-v460.zip"


ROME_ENV = "METIERS_KG_ROME"


def default_export() -> Path:
    """``$METIERS_KG_ROME`` when set, else the vendored export (reference/PROVENANCE-rome4-v460.md)."""
    chosen = os.environ.get(ROME_ENV)
    return Path(chosen) if chosen else Path(str(files("metiers_kg_data.reference") / ROME_EXPORT_RESOURCE))


def export_stamp(export: Path | None = None) -> tuple[Path, tuple]:
    """The export's path and (name, mtime, size) of its files: what per-process caches of it are keyed by."""
    path = Path(export or default_export())
    return path, tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in ([path, *sorted(path.iterdir())] if path.is_dir() else [path])
        if p.exists()
    )


def fiches_of(export: Path | None = None) -> RomeFiches:
    """The fiche hierarchy of an export, read once per process while the files stay the same."""
    return _read_fiches(*export_stamp(export))


@memo(maxsize=4)
def _read_fiches(path: Path, _stamps: tuple) -> RomeFiches:
    return read_fiches(path)


@memo(maxsize=2)
def _read_appellations(path: Path, _stamps: tuple) -> tuple[Appellation, ...]:
    return read_appellations(path)


def rome_appellations(export: Path | None = None) -> dict[str, str]:
    """IRI → label of every ROME appellation of the export (read once per process)."""
    return {a.code: a.label for a in _read_appellations(*export_stamp(export))}


@memo(maxsize=2)
def _read_skills(path: Path, _stamps: tuple) -> tuple[dict[str, str], dict[str, str]]:
    competences, savoirs = read_skills(path)
    return ({c.code: c.label for c in competences if c.category == SAVOIR_FAIRE}, {s.code: s.label for s in savoirs})


SAVOIR_FAIRE = "Savoir-faire"  # the compétences an emploi-type's savoir-faire compare with (not savoir-être)


def rome_skill_labels(export: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Code OGR → label of the export's savoir-faire compétences (and macro-compétences), and of its savoirs."""
    return _read_skills(*export_stamp(export))


def rome_appellation_fiches(export: Path | None = None) -> dict[str, str]:
    """Code OGR → ROME code of the fiche, for every appellation of the export."""
    return {a.code: a.fiche for a in _read_appellations(*export_stamp(export))}


def rome_fiche_labels(export: Path | None = None) -> list[tuple[str, str]]:
    """(code, libellé) of every fiche, in the export's order."""
    return [(f.code, f.label) for f in fiches_of(export).fiches]


def export_source(fiches: RomeFiches) -> Source:
    return Source(path=fiches.path, sha256=fiches.checksum)


def rome_fiches_graph(iris: Iris, export: Path | None = None) -> MappedGraph:
    """The fiche hierarchy alone (what the seeds' shapes reach), as rdflib triples for pySHACL."""
    fiches = fiches_of(export)
    builder = NTriplesBuilder()
    PartsBuilder(builder, iris).hierarchy(fiches)
    return MappedGraph(iris.graph("rome"), fiches.path, list(builder.to_rdflib()), {})


def rome_graph(iris: Iris, export: Path | None = None) -> NTriplesBuilder:
    """The whole export as linked data (N-Triples of the graph <base>graph/rome)."""
    return map_export(parse_export(export or default_export()), iris)


def map_export(export: RomeExport, iris: Iris) -> NTriplesBuilder:
    builder = NTriplesBuilder()
    parts = PartsBuilder(builder, iris)
    parts.hierarchy(export.fiches)
    _graph_description(builder, export, iris)
    for fiche in export.fiches.fiches:
        concept = parts.rome(fiche.code)
        builder.add(concept, T(MKG.codeOgr), literal(fiche.ogr))
        parts.flags(concept, fiche)
        builder.fr(concept, T(MKG.transitionEcologique), fiche.transition_eco)
        if fiche.v3_parent:
            builder.add(concept, T(MKG.romeV3Parent), literal(fiche.v3_parent))
        builder.fr(concept, T(SKOS.definition), "\n".join(fiche.definition))
        builder.fr(concept, T(MKG.accesMetier), "\n".join(fiche.access))
    parts.add_all(export)
    return builder


def _graph_description(builder: NTriplesBuilder, export: RomeExport, iris: Iris) -> None:
    """PROV of the ROME graph: the export (by content address) and each of its files; version; quirks."""
    fiches, graph = export.fiches, iris.graph("rome")
    provenance = GraphBuilder(graph)
    add_provenance(provenance, export_source(fiches), iris)
    version = provenance.add
    version(graph, DCTERMS.title, Literal(f"ROME {fiches.version.release} — France Travail", lang="fr"))
    version(graph, DCTERMS.hasVersion, Literal(fiches.version.release))
    if fiches.version.title:
        version(graph, DCTERMS.description, Literal(fiches.version.title, lang="fr"))
    if fiches.version.published:
        version(graph, DCTERMS.issued, Literal(fiches.version.published, datatype=XSD.date))
    if fiches.version.validated:
        version(graph, DCTERMS.dateAccepted, Literal(fiches.version.validated, datatype=XSD.date))
    version(graph, DCTERMS.publisher, Literal(PUBLISHER))
    version(graph, DCTERMS.license, ROME_LICENCE)
    version(graph, DCTERMS.rights, Literal(f"France Travail, ROME 4.0 version {fiches.version.number}", lang="fr"))
    for member, sha256, _encoding in fiches.files:
        document = iris.source_document(sha256)
        version(graph, PROV.wasDerivedFrom, document)
        version(document, RDF.type, MKG.SourceDocument)
        version(document, DCTERMS.title, Literal(member))
        version(document, MKG.sha256, Literal(sha256))
        version(document, DCTERMS.isPartOf, iris.source_document(fiches.checksum))
    for note in export.quirks:
        version(graph, SKOS.editorialNote, Literal(note, lang="en"))
    for triple in provenance.result().triples:
        builder.add(*(term.n3() for term in triple))
