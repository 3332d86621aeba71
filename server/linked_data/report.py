"""The ``/report`` blueprint: the quality report of the build being served, as HTML or JSON.

The figures are ``kg.publish.report.quality_report`` over the served store (SPARQL), computed once
per build and kept with that build's handle, so the page is always true of what ``/sparql``
answers and costs nothing after the first request. ``?format=json`` or ``Accept:
application/json`` gives the same data as ``metiers-kg report --format json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, Response, render_template, request

from kg.publish.report import QualityReport, quality_report
from server.linked_data.answers import make_linker
from server.runtime.services import services

bp = Blueprint("report", __name__)
MEMO_KEY = "quality_report"


def _report() -> QualityReport:
    handle = services().stores.current()
    return handle.remember(MEMO_KEY, lambda: quality_report(handle.store))


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


NAMES = {"fiches": "Fiches métiers", "emploi_types": "Emplois-types", "appellations": "Appellations"}
WORDS = {  # the report's keys (SKOS match types, SEMAPV justifications, mention kinds) in French
    "exactMatch": "exacte",
    "closeMatch": "proche",
    "broadMatch": "plus large",
    "narrowMatch": "plus étroite",
    "relatedMatch": "associée",
    "ManualMappingCuration": "revue manuelle",
    "LexicalMatching": "correspondance lexicale",
    "MappingChaining": "chaînage de correspondances",
    "occupationMention": "métier",
    "organisationMention": "organisation",
    "diplomaMention": "diplôme",
    "termMention": "terme",
}


def render_html(r: QualityReport) -> str:
    """The report in the site's layout, in French, every listed item linked to its page."""
    match_types = list(next(iter(r.esco.values()))["by_match_type"]) if r.esco else []
    link = make_linker(services().config.base_iri, request.script_root)
    return render_template("report.html", r=r, names=NAMES, labels=WORDS, match_types=match_types, link=link)
