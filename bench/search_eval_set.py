"""The evaluation set of the name index, made from the data without leaking the answers into the index.

Held out: one ROME appellation in five (by a hash of its code OGR, among fiches with at least three
appellations) and, for one ESCO occupation in five (by a hash of its URI), one French alternative label
that is not merely a gender form of its preferred label. The index the queries run against is built
*without* them: the held-out appellations are neither indexed themselves nor as names of their fiche,
and the held-out ESCO labels are removed from their occupation. Each held-out title is then queried as
people write titles: as it is, each gender form, the short label, without accents in capitals, with the
stop words dropped, with the head noun moved to the end, with one typo, cut to its first two words,
and with an abbreviation (``kg.search.abbreviations``: that variant tests the abbreviation table
against itself, and is reported apart). The answer of an appellation is its fiche (and, through the
official ESCO–ROME mapping, its ``exactMatch`` ESCO occupation); of an ESCO label, its occupation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.search.abbreviations import COMMON
from kg.search.names import Entity, all_entities
from kg.search.score import STOPWORDS, fold, variants
from kg.sources.rome import gendered_forms
from kg.store import Store

HOLD_OUT = 5  # one in HOLD_OUT
FICHES = """PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?appellation ?fiche ?label ?short WHERE { ?appellation a mkg:RomeAppellation ; skos:broader ?fiche ;
  skos:prefLabel ?label . ?fiche a mkg:RomeFiche OPTIONAL { ?appellation mkg:shortLabel ?short } }"""
CROSSWALK = """PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?appellation ?esco WHERE { ?m a mkg:CrosswalkMapping ; owl:annotatedSource ?appellation ;
  owl:annotatedProperty <http://www.w3.org/2004/02/skos/core#exactMatch> ; owl:annotatedTarget ?esco }"""


@dataclass(frozen=True)
class Case:
    task: str  # "title → ROME fiche", "title → ESCO occupation"
    variant: str  # how the title was written
    query: str
    answer: str  # the IRI expected first


def _held(key: str) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % HOLD_OUT == 0


def _typo(text: str) -> str | None:
    """One deterministic typo in the longest word: two letters swapped, or one dropped."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[longest]
    if len(word) < 5:
        return None
    at = 1 + int(hashlib.sha256(text.encode()).hexdigest(), 16) % (len(word) - 2)
    words[longest] = (word[:at] + word[at + 1] + word[at] + word[at + 2 :]) if at % 2 else (word[:at] + word[at + 1 :])
    return " ".join(words)


def _plain_capitals(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()


def _abbreviated(folded: str) -> str | None:
    for short, long in sorted(COMMON.items(), key=lambda item: (-len(item[1]), item[0])):
        if re.search(rf"\b{long}\b", folded):
            return re.sub(rf"\b{long}\b", short.upper() if len(short) <= 4 else short, folded, count=1)
    return None


def written_forms(label: str, short: str | None) -> Iterator[tuple[str, str]]:
    """(variant, query) for one held-out title."""
    forms = gendered_forms(label)
    masculine, feminine = forms if forms else (label, None)
    yield "as written", label
    if feminine:
        yield "masculine form", masculine
        yield "feminine form", feminine
    if short and short != label:
        yield "short label", short
    yield "no accents, capitals", _plain_capitals(masculine)
    words = fold(masculine).split()
    content = [w for w in words if w not in STOPWORDS]
    if len(content) >= 2:
        if content != words:
            yield "stop words dropped", " ".join(content)
        yield "head noun last", " ".join(masculine.split()[1:] + masculine.split()[:1])
        if len(content) >= 3:
            yield "first two words", " ".join(content[:2])
    typo = _typo(masculine)
    if typo:
        yield "one typo", typo
    abbreviated = _abbreviated(fold(masculine))
    if abbreviated:
        yield "abbreviation", abbreviated


def _rome_held(fiche_of: dict[str, str]) -> set[str]:
    per_fiche: dict[str, int] = {}
    for fiche in fiche_of.values():
        per_fiche[fiche] = per_fiche.get(fiche, 0) + 1
    return {a for a, fiche in fiche_of.items() if _held(a) and per_fiche[fiche] >= 3}


def _esco_held_label(entity: Entity) -> str | None:
    if not _held(entity.iri):
        return None
    own = {fold(v) for n in entity.names if n.kind == "prefLabel" for v in variants(n.label)}
    for name in entity.names:
        if name.kind == "altLabel" and name.language == "fr" and fold(name.label) not in own:
            return name.label
    return None


def make(store: Store) -> tuple[list[Entity], list[Case]]:
    """The entities to index (held-out names removed) and the cases to query."""
    rows = list(store.query(FICHES))
    fiche_of = {row["appellation"].value: row["fiche"].value for row in rows}
    held = _rome_held(fiche_of)
    crosswalk: dict[str, str] = {}
    for row in store.query(CROSSWALK):
        crosswalk.setdefault(row["appellation"].value, row["esco"].value)
    cases: list[Case] = []
    for row in sorted(rows, key=lambda r: r["appellation"].value):
        iri = row["appellation"].value
        if iri not in held:
            continue
        short = row["short"].value if row["short"] is not None else None
        for variant, query in written_forms(row["label"].value, short):
            cases.append(Case("title → ROME fiche", variant, query, fiche_of[iri]))
            if iri in crosswalk:
                cases.append(
                    Case(
                        "title → ESCO occupation (ROME appellations, official mapping)", variant, query, crosswalk[iri]
                    )
                )
    kept: list[Entity] = []
    for entity in all_entities(store, frozenset(held)):
        if entity.type == "EscoOccupation":
            label = _esco_held_label(entity)
            if label:
                entity = replace(entity, names=tuple(n for n in entity.names if n.label != label))
                for variant, query in written_forms(label, None):
                    cases.append(Case("title → ESCO occupation (held-out ESCO labels)", variant, query, entity.iri))
        kept.append(entity)
    return kept, cases


def default_store() -> Path:
    return Path(__file__).resolve().parent.parent / "var" / "store"
