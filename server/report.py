"""The ``/report`` blueprint: the quality report of the build being served, as HTML or JSON.

The figures are ``kg.report.quality_report`` over the served store (SPARQL), computed once
per build and kept with that build's handle, so the page is always true of what ``/sparql``
answers and costs nothing after the first request. ``?format=json`` or ``Accept:
application/json`` gives the same data as ``metiers-kg report --format json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, Response, request
from markupsafe import escape

from kg.report import QualityReport, quality_report
from server.services import services

bp = Blueprint("report", __name__)
MEMO_KEY = "quality_report"


def _report() -> QualityReport:
    handle = services().stores.current()
    report = handle.memo.get(MEMO_KEY)
    if report is None:
        report = quality_report(handle.store)
        handle.memo[MEMO_KEY] = report
    return report  # type: ignore[return-value]


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json"


@bp.route("/report", methods=["GET"])
def report() -> Response:
    data = _report()
    if _wants_json():
        body = json.dumps(asdict(data), ensure_ascii=False, indent=2, sort_keys=True)
        response = Response(body, mimetype="application/json")
    else:
        response = Response(render_html(data), mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def _row(cells: list[object], head: bool = False) -> str:
    tag = "th" if head else "td"
    return "<tr>" + "".join(f"<{tag}>{escape(str(c))}</{tag}>" for c in cells) + "</tr>"


def _table(headers: list[str], rows: list[list[object]]) -> str:
    return "<table>" + _row(headers, head=True) + "".join(_row(r) for r in rows) + "</table>"


def _items(values: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in values) + "</ul>" if values else "<p>none</p>"


def render_html(r: QualityReport) -> str:
    """A plain, dependency-free page: one table per section of the report."""
    rome = _table(["", "total", "ROME link", "explicit reason", "neither", "covered %"],
                  [[k, v["total"], v["with_rome_link"], v["with_explicit_reason"], v["without_either"],
                    v["share_link_or_reason"]] for k, v in r.rome.items()])
    match_types = list(next(iter(r.esco.values()))["by_match_type"]) if r.esco else []
    esco = _table(["", "total", "matched", "matched %", *match_types, "no ESCO equivalent (reviewed)"],
                  [[k, v["total"], v["matched"], v["share_matched"], *v["by_match_type"].values(),
                    v["reviewed_no_esco_equivalent"]] for k, v in r.esco.items()])
    justification = _table(["", "justification", "count"],
                           [[k, j, n] for k, v in r.esco.items() for j, n in v["by_justification"].items()])
    unmatched = "".join(f"<h3>Unmatched {escape(k)} ({len(v['unmatched'])})</h3>{_items(v['unmatched'])}"
                        for k, v in r.esco.items())
    isco = r.isco
    mappings = _table(["by predicate", "count"], [[k, v] for k, v in r.mappings["by_predicate"].items()]) + \
        _table(["by justification", "count"], [[k, v] for k, v in r.mappings["by_justification"].items()])
    mentions = _table(["kind", "linked", "total"], [[k, v["linked"], v["total"]] for k, v in r.mentions["by_kind"].items()])
    p = r.passerelles
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>métiers-kg — quality report</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{border:1px solid #bbb;padding:.25em .6em;text-align:left}}th{{background:#eee}}</style></head>
<body><h1>Quality report</h1>
<p>Computed by SPARQL over the store being served (<a href="/sparql">/sparql</a>);
also as <a href="?format=json">JSON</a>.</p>
<h2>ROME</h2>{rome}
<h2>ESCO occupations</h2>{esco}{justification}{unmatched}
<h2>ISCO-08</h2><p>With an ISCO-08 group: {escape(", ".join(f"{k} {v}" for k, v in isco["with_isco_group"].items()))}.
{isco["isco_links"]} ISCO links, {isco["consistent_with_esco"]} consistent with their ESCO match,
{isco["inconsistent"]} inconsistent.</p>
<h2>Skills</h2><p>{r.skills["skills"]} skill concepts (deduplicated) for {r.skills["phrases"]} emploi-type/skill pairs;
{r.skills["with_esco_skill"]} matched with an ESCO skill.</p>
<h2>Mappings</h2>{mappings}<p>Rejected candidates kept for audit: {r.mappings["rejected_candidates"]["count"]}.
Cross-source links (fiche → emploi-type): {escape(", ".join(f"{k} {v}" for k, v in r.cross_source.items()) or "none")}.</p>
<h2>Passerelles</h2><p>{p["resolved_to_emploi_type"]} resolved to an emploi-type,
{p["resolved_to_family_or_sous_famille"]} to a family or sous-famille, {p["unresolved"]} unresolved:</p>
{_items(p["unresolved_list"])}
<h2>Testimony mentions</h2><p>{r.mentions["linked"]} of {r.mentions["total"]} linked ({r.mentions["share_linked"]} %).</p>
{mentions}<h3>Unmatched mentions</h3>{_items(r.mentions["unmatched_list"])}
<h2>SHACL</h2><p>Warnings: {r.shacl.get("Warning", 0)}; infos: {r.shacl.get("Info", 0)}.</p>
</body></html>
"""
