"""The parts of ROME below the fiches: appellations, compétences, savoirs, contextes, links, classifications."""

from __future__ import annotations

from functools import cache

from rdflib import URIRef

from kg.core.vocab import DCTERMS, ESCO, ESCO_LABEL_ROLE, ESCO_SKILL_TYPE, MKG, PROV, RDF, SKOS, SKOSXL
from kg.mapping.iris import Iris
from kg.mapping.ntriples import NTriplesBuilder, boolean, integer, literal
from kg.mapping.ntriples import iri as term_iri
from kg.sources.rome import Appellation, Classified, Competence, FicheLink, RomeExport, RomeFiches, gendered_forms


@cache
def T(term: URIRef) -> str:  # noqa: N802 - a vocabulary term as N-Triples
    return term_iri(str(term))


ROME_LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
PUBLISHER = "France Travail"
SKILL, KNOWLEDGE = term_iri(ESCO_SKILL_TYPE + "skill"), term_iri(ESCO_SKILL_TYPE + "knowledge")
LABEL_ROLES = (("masculin", term_iri(ESCO_LABEL_ROLE + "male")), ("feminin", term_iri(ESCO_LABEL_ROLE + "female")))
LINK_PREDICATES = {
    "appellation": None,
    "savoir-faire": T(MKG.savoirFaire),
    "savoir-etre": T(MKG.savoirEtre),
    "savoir": T(MKG.savoir),
    "contexte": T(MKG.contexteTravail),
}
COEUR = {"Principale": T(MKG.coeurDeMetierPrincipal), "Émergente": T(MKG.coeurDeMetierEmergent)}
RIASEC = {  # Holland's six types, as ROME names them (the export gives letters only)
    "R": ("Réaliste", "Realistic"),
    "I": ("Investigateur", "Investigative"),
    "A": ("Artistique", "Artistic"),
    "S": ("Social", "Social"),
    "E": ("Entreprenant", "Enterprising"),
    "C": ("Conventionnel", "Conventional"),
}
SCHEMES = {  # part → (scheme, French and English titles)
    "appellations": ("Appellations du ROME 4.0", "ROME 4.0 job titles"),
    "competences": (
        "Compétences du ROME 4.0 (savoir-faire, savoir-être, macro-compétences)",
        "ROME 4.0 skills (know-how, soft skills, macro-skills)",
    ),
    "savoirs": ("Savoirs du ROME 4.0", "ROME 4.0 knowledge"),
    "contextes": ("Contextes de travail du ROME 4.0", "ROME 4.0 work contexts"),
    "secteurs": ("Secteurs d'activité du ROME 4.0", "ROME 4.0 activity sectors"),
    "secteurs-naf": ("Secteurs NAF du ROME 4.0", "ROME 4.0 NAF sectors"),
    "themes": ("Thèmes du ROME 4.0", "ROME 4.0 themes"),
    "centres-interet": ("Centres d'intérêt du ROME 4.0", "ROME 4.0 areas of interest"),
    "riasec": ("Types RIASEC (Holland) du ROME 4.0", "ROME 4.0 RIASEC (Holland) types"),
}


