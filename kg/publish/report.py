"""The quality report: coverage of the alignment, computed by SPARQL over a store, so it is true of what is served.

``quality_report(store)`` returns plain data (a ``QualityReport``); ``metiers-kg report``
prints it as text or JSON and the server's ``/report`` page renders the same data. Every
figure is one SPARQL query below, readable on its own, so an auditor can run it on the
endpoint and get the same number.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from kg.core.vocab import ESCO_OCCUPATION, ESCO_SKILL, ISCO, SH, SPARQL_PREFIXES

QUERY_PREFIXES = SPARQL_PREFIXES + f"PREFIX sh: <{SH}>\n"
MATCH_TYPES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
OCCUPATION_CLASSES = {"fiches": "mkg:FicheMetier", "emploi_types": "mkg:EmploiType", "appellations": "mkg:Appellation"}


@dataclass(frozen=True)
class Coverage:
    """How many of ``total`` items have the property; ``share`` in percent, one decimal."""

    total: int
    covered: int

    @property
    def share(self) -> float:
        return round(100.0 * self.covered / self.total, 1) if self.total else 0.0


@dataclass
class QualityReport:
    rome: dict[str, dict[str, int]] = field(default_factory=dict)  # fiches/emploi_types → with_code, with_reason…
    esco: dict[str, dict[str, object]] = field(default_factory=dict)  # per class: matched, by type, justified…
    isco: dict[str, object] = field(default_factory=dict)
    skills: dict[str, int] = field(default_factory=dict)
    mappings: dict[str, dict[str, int]] = field(default_factory=dict)  # by predicate and by justification
    cross_source: dict[str, int] = field(default_factory=dict)
    passerelles: dict[str, object] = field(default_factory=dict)
    mentions: dict[str, object] = field(default_factory=dict)
    shacl: dict[str, int] = field(default_factory=dict)
    rejections: dict[str, object] = field(default_factory=dict)  # documents a --keep-going build left out
    formations: dict[str, object] = field(default_factory=dict)  # fiches formations and the métiers they name
    rome_export: dict[str, int] = field(default_factory=dict)  # the ROME graph, its official ESCO mapping, our links

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)


def _rows(store: object, query: str) -> list[dict[str, str]]:
    solutions = store.query(QUERY_PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in solutions]


def _count(store: object, query: str) -> int:
    rows = _rows(store, query)
    return int(next(iter(rows[0].values()))) if rows else 0


def _rome(store: object, cls: str) -> dict[str, int]:
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


def _rome_matches(store: object, cls: str) -> dict[str, int]:
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


def _esco(store: object, cls: str) -> dict[str, object]:
    """ESCO occupation matches of one class: any positive match with a justified mapping node."""
    base = f"""?o a {cls} . ?m a mkg:Mapping ; owl:annotatedSource ?o ; owl:annotatedProperty ?p ;
               owl:annotatedTarget ?t ; sssom:mapping_justification ?j ; rdfs:comment ?why .
               ?o ?p ?t . FILTER(STRSTARTS(STR(?t), "{ESCO_OCCUPATION}"))"""
    total = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a {cls} }}")
    matched = _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {base} }}")
    by_type = {
        row["p"].rsplit("#", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            f"""
        SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {base} }} GROUP BY ?p""",
        )
    }
    by_justification = {
        row["j"].rsplit("/", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            f"""
        SELECT ?j (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {base} }} GROUP BY ?j""",
        )
    }
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


def _isco(store: object) -> dict[str, object]:
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


def _mappings(store: object) -> dict[str, dict[str, int]]:
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


def _rome_export(store: object) -> dict[str, int]:
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


def quality_report(store: object) -> QualityReport:
    """Every figure of the report, each from one SPARQL query over ``store`` (a kg.store.Store)."""
    report = QualityReport()
    report.rome_export = _rome_export(store)
    report.rome = {name: _rome(store, cls) for name, cls in list(OCCUPATION_CLASSES.items())[:2]}
    report.esco = {name: _esco(store, cls) for name, cls in OCCUPATION_CLASSES.items()}
    report.isco = _isco(store)
    report.skills = {
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
    report.mappings = _mappings(store)
    report.cross_source = {
        row["p"].rsplit("#", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            """
        SELECT ?p (COUNT(?m) AS ?n) WHERE { ?m a mkg:Mapping ; owl:annotatedSource ?f ; owl:annotatedProperty ?p ;
            owl:annotatedTarget ?e . ?f a mkg:FicheMetier . ?e a mkg:EmploiType } GROUP BY ?p ORDER BY ?p""",
        )
    }
    report.passerelles = _passerelles(store)
    report.mentions = _mentions(store)
    report.shacl = {
        row["s"].rsplit("#", 1)[-1]: int(row["n"])
        for row in _rows(
            store,
            """
        SELECT ?s (COUNT(?r) AS ?n) WHERE { ?r a sh:ValidationResult ; sh:resultSeverity ?s } GROUP BY ?s""",
        )
    }
    report.shacl.setdefault("Warning", 0)
    report.rejections = _rejections(store)
    report.formations = _formations(store)
    return report


def _rejections(store: object) -> dict[str, object]:
    """The rejection report of the build, as stored in its validation graph (FILE:LINE: reason)."""
    rows = _rows(
        store,
        """SELECT ?file ?line ?why WHERE { ?r a mkg:RejectedDocument ; dcterms:source ?file ;
        mkg:rejectionReason ?why . OPTIONAL { ?r mkg:sourceLine ?line } }
        ORDER BY ?file <http://www.w3.org/2001/XMLSchema#integer>(?line) ?why""",
    )
    lines = [f"{r['file']}:{r['line']}: {r['why']}" if r["line"] else f"{r['file']}: {r['why']}" for r in rows]
    return {"documents": len({r["file"] for r in rows}), "reasons": len(lines), "list": lines}


