"""The ROME views of a resource page: a fiche as France Travail's own fiche shows it, and where an item is used.

Both are read from the same description triples as the rest of the page (``server.linked_data.describe``), so
the page still shows exactly what its CONSTRUCT returns: a fiche's links and texts, the
``skos:broader`` concepts of what it links to (macro-compétence of a savoir-faire, category of
a savoir, type of a contexte), its coeur-de-métier and mobilité nodes, the occupations of ours
filed under it; an item's fiches and their coeur-de-métier nodes. Groups and entries are
sorted by label (the export gives no order but the mobilités' rank, which is kept).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.vocab import MKG, SKOS

if TYPE_CHECKING:  # server.linked_data.describe builds these views: only its types are needed here
    from server.linked_data.describe import Graph, PageBuilder, Term

TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BROADER, NARROWER, DEFINITION = str(SKOS.broader), str(SKOS.narrower), str(SKOS.definition)
ROME_FICHE, APPELLATION = str(MKG.RomeFiche), str(MKG.RomeAppellation)
ITEM_CLASSES = frozenset(
    str(c) for c in (MKG.RomeCompetence, MKG.RomeMacroCompetence, MKG.RomeSavoir, MKG.RomeContexte, MKG.RomeAppellation)
)
USES = {
    str(MKG.savoirFaire): "savoir-faire",
    str(MKG.savoirEtre): "savoir-être",
    str(MKG.savoir): "savoir",
    str(MKG.contexteTravail): "contexte de travail",
}
# What the fiche view shows: the generic "Description" table leaves these out.
FICHE_SHOWN = frozenset(
    [
        *USES,
        *(
            str(p)
            for p in (
                MKG.mobilite,
                MKG.riasecMajeur,
                MKG.riasecMineur,
                MKG.secteurActivite,
                MKG.secteurActivitePrincipal,
                MKG.principalAppellation,
                MKG.accesMetier,
                SKOS.definition,
                SKOS.narrower,
                MKG.centreInteret,
                MKG.centreInteretPrincipal,
                MKG.romeFiche,
            )
        ),
    ]
)
QUALIFIED = frozenset((str(MKG.CoeurDeMetier), str(MKG.Mobilite)))


@dataclass(frozen=True)
class Entry:
    """One linked concept; ``flag`` says how (coeur de métier level, principal, rarely used…)."""

    term: Term
    flag: str = ""


@dataclass(frozen=True)
class Group:
    term: Term | None  # None: entries without a broader concept in the description
    entries: tuple[Entry, ...]
    groups: tuple[Group, ...] = ()

    @property
    def count(self) -> int:
        return len(self.entries) + sum(g.count for g in self.groups)


@dataclass(frozen=True)
class FicheView:
    """A ROME fiche in the order of France Travail's own fiche."""

    definition: tuple[str, ...]
    access: tuple[str, ...]
    appellations: tuple[Entry, ...]
    savoir_faire: tuple[Group, ...]
    savoir_etre: tuple[Entry, ...]
    savoirs: tuple[Group, ...]
    contextes: tuple[Group, ...]
    mobilities: tuple[Entry, ...]  # in France Travail's order, ``flag`` is the rank
    mobilities_from: tuple[Entry, ...]
    riasec: tuple[Entry, ...]  # major, then minor
    secteurs: tuple[Entry, ...]
    interests: tuple[Entry, ...]
    fiches_metiers: tuple[Entry, ...]
    emplois_types: tuple[Entry, ...]

    def count(self, groups: tuple[Group, ...]) -> int:
        return sum(g.count for g in groups)


@dataclass(frozen=True)
class Usage:
    """Where a ROME item is used: fiches (with the link's kind and coeur-de-métier level), our titles."""

    fiches: tuple[tuple[str, tuple[Entry, ...]], ...]  # (kind of link, fiches), in USES order
    linked_titles: tuple[Entry, ...] = ()


