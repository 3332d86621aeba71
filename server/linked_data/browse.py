"""Browse pages: ``/metier/``, ``/formation/``, ``/emploi-type/``, ``/rome/`` — alphabetical lists with counts.

What ONISEP's own site gives a reader looking for a métier or a formation: every one of them
by name, A to Z, with how many there are, each linking to its page. One SPARQL query per list
over the served store, computed once per build (kept with the build's handle, as ``/report``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import Blueprint, abort, current_app, render_template, request

from kg.core.text import fold
from kg.core.vocab import MKG_NS, SPARQL_PREFIXES
from kg.publish.dataset import HOLDINGS
from kg.store import Store
from server.runtime.services import services

bp = Blueprint("browse", __name__)

# kind → (class, page title, what the count column counts, the triple pattern counted for ?s)
KINDS = {
    "metier": ("mkg:FicheMetier", "Fiches métiers", "formations recommandées", "?s mkg:recommendedFormation ?x"),
    "formation": (
        "mkg:Formation",
        "Formations",
        "fiches métiers qui la recommandent",
        "?x mkg:recommendedFormation ?s",
    ),
    "emploi-type": ("mkg:EmploiType", "Emplois-types", "codes ROME", "?s mkg:romeFiche ?x"),
    "rome": ("mkg:RomeFiche", "Fiches ROME", "métiers et emplois-types", "?x mkg:romeFiche ?s"),
}


@dataclass(frozen=True)
class Entry:
    label: str
    path: str  # relative to the base: what /<path> dereferences
    count: int


def _entries(kind: str) -> list[Entry]:
    handle = services().stores.current()
    base = services().config.base_iri
    return handle.remember(f"browse:{kind}", lambda: _read_entries(handle.store, kind, base))


def _read_entries(store: Store, kind: str, base: str) -> list[Entry]:
    cls, _title, _counted, pattern = KINDS[kind]
    rows = store.select(
        SPARQL_PREFIXES
        + f"""SELECT ?s (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        ?s a {cls} ; skos:prefLabel ?l . FILTER(lang(?l) = "fr") OPTIONAL {{ {pattern} }} }} GROUP BY ?s"""
    )
    entries = [
        Entry(r["label"].value, r["s"].value[len(base) :], int(r["n"].value))
        for r in rows
        if r["s"].value.startswith(base)
    ]
    return sorted(entries, key=lambda e: (fold(e.label), e.path))


BROWSABLE = {cls: kind for kind, (cls, *_rest) in KINDS.items()}


@dataclass(frozen=True)
class Holding:
    label: str
    count: int
    path: str | None  # its browse page (a kind of KINDS), if it has one

    @property
    def figure(self) -> str:
        return f"{self.count:,}".replace(",", "\u202f")  # French thousands separator (narrow no-break space)


def holdings() -> tuple[list[Holding], Holding]:
    """How many resources of each main kind the served graph holds, and how many fiches formations
    describe a formation (once per build)."""
    handle = services().stores.current()
    return handle.remember("holdings", lambda: _count_holdings(handle.store))


def _count_holdings(store: Store) -> tuple[list[Holding], Holding]:
    values = " ".join(f"<{cls}>" for cls, *_labels in HOLDINGS)  # what the dataset's description counts
    rows = store.select(
        SPARQL_PREFIXES
        + f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        VALUES ?c {{ {values} }} ?s a ?c }} GROUP BY ?c"""
    )
    counts = {r["c"].value: int(r["n"].value) for r in rows}
    found = [
        Holding(
            one if counts.get(str(cls), 0) == 1 else many,
            counts.get(str(cls), 0),
            BROWSABLE.get("mkg:" + str(cls).removeprefix(MKG_NS)),
        )
        for cls, (one, many), _english in HOLDINGS
    ]
    described = next(
        iter(
            store.select(
                SPARQL_PREFIXES
                + """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s a mkg:Formation ; mkg:formationType ?t }"""
            )
        )
    )["n"].value
    return [h for h in found if h.count], Holding("fiches formations", int(described), None)


def _initial(entry: Entry) -> str:
    first = fold(entry.label)[:1].upper()
    return first if first.isalpha() else "#"


@bp.route("/<any(metier, formation, 'emploi-type', rome):kind>/", methods=["GET"], strict_slashes=False)
def browse(kind: str):  # noqa: ANN201 -- a page, or the resource view's answer
    if not request.path.endswith("/"):
        # Without the slash it is an IRI of the graph (``<base>rome`` is the ROME scheme): dereference it,
        # rather than let the router redirect it here.
        return current_app.view_functions["resources.resource"](path=kind)
    if kind not in KINDS:
        abort(404)
    entries = _entries(kind)
    letters = [(letter, list(group)) for letter, group in groupby(entries, key=_initial)]
    _cls, title, counted, _pattern = KINDS[kind]
    return render_template(
        "browse.html",
        title=title,
        counted=counted,
        total=len(entries),
        letters=letters,
        kinds=[(k, v[1]) for k, v in KINDS.items()],
        current=kind,
    )
