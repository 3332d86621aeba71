"""The quality report's figures, each from SPARQL over a store, readable on its own.

An auditor can run any of these queries on the endpoint and get the same number; kg.publish.report
gathers them into a ``QualityReport`` and renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.core.vocab import ESCO_OCCUPATION, ESCO_SKILL, ISCO, SH, SPARQL_PREFIXES
from kg.store import Store

QUERY_PREFIXES = SPARQL_PREFIXES + f"PREFIX sh: <{SH}>\n"
MATCH_TYPES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
OCCUPATION_CLASSES = {"fiches": "mkg:FicheMetier", "emploi_types": "mkg:EmploiType", "appellations": "mkg:Appellation"}
Figures = dict[str, Any]  # JSON-shaped: counts, shares, lists and nested figures, as the report's sections hold them


@dataclass(frozen=True)
class Coverage:
    """How many of ``total`` items have the property; ``share`` in percent, one decimal."""

    total: int
    covered: int

    @property
    def share(self) -> float:
        return round(100.0 * self.covered / self.total, 1) if self.total else 0.0


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    solutions = store.select(QUERY_PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in solutions]


def _count(store: Store, query: str) -> int:
    rows = _rows(store, query)
    return int(next(iter(rows[0].values()))) if rows else 0


def _counted_by(store: Store, pattern: str, variable: str, separator: str) -> dict[str, int]:
    """How many distinct ``?o`` match ``pattern`` for each value of ``?variable``, by the value's local
    name (after its last ``separator``)."""
    rows = _rows(store, f"SELECT ?{variable} (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {pattern} }} GROUP BY ?{variable}")
    return {row[variable].rsplit(separator, 1)[-1]: int(row["n"]) for row in rows}


def rome_export_counts(store: Store) -> dict[str, int]:
    """ROME fiches and appellations with an official ESCO mapping; our titles linked to ROME appellations."""
    official = "?m a mkg:CrosswalkMapping ; owl:annotatedSource ?a"
    candidates = "?m a mkg:Mapping ; owl:annotatedSource ?s ; owl:annotatedTarget ?a . ?a a mkg:RomeAppellation"
    ours = candidates + ' FILTER NOT EXISTS { ?m sssom:predicate_modifier "Not" }'
    rejected = candidates + ' . ?m sssom:predicate_modifier "Not"'  # equal titles, fiches of another trade
    return {
        "fiches": _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?f a mkg:RomeFiche }"),
        "appellations": _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a mkg:RomeAppellation }"),
        "fiches_with_official_esco_mapping": _count(
            store, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ {official} . ?a skos:broader ?f }}"
        ),
        "appellations_with_official_esco_mapping": _count(
            store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {official} }}"
        ),
        "our_links_to_rome_appellations": _count(store, f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {ours} }}"),
        "our_titles_linked_to_rome_appellations": _count(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {ours} }}"
        ),
        "rejected_rome_appellation_candidates": _count(
            store, f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {rejected} }}"
        ),
    }


def rome_coverage(store: Store, cls: str) -> Figures:
    total = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} }}")
    linked = _count(
        store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} ; mkg:romeFiche ?r . ?r a mkg:RomeFiche }}"
    )
    reason = _count(
        store,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} ; mkg:romeAbsenceReason ?why
                                FILTER NOT EXISTS {{ ?o mkg:romeFiche ?r }} }}""",
    )
    by_reason = {
        row["why"]: int(row["n"])
        for row in _rows(
            store,
            f"""SELECT ?why (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?o a {cls} ; mkg:romeAbsenceReason ?why FILTER NOT EXISTS {{ ?o mkg:romeFiche ?r }} }} GROUP BY ?why ORDER BY ?why""",
        )
    }
    return {
        "total": total,
        "with_rome_link": linked,
        "with_explicit_reason": reason,
        "by_reason": by_reason,
        "without_either": total - linked - reason,
        "share_link_or_reason": Coverage(total, linked + reason).share,
        "without_code_matched_to_rome_fiche": _rome_matches(store, cls),
    }


