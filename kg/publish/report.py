"""The quality report: coverage of the alignment, computed by SPARQL over a store, so it is true of what is served.

``quality_report(store)`` returns plain data (a ``QualityReport``); ``metiers-kg report``
prints it as text or JSON and the server's ``/report`` page renders the same data. Every
figure is one SPARQL query of kg.publish.report_queries, readable on its own, so an auditor
can run it on the endpoint and get the same number.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from kg.publish.report_queries import (
    OCCUPATION_CLASSES,
    Figures,
    cross_source_links,
    esco_matches,
    formations,
    isco_groups,
    mapping_counts,
    mentions,
    passerelles,
    rejections,
    rome_coverage,
    rome_export_counts,
    shacl_severities,
    skill_counts,
)
from kg.store import Store


@dataclass
class QualityReport:
    rome: dict[str, Figures] = field(default_factory=dict)  # fiches/emploi_types → with_code, with_reason…
    esco: dict[str, Figures] = field(default_factory=dict)  # per class: matched, by type, justified…
    isco: Figures = field(default_factory=dict)
    skills: dict[str, int] = field(default_factory=dict)
    mappings: dict[str, dict[str, int]] = field(default_factory=dict)  # by predicate and by justification
    cross_source: dict[str, int] = field(default_factory=dict)
    passerelles: Figures = field(default_factory=dict)
    mentions: Figures = field(default_factory=dict)
    shacl: dict[str, int] = field(default_factory=dict)
    rejections: Figures = field(default_factory=dict)  # documents a --keep-going build left out
    formations: Figures = field(default_factory=dict)  # fiches formations and the métiers they name
    rome_export: dict[str, int] = field(default_factory=dict)  # the ROME graph, its official ESCO mapping, our links

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)


def quality_report(store: Store) -> QualityReport:
    """Every figure of the report, each from one SPARQL query over ``store`` (kg.publish.report_queries)."""
    report = QualityReport()
    report.rome_export = rome_export_counts(store)
    report.rome = {name: rome_coverage(store, cls) for name, cls in list(OCCUPATION_CLASSES.items())[:2]}
    report.esco = {name: esco_matches(store, cls) for name, cls in OCCUPATION_CLASSES.items()}
    report.isco = isco_groups(store)
    report.skills = skill_counts(store)
    report.mappings = mapping_counts(store)
    report.cross_source = cross_source_links(store)
    report.passerelles = passerelles(store)
    report.mentions = mentions(store)
    report.shacl = shacl_severities(store)
    report.rejections = rejections(store)
    report.formations = formations(store)
    return report


def render_text(report: QualityReport) -> str:
    """The report as a person reads it in a terminal."""
    out = ["métiers-kg quality report (computed by SPARQL over the store)", ""]
    out += _alignment_lines(report)
    out += _document_lines(report)
    return "\n".join(out) + "\n"


def _alignment_lines(report: QualityReport) -> list[str]:
    """ROME, ESCO and ISCO coverage, skills, mappings and cross-source links."""
    out = []
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
    return out


def _document_lines(report: QualityReport) -> list[str]:
    """What the documents leave unresolved: passerelles, mentions, SHACL warnings, formations, rejections."""
    p = report.passerelles
    out = [
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
    left_out = report.rejections
    out += [
        "",
        f"Rejected  {left_out['documents']} document(s) left out of the build ({left_out['reasons']} reason(s))",
    ]
    out += [f"  {line}" for line in left_out["list"]]
    return out


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