def _formations(store: object) -> dict[str, object]:
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


def _passerelles(store: object) -> dict[str, object]:
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


def _mentions(store: object) -> dict[str, object]:
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


def render_text(report: QualityReport) -> str:
    """The report as a person reads it in a terminal."""
    out = ["métiers-kg quality report (computed by SPARQL over the store)", ""]
    for name, rome in report.rome.items():
        out.append(
            f"ROME  {name}: {rome['with_rome_link']}/{rome['total']} with a ROME link, "
            f"{rome['with_explicit_reason']} with an explicit reason for none "
            f"({rome['share_link_or_reason']}% covered), {rome['without_either']} without either"
        )
        matched = rome["without_code_matched_to_rome_fiche"]
        out.append(
            f"      without a ROME code: {matched['total']} tied to a ROME fiche by the alignment"
            + "".join(f", {k} {v}" for k, v in matched.items() if k != "total")
        )
    r = report.rome_export
    if r:
        out.append(
            f"ROME  export: {r['fiches']} fiches, {r['appellations']} appellations; official ESCO mapping for "
            f"{r['fiches_with_official_esco_mapping']} fiches and {r['appellations_with_official_esco_mapping']} "
            f"appellations; {r['our_titles_linked_to_rome_appellations']} of our titles linked to ROME "
            f"appellations ({r['our_links_to_rome_appellations']} links; "
            f"{r['rejected_rome_appellation_candidates']} equal titles rejected, their fiche of another trade)"
        )
    out.append("")
    for name, esco in report.esco.items():
        types = ", ".join(f"{k} {v}" for k, v in esco["by_match_type"].items())
        just = ", ".join(f"{k} {v}" for k, v in esco["by_justification"].items())
        out.append(f"ESCO  {name}: {esco['matched']}/{esco['total']} matched ({esco['share_matched']}%) — {types}")
        out.append(f"      justification: {just}; reviewed, no ESCO equivalent: {esco['reviewed_no_esco_equivalent']}")
        if esco["unmatched"] and name != "appellations":
            out.append(f"      unmatched: {'; '.join(esco['unmatched'])}")
        elif esco["unmatched"]:
            out.append(f"      unmatched: {len(esco['unmatched'])} appellation(s)")
    isco = report.isco
    groups = ", ".join(f"{k} {v}" for k, v in isco["with_isco_group"].items())
    out += [
        "",
        f"ISCO  with an ISCO-08 group: {groups}; {isco['isco_links']} links, "
        f"{isco['consistent_with_esco']} consistent with their ESCO match, {isco['inconsistent']} inconsistent",
        f"Skills  {report.skills['skills']} skill concepts for {report.skills['phrases']} emploi-type/skill pairs; "
        f"{report.skills['with_esco_skill']} matched with an ESCO skill; savoir-faire matched with a ROME "
        f"compétence {report.skills['with_rome_competence']}, connaissances with a ROME savoir "
        f"{report.skills['with_rome_savoir']} (candidates for review: metiers-kg align)",
        f"Mappings  by predicate: {_pairs(report.mappings['by_predicate'])}",
        f"          by justification: {_pairs(report.mappings['by_justification'])}; "
        f"rejected candidates: {report.mappings['rejected_candidates']['count']}",
        f"Cross-source links (fiche → emploi-type): {_pairs(report.cross_source) or 'none'}",
    ]
    p = report.passerelles
    out += [
        "",
        f"Passerelles  {p['resolved_to_emploi_type']} to an emploi-type, {p['resolved_to_family_or_sous_famille']}"
        f" to a family or sous-famille, {p['unresolved']} unresolved:",
    ]
    out += [f"  - {item}" for item in p["unresolved_list"]]
    m = report.mentions
    out += [
        "",
        f"Mentions  {m['linked']}/{m['total']} linked ({m['share_linked']}%); "
        + ", ".join(f"{k} {v['linked']}/{v['total']}" for k, v in m["by_kind"].items()),
        f"  unmatched ({m['unmatched']}): {'; '.join(m['unmatched_list'])}",
        "",
        f"SHACL  warnings: {report.shacl.get('Warning', 0)}, infos: {report.shacl.get('Info', 0)}",
    ]
    f = report.formations
    out += [
        "",
        f"Formations  {f['described']} described, {f['recommended_by_a_fiche']} of them recommended by a fiche; "
        f"{f['named_occupations']} métiers named, {f['resolved_to_fiche']} resolved to a fiche métier, "
        f"{f['unresolved']} unresolved",
    ]
    r = report.rejections
    out += ["", f"Rejected  {r['documents']} document(s) left out of the build ({r['reasons']} reason(s))"]
    out += [f"  {line}" for line in r["list"]]
    return "\n".join(out) + "\n"


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