def _rome_matches(store: Store, cls: str) -> dict[str, int]:
    """Occupations filed under no ROME code that the alignment ties to a ROME fiche (kg.alignment.rome_candidates),
    by justification (semapv:LexicalMatching: automatic; ManualMappingCuration: reviewed)."""
    rows = _rows(
        store,
        f"""SELECT ?j (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?o a {cls} ; mkg:romeAbsenceReason ?why FILTER NOT EXISTS {{ ?o mkg:romeFiche ?r }}
        ?m a mkg:Mapping ; owl:annotatedSource ?o ; owl:annotatedProperty ?p ; owl:annotatedTarget ?f ;
           sssom:mapping_justification ?j . ?f a mkg:RomeFiche . ?o ?p ?f }} GROUP BY ?j ORDER BY ?j""",
    )
    by_justification = {row["j"].rsplit("/", 1)[-1]: int(row["n"]) for row in rows}
    matched = _count(
        store,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?o a {cls} ; mkg:romeAbsenceReason ?why FILTER NOT EXISTS {{ ?o mkg:romeFiche ?r }}
        ?m a mkg:Mapping ; owl:annotatedSource ?o ; owl:annotatedProperty ?p ; owl:annotatedTarget ?f .
        ?f a mkg:RomeFiche . ?o ?p ?f }}""",
    )
    return {"total": matched, **by_justification}


def esco_matches(store: Store, cls: str) -> Figures:
    """ESCO occupation matches of one class: any positive match with a justified mapping node."""
    base = f"""?o a {cls} . ?m a mkg:Mapping ; owl:annotatedSource ?o ; owl:annotatedProperty ?p ;
               owl:annotatedTarget ?t ; sssom:mapping_justification ?j ; rdfs:comment ?why .
               ?o ?p ?t . FILTER(STRSTARTS(STR(?t), "{ESCO_OCCUPATION}"))"""
    total = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} }}")
    matched = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {base} }}")
    by_type = _counted_by(store, base, "p", "#")
    by_justification = _counted_by(store, base, "j", "/")
    no_term = _count(
        store,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} .
        ?m owl:annotatedSource ?o ; owl:annotatedTarget sssom:NoTermFound }}""",
    )
    unmatched_items = [
        {"iri": row["o"], "label": row["label"]}
        for row in _rows(
            store,
            f"""
        SELECT DISTINCT ?o ?label WHERE {{ ?o a {cls} . OPTIONAL {{ ?o skos:prefLabel ?pl }}
            OPTIONAL {{ ?o <http://www.w3.org/2008/05/skos-xl#literalForm> ?lf }}
            BIND(COALESCE(?pl, ?lf, STR(?o)) AS ?label)
            FILTER NOT EXISTS {{ ?o ?p ?t . ?m owl:annotatedSource ?o ; owl:annotatedTarget ?t .
                                 FILTER(STRSTARTS(STR(?t), "{ESCO_OCCUPATION}")) }} }} ORDER BY ?label ?o""",
        )
    ]
    unmatched = list(dict.fromkeys(item["label"] for item in unmatched_items))
    return {
        "total": total,
        "matched": matched,
        "share_matched": Coverage(total, matched).share,
        "by_match_type": {t: by_type.get(t, 0) for t in MATCH_TYPES},
        "by_justification": dict(sorted(by_justification.items())),
        "reviewed_no_esco_equivalent": no_term,
        "unmatched": unmatched,
        "unmatched_items": unmatched_items,
    }


def isco_groups(store: Store) -> Figures:
    groups = {
        name: _count(
            store,
            f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} ; ?p ?g .
                  FILTER(STRSTARTS(STR(?g), "{ISCO}")) }}""",
        )
        for name, cls in OCCUPATION_CLASSES.items()
    }
    links = _count(
        store,
        f"""SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a mkg:Mapping ; owl:annotatedTarget ?g .
                   FILTER(STRSTARTS(STR(?g), "{ISCO}")) }}""",
    )
    consistent = _count(
        store,
        f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?m a mkg:Mapping ; owl:annotatedSource ?o ; owl:annotatedTarget ?g ; mkg:basis ?occupation .
        FILTER(STRSTARTS(STR(?g), "{ISCO}"))
        ?occupation esco:memberOfISCOGroup ?g .
        ?o ?p ?occupation . FILTER(?p IN (skos:exactMatch, skos:closeMatch, skos:broadMatch, skos:narrowMatch)) }}""",
    )
    return {
        "with_isco_group": groups,
        "isco_links": links,
        "consistent_with_esco": consistent,
        "inconsistent": links - consistent,
    }


