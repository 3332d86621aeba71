"""What a dereferenced IRI answers: one SPARQL CONSTRUCT, whose triples its page is made from.

Why a CONSTRUCT rather than code walking the store: the HTML page shows the query, and running
that query on ``/sparql`` gives exactly the triples the server sent (in any RDF format). The
description of ``<X>`` is

* every triple whose subject is ``<X>`` or one of its *parts*: IRIs under ``<X>/`` reached in one
  to three links (a fiche's sections, sub-sections and their list entries, appellations, starting
  salary…);
* the whole of every mapping node (SSSOM axiom) whose subject, object or basis is ``<X>``, so
  the page can show who says so and why;
* every ROME fiche that uses ``<X>`` as a savoir-faire, savoir-être, savoir or contexte, and the
  whole of its coeur-de-métier link to it (at most one of each per fiche, so bounded by the
  fiches, not by ``INCOMING_LIMIT``: "Faire preuve de rigueur et de précision" is on 1,070);
* the classes and ``skos:broader`` concepts (two levels up) of what ``<X>`` links to, so a ROME fiche's page
  can group its savoir-faire by macro-compétence, its savoirs by category and its contextes by type;
* up to ``INCOMING_LIMIT`` other triples pointing at ``<X>`` (who links here), in a stable order, and
  the classes of the occupations filed under a ROME fiche (fiches métiers, emploi-types);
* the labels of every resource, predicate and class those triples mention, so that a client
  can show them without another request.

The page made from them is :mod:`server.linked_data.describe`'s.
"""

from __future__ import annotations

from kg.core.vocab import DCTERMS, MKG, NIF, OWL, RDF, RDFS, SCHEMA, SKOS, SKOSXL

INCOMING_LIMIT = 1000
LABEL_PREDICATES = (
    str(SKOS.prefLabel),
    str(RDFS.label),
    str(SKOSXL.literalForm),
    str(SCHEMA.name),
    str(DCTERMS.title),
    str(NIF.anchorOf),
)  # in order of preference; a mention's is its text
USAGE_PREDICATES = tuple(str(p) for p in (MKG.savoirFaire, MKG.savoirEtre, MKG.savoir, MKG.contexteTravail))


def description_query(iri: str, incoming_limit: int = INCOMING_LIMIT) -> str:
    """The CONSTRUCT that describes ``<iri>`` (shown on its page, runnable on /sparql as is)."""
    labels = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    usage = " ".join(f"<{p}>" for p in USAGE_PREDICATES)
    usage_list = ", ".join(f"<{p}>" for p in USAGE_PREDICATES)
    under = f'STRSTARTS(STR(?{{v}}), "{iri}/")'
    return f"""# Description of <{iri}>: its triples and those of its parts (IRIs under it),
# the triples that point to it, and the labels of everything they mention.
CONSTRUCT {{
  ?s ?p ?o . ?s ?sl ?slabel . ?p ?pl ?plabel . ?o ?ol ?olabel .
}} WHERE {{
  {{
    {{ BIND(<{iri}> AS ?s) }}
    UNION {{ <{iri}> ?link ?s . FILTER(isIRI(?s) && {under.format(v="s")}) }}
    UNION {{ <{iri}> ?link ?mid . ?mid ?link2 ?s .
            FILTER(isIRI(?mid) && {under.format(v="mid")} && isIRI(?s) && {under.format(v="s")}) }}
    UNION {{ <{iri}> ?link ?mid . ?mid ?link2 ?mid2 . ?mid2 ?link3 ?s .
            FILTER(isIRI(?mid) && {under.format(v="mid")} && isIRI(?mid2) && {under.format(v="mid2")}
                   && isIRI(?s) && {under.format(v="s")}) }}
    ?s ?p ?o .
  }} UNION {{
    ?s <{OWL.annotatedSource}>|<{OWL.annotatedTarget}>|<{MKG.basis}> <{iri}> ; a <{MKG.Mapping}> ; ?p ?o .
  }} UNION {{
    VALUES ?p {{ {usage} }} ?s ?p <{iri}> . BIND(<{iri}> AS ?o)
  }} UNION {{
    ?s <{MKG.linkFiche}>|<{MKG.linkItem}> <{iri}> ; ?p ?o .
  }} UNION {{
    <{iri}> ?link ?s . ?s <{SKOS.broader}> ?o . BIND(<{SKOS.broader}> AS ?p)
  }} UNION {{
    <{iri}> ?link ?s . ?s a ?o . BIND(<{RDF.type}> AS ?p)
  }} UNION {{
    <{iri}> ?link ?mid . ?mid <{SKOS.broader}> ?s . ?s <{SKOS.broader}> ?o . BIND(<{SKOS.broader}> AS ?p)
  }} UNION {{
    {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(?p NOT IN ({usage_list})) }}
      ORDER BY ?s ?p LIMIT {incoming_limit} }}
    BIND(<{iri}> AS ?o)
  }} UNION {{
    ?s <{MKG.romeFiche}> <{iri}> ; a ?o . BIND(<{RDF.type}> AS ?p)
  }}
  OPTIONAL {{ VALUES ?sl {{ {labels} }} ?s ?sl ?slabel }}
  OPTIONAL {{ VALUES ?pl {{ {labels} }} ?p ?pl ?plabel }}
  OPTIONAL {{ VALUES ?ol {{ {labels} }} ?o ?ol ?olabel }}
}}"""


def graphs_query(iri: str) -> str:
    """The named graphs that hold triples about ``<iri>`` (for the page's provenance line)."""
    return f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} ORDER BY ?g"
