"""The official ESCO–ROME mapping as its own SSSOM mapping set, and what it says of each ROME fiche.

Each row becomes the plain triple ``<ROME appellation> skos:closeMatch <ESCO occupation>``
(relations read ROME → ESCO) and an ``owl:Axiom`` / ``mkg:CrosswalkMapping`` node in the
SSSOM-RDF way, part of the mapping set ``<base>mapping-set/esco-rome`` authored by the
publisher, with its version and date. A fiche gets the ESCO occupations its appellations
are mapped to (``mkg:escoOccupation``) and their ISCO-08 groups (``mkg:iscoGroup``, ESCO's
``iscoGroup`` of the occupation). Rows naming an appellation the ROME export does not have
are left out and counted in a note of the mapping set (none with ROME 4.0 v4.60).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg.core.vocab import DCTERMS, MKG, OWL, PAV, PROV, RDF, RDFS, SEMAPV, SKOS, SSSOM, XSD
from kg.mapping._rome_parts import T
from kg.mapping.iris import Iris
from kg.mapping.ntriples import NTriplesBuilder, iri, literal
from kg.sources.esco_rome import Crosswalk, parse_crosswalk
from kg.sources.reference import esco_occupations
from kg.sources.rome import RomeExport

CROSSWALK_RESOURCE = "FR_20230607_mapping_esco_rome.csv.gz"
RELATIONS = {
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
}


def default_crosswalk() -> Path:
    """The vendored official ESCO–ROME mapping (reference/PROVENANCE-esco-rome-crosswalk.md)."""
    return Path(str(files("metiers_kg_data.reference") / CROSSWALK_RESOURCE))


@lru_cache(maxsize=1)
def _crosswalk() -> Crosswalk:
    return parse_crosswalk(default_crosswalk())


def official_by_fiche(appellation_fiches: dict[str, str], iris: Iris) -> dict[str, list[tuple[str, str, str]]]:
    """ROME fiche IRI → (ESCO occupation, relation, appellation label) of the official mapping of its appellations.

    For the alignment's candidates: a fiche or emploi-type filed under a ROME fiche inherits them.
    """
    out: dict[str, list[tuple[str, str, str]]] = {}
    for row in _crosswalk().rows:
        fiche = appellation_fiches.get(row.appellation)
        if fiche is not None:
            out.setdefault(str(iris.rome(fiche)), []).append((row.esco, row.relation, row.appellation_label))
    return out


def map_crosswalk(crosswalk: Crosswalk, export: RomeExport, iris: Iris, builder: NTriplesBuilder) -> None:
    """Add the mapping set (into the ROME graph's builder: it is cached with it)."""
    mapping_set, author = iri(str(iris.mapping_set("esco-rome"))), iri(str(iris.agent(crosswalk.author)))
    document = iri(str(iris.source_document(crosswalk.sha256)))
    appellations = {a.code: a.fiche for a in export.appellations}
    occupations = esco_occupations()
    b = builder.add
    b(mapping_set, T(RDF.type), T(SSSOM.MappingSet))
    b(mapping_set, T(DCTERMS.title), literal(f"{crosswalk.project} ({crosswalk.author})", "fr"))
    b(mapping_set, T(SSSOM.mapping_set_version), literal(crosswalk.version))
    b(mapping_set, T(PAV.authoredBy), author)
    b(mapping_set, T(DCTERMS.source), document)
    b(mapping_set, T(SSSOM.object_source_version), literal(f"ESCO {crosswalk.esco_version}"))
    b(mapping_set, T(SSSOM.subject_source), iri(str(iris.rome_part("appellations"))))
    if crosswalk.date:
        b(mapping_set, T(DCTERMS.created), literal(crosswalk.date, datatype=XSD.date))
    b(author, T(RDF.type), T(PROV.Agent))
    b(author, T(RDFS.label), literal(crosswalk.author))
    b(document, T(RDF.type), T(MKG.SourceDocument))
    b(document, T(DCTERMS.title), literal(crosswalk.path.name))
    b(document, T(MKG.sha256), literal(crosswalk.sha256))
    left_out = 0
    for row in crosswalk.rows:
        fiche = appellations.get(row.appellation)
        if fiche is None:
            left_out += 1
            continue
        subject = iris.rome_part("appellation", row.appellation)
        predicate = RELATIONS[row.relation]
        node = iri(str(iris.mapping(str(subject), str(predicate), row.esco)))
        s, p, o = iri(str(subject)), T(predicate), iri(row.esco)
        b(s, p, o)
        b(node, T(RDF.type), T(OWL.Axiom))
        b(node, T(RDF.type), T(MKG.CrosswalkMapping))
        b(node, T(OWL.annotatedSource), s)
        b(node, T(OWL.annotatedProperty), p)
        b(node, T(OWL.annotatedTarget), o)
        b(node, T(SSSOM.mapping_justification), T(SEMAPV.ManualMappingCuration))
        b(node, T(PAV.authoredBy), author)
        b(node, T(DCTERMS.isPartOf), mapping_set)
        b(node, T(MKG.sourceLine), literal(str(row.line), datatype=XSD.integer))
        fiche_iri = iri(str(iris.rome(fiche)))
        b(fiche_iri, T(MKG.escoOccupation), o)
        if row.esco in occupations:
            b(fiche_iri, T(MKG.iscoGroup), iri(occupations[row.esco].isco_uri))
    b(
        mapping_set,
        T(RDFS.comment),
        literal(
            f"{len(crosswalk.rows) - left_out} of {len(crosswalk.rows)} rows imported; {left_out} name an appellation "
            "that this ROME export does not have and are left out",
            "en",
        ),
    )