def skill_counts(store: Store) -> dict[str, int]:
    """Skill concepts, emploi-type/skill pairs, and the skills matched with ESCO and with ROME."""
    return {
        "skills": _count(
            store,
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a mkg:SavoirFaire } UNION { ?s a mkg:Connaissance } }",
        ),
        "phrases": _count(
            store, "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?e ?s WHERE { ?e mkg:requiredSkill ?s } } }"
        ),
        "with_esco_skill": _count(
            store,
            f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
            {{ ?s a mkg:SavoirFaire }} UNION {{ ?s a mkg:Connaissance }}
            ?s ?p ?t . ?m owl:annotatedSource ?s ; owl:annotatedTarget ?t . FILTER(STRSTARTS(STR(?t), "{ESCO_SKILL}")) }}""",
        ),
        **{
            f"with_rome_{name}": _count(
                store,
                f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
            ?s a mkg:{ours} . ?s ?p ?t . ?m a mkg:Mapping ; owl:annotatedSource ?s ; owl:annotatedTarget ?t .
            ?t a mkg:{theirs} FILTER NOT EXISTS {{ ?m sssom:predicate_modifier "Not" }} }}""",
            )
            for name, ours, theirs in (
                ("competence", "SavoirFaire", "RomeCompetence"),
                ("savoir", "Connaissance", "RomeSavoir"),
            )
        },
    }


def mapping_counts(store: Store) -> dict[str, dict[str, int]]:
    def grouped(variable: str, path: str) -> dict[str, int]:
        return {
            row["k"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]: int(row["n"])
            for row in _rows(
                store,
                f"""
            SELECT ?k (COUNT(?m) AS ?n) WHERE {{ ?m a mkg:Mapping ; {path} ?k .
              FILTER NOT EXISTS {{ ?m sssom:predicate_modifier "Not" }} }} GROUP BY ?k ORDER BY ?k""",
            )
        }

    rejected = _count(store, 'SELECT (COUNT(?m) AS ?n) WHERE { ?m a mkg:Mapping ; sssom:predicate_modifier "Not" }')
    return {
        "by_predicate": grouped("p", "owl:annotatedProperty"),
        "by_justification": grouped("j", "sssom:mapping_justification"),
        "rejected_candidates": {"count": rejected},
    }


def cross_source_links(store: Store) -> dict[str, int]:
    """Links from a fiche métier to an emploi-type, by predicate."""
    return {
        row["p"].rsplit("#", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            """
        SELECT ?p (COUNT(?m) AS ?n) WHERE { ?m a mkg:Mapping ; owl:annotatedSource ?f ; owl:annotatedProperty ?p ;
            owl:annotatedTarget ?e . ?f a mkg:FicheMetier . ?e a mkg:EmploiType } GROUP BY ?p ORDER BY ?p""",
        )
    }


def shacl_severities(store: Store) -> dict[str, int]:
    """The SHACL results kept in the validation graph, by severity (warnings counted even when none)."""
    counts = {
        row["s"].rsplit("#", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            """
        SELECT ?s (COUNT(?r) AS ?n) WHERE { ?r a sh:ValidationResult ; sh:resultSeverity ?s } GROUP BY ?s""",
        )
    }
    counts.setdefault("Warning", 0)
    return counts


def rejections(store: Store) -> Figures:
    """The rejection report of the build, as stored in its validation graph (FILE:LINE: reason)."""
    rows = _rows(
        store,
        """SELECT ?file ?line ?why WHERE { ?r a mkg:RejectedDocument ; dcterms:source ?file ;
        mkg:rejectionReason ?why . OPTIONAL { ?r mkg:sourceLine ?line } }
        ORDER BY ?file <http://www.w3.org/2001/XMLSchema#integer>(?line) ?why""",
    )
    lines = [f"{r['file']}:{r['line']}: {r['why']}" if r["line"] else f"{r['file']}: {r['why']}" for r in rows]
    return {"documents": len({r["file"] for r in rows}), "reasons": len(lines), "list": lines}


