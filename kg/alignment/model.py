"""The one record every alignment step produces: a mapping in the SSSOM sense, with its evidence.

Curated decisions, matcher output, ISCO groups derived from ESCO, cross-source links and
testimony mention links are all ``Mapping``s, so the SSSOM writer, the RDF mapper and the
report treat them alike, and every one says who asserted it, on what basis, how surely.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kg.core.vocab import DCTERMS, SEMAPV, SKOS, SSSOM

# Plain strings (not rdflib terms): mappings are plain data, compared and hashed as str.
DCTERMS_REFERENCES = str(DCTERMS.references)
NO_TERM_FOUND = SSSOM + "NoTermFound"

EXACT, CLOSE, BROAD, NARROW, RELATED = (
    str(SKOS[name]) for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
SKOS_PREDICATES = (EXACT, CLOSE, BROAD, NARROW, RELATED)
# Strength order, used when several bases give one pair different predicates.
STRENGTH = {EXACT: 5, CLOSE: 4, BROAD: 3, NARROW: 3, RELATED: 1, DCTERMS_REFERENCES: 0}

MANUAL = SEMAPV + "ManualMappingCuration"
LEXICAL = SEMAPV + "LexicalMatching"
CHAINING = SEMAPV + "MappingChaining"

# What a mapping is about, for reports and SSSOM subject_category.
OCCUPATION_TARGET = "esco-occupation"
SKILL_TARGET = "esco-skill"
ISCO_TARGET = "isco-group"
CROSS_SOURCE = "cross-source"
MENTION_LINK = "mention"
ROME_FICHE_TARGET = "rome-fiche"  # a ROME fiche for an occupation its source files under no code
ROME_SKILL_TARGET = "rome-skill"  # a ROME compétence or savoir for one of our skills (kg.alignment.rome_skills)


@dataclass(frozen=True)
class Mapping:
    subject: str
    predicate: str
    object: str  # an IRI, or NO_TERM_FOUND when a reviewer found no match
    justification: str  # a SEMAPV term IRI
    confidence: float
    author_id: str
    author_label: str
    date: str | None  # ISO 8601 date of the decision; None when the source gives none
    comment: str  # the reason, in words
    target: str  # OCCUPATION_TARGET, SKILL_TARGET, ISCO_TARGET, CROSS_SOURCE or MENTION_LINK
    subject_label: str = ""
    object_label: str = ""
    subject_kind: str = ""  # fiche, emploi-type, appellation, savoir-faire, connaissance, mention kind
    negated: bool = False  # SSSOM predicate_modifier "Not": a reviewed and rejected candidate
    basis: tuple[str, ...] = ()  # IRIs the mapping is derived through (ROME fiche, ESCO occupation)
    tool: str | None = None  # the software that asserted it, for automatic mappings
    source: str | None = None  # the curation file a decision comes from
    line: int | None = None  # its line there

    @property
    def positive(self) -> bool:
        """A usable match: neither rejected nor "no term found"."""
        return not self.negated and self.object != NO_TERM_FOUND

    def described(self, subject_label: str, object_label: str, subject_kind: str) -> Mapping:
        """This mapping with the labels and kind a reviewer's row need not repeat (its own win)."""
        return replace(
            self,
            subject_label=self.subject_label or subject_label,
            object_label=self.object_label or object_label,
            subject_kind=subject_kind,
        )

    def sort_key(self) -> tuple:
        return (self.target, self.subject, self.object, self.predicate, self.negated)