class PartsBuilder:
    """Adds one export's parts to a builder; one method per kind of record."""

    def __init__(self, builder: NTriplesBuilder, iris: Iris) -> None:
        self.b, self.iris = builder, iris
        self._terms: dict[tuple, str] = {}
        self.schemes = {part: self.part(part) for part in SCHEMES}
        self.metiers_kg = term_iri(str(iris.agent("métiers-kg")))  # who split the gendered labels

    def _memo(self, key: tuple, make) -> str:
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = term_iri(str(make()))
        return found

    def part(self, kind: str, *codes: str) -> str:
        return self._memo(("part", kind, *codes), lambda: self.iris.rome_part(kind, *codes))

    def labelled(self, kind: str, *labels: str) -> str:
        return self._memo(("label", kind, *labels), lambda: self.iris.rome_labelled_part(kind, *labels))

    def rome(self, code: str) -> str:
        return self._memo(("rome", code), lambda: self.iris.rome(code))

    def hierarchy(self, fiches: RomeFiches) -> None:
        """grand domaine → domaine → fiche, in the scheme <base>rome (IRIs and labels as before v4.60)."""
        scheme = term_iri(str(self.iris.rome_scheme()))
        self.b.add(scheme, T(RDF.type), T(SKOS.ConceptScheme))
        self.b.add(
            scheme, T(SKOS.prefLabel), literal("ROME 4.0 — Répertoire opérationnel des métiers et des emplois", "fr")
        )
        self.b.add(
            scheme, T(SKOS.prefLabel), literal("ROME 4.0 — French operational directory of trades and jobs", "en")
        )
        self.b.add(scheme, T(DCTERMS.publisher), literal(PUBLISHER))
        self.b.add(scheme, T(DCTERMS.license), T(ROME_LICENCE))
        self.b.add(scheme, T(DCTERMS.hasVersion), literal(fiches.version.release))
        for level, cls, parent in (
            (fiches.grands_domaines, MKG.RomeGrandDomaine, None),
            (fiches.domaines, MKG.RomeDomaine, 1),
            (fiches.fiches, MKG.RomeFiche, 3),
        ):
            for record in level:
                concept = self.rome(record.code)
                self.b.add(concept, T(RDF.type), T(cls))
                self.b.add(concept, T(SKOS.notation), literal(record.code))
                self.b.add(concept, T(SKOS.prefLabel), literal(record.label, "fr"))
                self.b.add(concept, T(SKOS.inScheme), scheme)
                if parent is None:
                    self.b.add(concept, T(SKOS.topConceptOf), scheme)
                    self.b.add(scheme, T(SKOS.hasTopConcept), concept)
                else:
                    self.broader(concept, self.rome(record.code[:parent]))

    def add_all(self, export: RomeExport) -> None:
        for part, (fr, en) in SCHEMES.items():
            scheme = self.schemes[part]
            self.b.add(scheme, T(RDF.type), T(SKOS.ConceptScheme))
            self.b.add(scheme, T(SKOS.prefLabel), literal(fr, "fr"))
            self.b.add(scheme, T(SKOS.prefLabel), literal(en, "en"))
        self.riasec(export)
        for appellation in export.appellations:
            self.appellation(appellation)
        for competence in export.competences:
            self.competence(competence)
        self.savoirs(export)
        self.contextes(export)
        self.links(export)
        self.mobilities(export)
        self.classifications(export)

    def concept(self, iri: str, cls: str, part: str, notation: str | None, label: str | None) -> None:
        self.b.add(iri, T(RDF.type), cls)
        self.b.add(iri, T(SKOS.inScheme), self.schemes[part])
        if notation is not None:
            self.b.add(iri, T(SKOS.notation), literal(notation))
        if label is not None:
            self.b.add(iri, T(SKOS.prefLabel), literal(label, "fr"))

    def broader(self, narrow: str, broad: str) -> None:
        self.b.add(narrow, T(SKOS.broader), broad)
        self.b.add(broad, T(SKOS.narrower), narrow)

    def top(self, concept: str, part: str) -> None:
        self.b.add(concept, T(SKOS.topConceptOf), self.schemes[part])
        self.b.add(self.schemes[part], T(SKOS.hasTopConcept), concept)

    def flags(self, iri: str, record: object) -> None:
        """The O/N flags of a fiche or appellation (absent when the export leaves them empty)."""
        for predicate, attribute in (
            (T(MKG.transitionNumerique), "transition_num"),
            (T(MKG.transitionDemographique), "transition_demo"),
            (T(MKG.emploiReglemente), "regulated"),
            (T(MKG.emploiCadre), "executive"),
        ):
            value = getattr(record, attribute, None)
            if value is not None:
                self.b.add(iri, predicate, boolean(value))

    def riasec(self, export: RomeExport) -> None:
        for letter, (fr, en) in RIASEC.items():
            concept = self.part("riasec", letter)
            self.concept(concept, T(MKG.RiasecType), "riasec", letter, fr)
            self.b.add(concept, T(SKOS.prefLabel), literal(en, "en"))
            self.top(concept, "riasec")
        for fiche in export.fiches.fiches:
            self.riasec_of(self.rome(fiche.code), fiche.riasec_major, fiche.riasec_minor)

    def riasec_of(self, iri: str, major: str | None, minor: str | None) -> None:
        if major:
            self.b.add(iri, T(MKG.riasecMajeur), self.part("riasec", major))
        if minor:
            self.b.add(iri, T(MKG.riasecMineur), self.part("riasec", minor))

    def appellation(self, a: Appellation) -> None:
        iri, fiche = self.part("appellation", a.code), self.rome(a.fiche)
        self.concept(iri, T(MKG.RomeAppellation), "appellations", a.code, a.label)
        self.broader(iri, fiche)
        if a.short_label != a.label:
            self.b.add(iri, T(MKG.shortLabel), literal(a.short_label, "fr"))
        if a.principal:
            self.b.add(fiche, T(MKG.principalAppellation), iri)
        if a.rarely_used:
            self.b.add(iri, T(MKG.rarelyUsed), boolean(True))
        self.b.fr(iri, T(MKG.transitionEcologique), a.transition_eco)
        self.flags(iri, a)
        forms = gendered_forms(a.label)
        if forms is None:
            return
        for (role, esco_role), form in zip(LABEL_ROLES, forms):
            label = term_iri(str(self.iris.rome_label(URIRef(iri[1:-1]), role)))
            self.b.add(iri, T(SKOSXL.altLabel), label)
            self.b.add(label, T(RDF.type), T(SKOSXL.Label))
            self.b.add(label, T(SKOSXL.literalForm), literal(form, "fr"))
            self.b.add(label, T(ESCO.hasLabelRole), esco_role)
            self.b.add(label, T(PROV.wasAttributedTo), self.metiers_kg)

    def competence(self, c: Competence) -> None:
        iri = self.part("competence", c.code)
        self.concept(
            iri, T(MKG.RomeMacroCompetence) if c.macro else T(MKG.RomeCompetence), "competences", c.code, c.label
        )
        self.b.add(iri, T(ESCO.skillType), SKILL)
        self.b.fr(iri, T(MKG.competenceCategory), c.category)
        self.b.fr(iri, T(MKG.competenceSubcategory), c.subcategory)
        self.b.fr(iri, T(SKOS.definition), c.definition)
        self.b.fr(iri, T(MKG.heterogeneity), c.heterogeneity)
        self.b.fr(iri, T(MKG.competenceOrigin), c.origin)
        for predicate, flag in (
            (T(MKG.transitionEcologiqueItem), c.transition_eco),
            (T(MKG.transitionNumerique), c.transition_num),
        ):
            if flag is not None:
                self.b.add(iri, predicate, boolean(flag))
        self.riasec_of(iri, c.riasec_major, c.riasec_minor)
        if c.parent is not None:
            self.broader(iri, self.part("competence", c.parent))
        if c.macro and c.tree_code:
            self.tree(iri, c.tree_code)

    def tree(self, macro: str, code: str) -> None:
        """domaine (4) → enjeu (4A) → objectif (4A1) → macro-compétence (4A101): notations, no labels."""
        levels = (
            ("competence/domaine", code[:1], T(MKG.RomeDomaineCompetences)),
            ("competence/enjeu", code[:2], T(MKG.RomeEnjeu)),
            ("competence/objectif", code[:3], T(MKG.RomeObjectif)),
        )
        below = macro
        self.b.add(macro, T(MKG.macroCompetenceCode), literal(code))
        for part, notation, cls in reversed(levels):
            concept = self.part(part, notation)
            self.concept(concept, cls, "competences", notation, None)
            self.b.add(
                concept,
                T(SKOS.editorialNote),
                literal(
                    "Libellé non publié dans l'export open data du ROME (arborescence des compétences absente) ; "
                    "niveau reconstruit à partir des codes des macro-compétences.",
                    "fr",
                ),
            )
            self.broader(below, concept)
            below = concept
        self.top(below, "competences")

    def savoirs(self, export: RomeExport) -> None:
        for s in export.savoirs:
            iri = self.part("savoir", s.code)
            self.concept(iri, T(MKG.RomeSavoir), "savoirs", s.code, s.label)
            self.b.add(iri, T(ESCO.skillType), KNOWLEDGE)
            category = self.labelled("savoir/categorie", s.category)
            sub = self.labelled("savoir/categorie", s.category, s.subcategory)
            self.concept(category, T(MKG.RomeSavoirCategorie), "savoirs", None, s.category)
            self.concept(sub, T(MKG.RomeSavoirCategorie), "savoirs", None, s.subcategory)
            self.top(category, "savoirs")
            self.broader(sub, category)
            self.broader(iri, sub)
            for predicate, flag in (
                (T(MKG.transitionEcologiqueItem), s.transition_eco),
                (T(MKG.transitionNumerique), s.transition_num),
            ):
                if flag is not None:
                    self.b.add(iri, predicate, boolean(flag))

    def contextes(self, export: RomeExport) -> None:
        for c in export.contextes:
            iri, kind = self.part("contexte", c.code), self.part("contexte/type", c.type_code)
            self.concept(iri, T(MKG.RomeContexte), "contextes", c.code, c.label)
            self.concept(kind, T(MKG.RomeContexteType), "contextes", c.type_code, c.type_label)
            self.top(kind, "contextes")
            self.broader(iri, kind)

    def links(self, export: RomeExport) -> None:
        parts = {
            "appellation": "appellation",
            "savoir-faire": "competence",
            "savoir-etre": "competence",
            "savoir": "savoir",
            "contexte": "contexte",
        }
        for link in export.links:
            predicate = LINK_PREDICATES[link.kind]
            if predicate is None:
                continue  # appellations are tied to their fiche by skos:broader
            fiche, target = self.rome(link.fiche), self.part(parts[link.kind], link.target)
            self.b.add(fiche, predicate, target)
            if link.coeur_de_metier is not None:
                node = term_iri(str(self.iris.rome_link(URIRef(fiche[1:-1]), "coeur-de-metier", link.target)))
                self.b.add(node, T(RDF.type), T(MKG.CoeurDeMetier))
                self.b.add(node, T(MKG.linkFiche), fiche)
                self.b.add(node, T(MKG.linkItem), target)
                self.b.add(node, T(MKG.coherence), COEUR[link.coeur_de_metier])

    def mobilities(self, export: RomeExport) -> None:
        for m in export.mobilities:
            source, target = self.rome(m.source), self.rome(m.target)
            node = term_iri(str(self.iris.rome_link(URIRef(source[1:-1]), "mobilite", m.target)))
            self.b.add(source, T(MKG.mobilite), target)
            self.b.add(node, T(RDF.type), T(MKG.Mobilite))
            self.b.add(node, T(MKG.linkFiche), source)
            self.b.add(node, T(MKG.mobiliteCible), target)
            self.b.add(node, T(MKG.order), integer(m.order))

    def classifications(self, export: RomeExport) -> None:
        self.classified(export.sectors, "secteur", "secteurs", T(MKG.RomeSecteur))
        self.classified(export.naf_sectors, "secteur-naf", "secteurs-naf", T(MKG.RomeSecteurNaf))
        self.classified(export.themes, "theme", "themes", T(MKG.RomeTheme))
        self.classified(export.interests, "centre-interet", "centres-interet", T(MKG.RomeCentreInteret))
        for links, part, predicate, principal in (
            (export.fiche_sectors, "secteur", T(MKG.secteurActivite), T(MKG.secteurActivitePrincipal)),
            (export.fiche_naf, "secteur-naf", T(MKG.secteurNaf), None),
            (export.fiche_themes, "theme", T(MKG.theme), None),
            (export.fiche_interests, "centre-interet", T(MKG.centreInteret), T(MKG.centreInteretPrincipal)),
        ):
            self.fiche_links(links, part, predicate, principal)

    def classified(self, records: tuple[Classified, ...], part: str, scheme: str, cls: str) -> None:
        for record in records:
            iri = self.part(part, record.code)
            self.concept(iri, cls, scheme, record.code, record.label)
            self.b.fr(iri, T(SKOS.definition), record.definition)
            if record.parent is not None:
                self.broader(iri, self.part(part, record.parent))
            else:
                self.top(iri, scheme)

    def fiche_links(self, links: tuple[FicheLink, ...], part: str, predicate: str, principal: str | None) -> None:
        for link in links:
            fiche, target = self.rome(link.fiche), self.part(part, link.target)
            self.b.add(fiche, predicate, target)
            if principal is not None and link.principal:
                self.b.add(fiche, principal, target)