def formations(store: Store) -> Figures:
    """Fiches formations described, and the métiers they name: resolved to a fiche métier or not."""
    described = _count(store, "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a mkg:Formation ; mkg:formationType ?t }")
    named = _count(store, "SELECT (COUNT(?o) AS ?n) WHERE { ?f mkg:associatedOccupation ?o }")
    resolved = _count(
        store,
        """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?f mkg:associatedOccupation ?o .
        ?o dcterms:references ?m }""",
    )
    recommended = _count(
        store,
        """SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?x mkg:recommendedFormation ?f .
        ?f mkg:formationType ?t }""",
    )
    return {
        "described": described,
        "recommended_by_a_fiche": recommended,
        "named_occupations": named,
        "resolved_to_fiche": resolved,
        "unresolved": named - resolved,
    }


def passerelles(store: Store) -> Figures:
    resolved = _count(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE {
        { ?e mkg:possibleOrigin ?t } UNION { ?e mkg:possibleEvolution ?t } }""",
    )
    to_group = _count(
        store,
        """SELECT (COUNT(?u) AS ?n) WHERE { ?e mkg:unresolvedOrigin|mkg:unresolvedEvolution ?u .
        ?u mkg:refersToGroup ?g }""",
    )
    items = [
        {"label": row["label"], "line": int(row["line"]), "emploi": row["emploi"], "emploi_iri": row["e"]}
        for row in _rows(
            store,
            """
        SELECT ?label ?line ?emploi ?e WHERE { ?e mkg:unresolvedOrigin|mkg:unresolvedEvolution ?u ; skos:prefLabel ?emploi .
            ?u skos:prefLabel ?label ; mkg:sourceLine ?line . FILTER NOT EXISTS { ?u mkg:refersToGroup ?g } }
        ORDER BY xsd:integer(?line) ?label""".replace("xsd:integer", "<http://www.w3.org/2001/XMLSchema#integer>"),
        )
    ]
    unresolved = [f"{i['label']} (line {i['line']}, {i['emploi']})" for i in items]
    return {
        "resolved_to_emploi_type": resolved,
        "resolved_to_family_or_sous_famille": to_group,
        "unresolved": len(unresolved),
        "unresolved_list": unresolved,
        "unresolved_items": items,
    }


def mentions(store: Store) -> Figures:
    by_kind = {
        row["k"].rsplit("#", 1)[-1]: {"total": int(row["n"]), "linked": int(row["l"])}
        for row in _rows(
            store,
            """
        SELECT ?k (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?linked) AS ?l) WHERE {
            ?m a mkg:Mention ; mkg:mentionKind ?k .
            OPTIONAL { ?m dcterms:references ?x . ?link owl:annotatedSource ?m ; sssom:confidence ?c . BIND(?m AS ?linked) }
        } GROUP BY ?k ORDER BY ?k""",
        )
    }
    items = [
        {
            "text": row["text"],
            "begin": int(row["b"]),
            "end": int(row["e"]),
            "kind": row["k"].rsplit("#", 1)[-1],
            "iri": row["m"],
        }
        for row in _rows(
            store,
            """
        SELECT ?text ?b ?e ?k ?m WHERE { ?m a mkg:Mention ; nif:anchorOf ?text ; nif:beginIndex ?b ; nif:endIndex ?e ;
            mkg:mentionKind ?k . FILTER NOT EXISTS { ?m dcterms:references ?x } }
        ORDER BY ?b""",
        )
    ]
    unmatched = [f"{i['text']} [{i['begin']}:{i['end']}] ({i['kind']})" for i in items]
    total = sum(v["total"] for v in by_kind.values())
    linked = sum(v["linked"] for v in by_kind.values())
    return {
        "total": total,
        "linked": linked,
        "share_linked": Coverage(total, linked).share,
        "by_kind": by_kind,
        "unmatched": len(unmatched),
        "unmatched_list": unmatched,
        "unmatched_items": items,
    }
