"""The kinds of entity the index knows, by the id the reconciliation service gives them."""

from __future__ import annotations

from dataclasses import dataclass

from kg.core.vocab import MKG_NS as MKG


@dataclass(frozen=True)
class EntityType:
    id: str  # the class's local name in the ontology (ESCO's for its occupations)
    name: str
    iri: str
    occupation: bool = True  # False for skills and knowledge: not what a job title is matched to


ESCO_OCCUPATION_CLASS = "http://data.europa.eu/esco/model#Occupation"
ESCO_SKILL_CLASS = "http://data.europa.eu/esco/model#Skill"

TYPES: dict[str, EntityType] = {
    t.id: t
    for t in (
        EntityType("RomeFiche", "Fiche ROME", MKG + "RomeFiche"),
        EntityType("RomeAppellation", "Appellation ROME", MKG + "RomeAppellation"),
        EntityType("EscoOccupation", "Occupation ESCO", ESCO_OCCUPATION_CLASS),
        EntityType("FicheMetier", "Fiche métier", MKG + "FicheMetier"),
        EntityType("EmploiType", "Emploi-type", MKG + "EmploiType"),
        EntityType("RomeCompetence", "Compétence ROME (savoir-faire, savoir-être)", MKG + "RomeCompetence", False),
        EntityType("RomeSavoir", "Savoir ROME", MKG + "RomeSavoir", False),
        EntityType("EscoSkill", "Compétence ou connaissance ESCO", ESCO_SKILL_CLASS, False),
    )
}
OCCUPATION_TYPES = tuple(  # what a job title is matched against
    t.id for t in TYPES.values() if t.occupation
)