class RomeViews:
    def __init__(self, graph: Graph, build: PageBuilder, iri: str) -> None:
        self.graph, self.build, self.iri = graph, build, iri
        self.out = graph.out.get(iri, {})
        self.into = graph.into.get(iri, {})

    def objects(self, subject: str, predicate: str) -> list[str]:
        return sorted(
            {o.value for o in self.graph.out.get(subject, {}).get(predicate, []) if isinstance(o, ox.NamedNode)}
        )

    def types(self, subject: str) -> set[str]:
        return set(self.objects(subject, TYPE))

    def sort(self, entries: list[Entry]) -> tuple[Entry, ...]:
        return tuple(sorted(entries, key=lambda e: (e.term.text.lower(), e.term.iri or "")))

    def entry(self, iri: str, flag: str = "") -> Entry:
        return Entry(self.build.iri_term(iri), flag)

    def coeur(self) -> dict[str, str]:
        """Item IRI → coeur-de-métier level label, from the fiche's qualified links."""
        found = {}
        for node in self.into.get(str(MKG.linkFiche), []):
            if str(MKG.CoeurDeMetier) in self.types(node):
                for item in self.objects(node, str(MKG.linkItem)):
                    levels = self.objects(node, str(MKG.coherence))
                    found[item] = f"cœur de métier ({self.graph.label(levels[0])})" if levels else ""
        return found

    def broader_of(self, items: list[str]) -> dict[str | None, list[str]]:
        by_parent: dict[str | None, list[str]] = defaultdict(list)
        for item in items:
            parents = self.objects(item, BROADER)
            by_parent[parents[0] if parents else None].append(item)
        return by_parent

    def group(self, head: str | None, entries: tuple[Entry, ...], groups: tuple[Group, ...] = ()) -> Group:
        return Group(self.build.iri_term(head) if head else None, entries, tuple(sorted(groups, key=group_key)))

    def grouped(self, items: list[str], flags: dict[str, str]) -> tuple[Group, ...]:
        """Items under their broader concept (contexte → type, compétence → macro-compétence)."""
        return tuple(
            sorted(
                (
                    self.group(parent, self.sort([self.entry(m, flags.get(m, "")) for m in members]))
                    for parent, members in self.broader_of(items).items()
                ),
                key=group_key,
            )
        )

    def grouped_twice(self, items: list[str], flags: dict[str, str]) -> tuple[Group, ...]:
        """Items under their broader concept, under its own (savoir → sub-category → category)."""
        by_top: dict[str | None, list[Group]] = defaultdict(list)
        for sub, members in self.broader_of(items).items():
            tops = self.objects(sub, BROADER) if sub else []
            by_top[tops[0] if tops else None].append(
                self.group(sub, self.sort([self.entry(m, flags.get(m, "")) for m in members]))
            )
        return tuple(sorted((self.group(top, (), tuple(groups)) for top, groups in by_top.items()), key=group_key))

    def savoir_faire(self, flags: dict[str, str]) -> tuple[Group, ...]:
        """Compétences under their macro-compétence; a macro-compétence linked itself heads its group."""
        items = self.objects(self.iri, str(MKG.savoirFaire))
        macros = {i for i in items if str(MKG.RomeMacroCompetence) in self.types(i)}
        groups = {g.term.iri if g.term else None: g for g in self.grouped(sorted(set(items) - macros), flags)}
        for macro in macros:  # a macro-compétence linked itself is an entry of its own group
            entries = groups[macro].entries if macro in groups else ()
            groups[macro] = self.group(macro, (self.entry(macro, flags.get(macro, "")),) + entries)
        return tuple(sorted(groups.values(), key=group_key))

    def texts(self, predicate: str) -> tuple[str, ...]:
        return tuple(line for lit in self.graph.literals(self.iri, predicate) for line in lit.value.split("\n") if line)

    def fiche(self) -> FicheView:
        flags = self.coeur()
        principal = set(self.objects(self.iri, str(MKG.principalAppellation)))
        appellations = self.objects(self.iri, NARROWER)  # a fiche's narrower concepts are its appellations
        mobility_nodes = [n for n in self.into.get(str(MKG.linkFiche), []) if str(MKG.Mobilite) in self.types(n)]
        ranked = sorted(
            (self.build.order(n)[0], self.objects(n, str(MKG.mobiliteCible))[0])
            for n in mobility_nodes
            if self.objects(n, str(MKG.mobiliteCible))
        )
        ours = self.into.get(str(MKG.romeFiche), [])
        return FicheView(
            definition=self.texts(DEFINITION),
            access=self.texts(str(MKG.accesMetier)),
            appellations=tuple(
                sorted(
                    (self.entry(a, "principale" if a in principal else "") for a in appellations),
                    key=lambda e: (e.flag != "principale", e.term.text.lower()),
                )
            ),
            savoir_faire=self.savoir_faire(flags),
            savoir_etre=self.sort(
                [self.entry(i, flags.get(i, "")) for i in self.objects(self.iri, str(MKG.savoirEtre))]
            ),
            savoirs=self.grouped_twice(self.objects(self.iri, str(MKG.savoir)), flags),
            contextes=self.grouped(self.objects(self.iri, str(MKG.contexteTravail)), flags),
            mobilities=tuple(self.entry(target, str(rank)) for rank, target in ranked),
            mobilities_from=self.sort([self.entry(s) for s in set(self.into.get(str(MKG.mobilite), []))]),
            riasec=tuple(
                self.entry(r, flag)
                for p, flag in ((MKG.riasecMajeur, "majeur"), (MKG.riasecMineur, "mineur"))
                for r in self.objects(self.iri, str(p))
            ),
            secteurs=self.flagged(str(MKG.secteurActivite), str(MKG.secteurActivitePrincipal)),
            interests=self.flagged(str(MKG.centreInteret), str(MKG.centreInteretPrincipal)),
            fiches_metiers=self.sort([self.entry(s) for s in ours if str(MKG.FicheMetier) in self.types(s)]),
            emplois_types=self.sort([self.entry(s) for s in ours if str(MKG.EmploiType) in self.types(s)]),
        )

    def flagged(self, predicate: str, principal: str) -> tuple[Entry, ...]:
        main = set(self.objects(self.iri, principal))
        return tuple(
            sorted(
                (self.entry(o, "principal" if o in main else "") for o in self.objects(self.iri, predicate)),
                key=lambda e: (e.flag == "", e.term.text.lower()),
            )
        )

    def usage(self) -> Usage:
        """The fiches that use this item, by kind of link, with their coeur-de-métier level; for an appellation, our titles."""
        levels = {}
        for node in self.into.get(str(MKG.linkItem), []):
            for fiche in self.objects(node, str(MKG.linkFiche)):
                found = self.objects(node, str(MKG.coherence))
                levels[fiche] = f"cœur de métier ({self.graph.label(found[0])})" if found else ""
        by_kind = [
            (kind, self.sort([self.entry(f, levels.get(f, "")) for f in set(self.into.get(predicate, []))]))
            for predicate, kind in USES.items()
        ]
        if APPELLATION in self.types(self.iri):
            by_kind.append(("appellation", self.sort([self.entry(f) for f in self.objects(self.iri, BROADER)])))
        titles = self.sort([self.entry(s) for s in set(self.into.get(str(SKOS.exactMatch), []))])
        return Usage(tuple((k, e) for k, e in by_kind if e), titles if APPELLATION in self.types(self.iri) else ())


def group_key(group: Group) -> tuple[bool, str]:
    return (group.term is None, group.term.text.lower() if group.term else "")


def rome_views(graph: Graph, build: PageBuilder, iri: str) -> tuple[FicheView | None, Usage | None]:
    """The fiche view of a ROME fiche, the usage of a ROME item (None for anything else)."""
    views = RomeViews(graph, build, iri)
    types = views.types(iri)
    if ROME_FICHE in types:
        return views.fiche(), None
    if types & ITEM_CLASSES:
        usage = views.usage()
        return None, usage if usage.fiches or usage.linked_titles else None
    return None, None
