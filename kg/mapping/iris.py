"""The one place where IRIs are minted. Every pattern is documented in README.md ("IRIs").

IRIs depend only on identifiers found in the sources (MET.n, FOR.n, ROME codes) or on
slugs of names, never on file names, order of processing or the clock, so that the same
input always gives the same graph.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.core.text import words
from kg.core.vocab import DEFAULT_BASE_IRI, EQF

AGENT_BASE = "https://w3id.org/metiers-kg/agent/"
ROME_PARTS = frozenset(
    {
        "appellation",
        "competence",
        "competence/domaine",
        "competence/enjeu",
        "competence/objectif",
        "savoir",
        "savoir/categorie",
        "contexte",
        "contexte/type",
        "secteur",
        "secteur-naf",
        "theme",
        "centre-interet",
        "riasec",
        "appellations",
        "competences",
        "savoirs",
        "contextes",
        "secteurs",
        "secteurs-naf",
        "themes",
        "centres-interet",
    }
)


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated slug: "Chargé des méthodes" → "charge-des-methodes"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


def check_base_iri(base: str) -> str:
    """A base must be an absolute http(s) IRI ending in '/' or '#', so that appended paths stay inside it."""
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+[/#]$", base):
        raise ValueError(f"invalid base IRI {base!r}: expected an absolute http(s) IRI ending with '/' or '#'")
    return base


class Iris:
    """Mints every IRI of the graph under one configurable base."""

    def __init__(self, base: str = DEFAULT_BASE_IRI) -> None:
        self.base = check_base_iri(base)

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    # ---- named graphs --------------------------------------------------------------------
    def graph(self, *parts: str) -> URIRef:
        return self._iri("graph", *parts)

    # ---- occupations ---------------------------------------------------------------------
    def metier(self, fiche_id: str) -> URIRef:
        return self._iri("metier", fiche_id)

    def emploi_type(self, name: str) -> URIRef:
        return self._iri("emploi-type", slugify(name))

    def appellation(self, owner: URIRef, label: str, gender: str | None = None) -> URIRef:
        suffix = f"{gender}/{slugify(label)}" if gender else slugify(label)
        return URIRef(f"{owner}/appellation/{suffix}")

    def section(self, owner: URIRef, path: tuple[int, ...]) -> URIRef:
        return URIRef(f"{owner}/section/{'.'.join(str(n) for n in path)}")

    def list_item(self, section: URIRef, position: int) -> URIRef:
        """The ``position``-th bullet of a section's own text."""
        return URIRef(f"{section}/item/{position}")

    def salary(self, owner: URIRef) -> URIRef:
        return URIRef(f"{owner}/salaire-debutant")

    # ---- shared concepts -----------------------------------------------------------------
    def rome_scheme(self) -> URIRef:
        return self._iri("rome")

    def rome(self, code: str) -> URIRef:
        """ROME concepts share one path: M (grand domaine), M18 (domaine), M1810 (fiche)."""
        return self._iri("rome", code)

    def rome_part(self, kind: str, *codes: str) -> URIRef:
        """The rest of ROME, keyed by France Travail's stable codes (code OGR, category codes).

        ``kind`` is one of ROME_PARTS: e.g. ``rome/appellation/11987``, ``rome/competence/100023``,
        ``rome/competence/domaine/4`` (rebuilt tree), ``rome/savoir/categorie/<slug>/<slug>``,
        ``rome/secteur/110``, ``rome/riasec/R``; schemes are ``rome/<kind>`` without a code.
        """
        if kind not in ROME_PARTS:
            raise ValueError(f"unknown ROME part {kind!r}")
        return self._iri("rome", *kind.split("/"), *codes)

    def rome_labelled_part(self, kind: str, *labels: str) -> URIRef:
        """ROME groupings the export names but does not code (savoir categories): slugs of their names."""
        return self.rome_part(kind, *(slugify(label) for label in labels))

    def rome_link(self, fiche: URIRef, kind: str, code: str) -> URIRef:
        """A qualified link of a fiche: ``…/M1810/coeur-de-metier/<code>``, ``…/M1810/mobilite/<code>``."""
        return URIRef(f"{fiche}/{kind}/{code}")

    def rome_label(self, owner: URIRef, role: str) -> URIRef:
        """A gendered SKOS-XL label of a ROME appellation: ``…/appellation/11987/label/masculin``."""
        return URIRef(f"{owner}/label/{role}")

    def formation(self, formation_id: str) -> URIRef:
        return self._iri("formation", formation_id)

    def formation_type(self, label: str) -> URIRef:
        return self._iri("type-formation", slugify(label))

    def named_occupation(self, formation: URIRef, name: str) -> URIRef:
        """A métier a fiche formation names, as written (resolved or not to a fiche métier)."""
        return URIRef(f"{formation}/metier-associe/{slugify(name)}")

    @staticmethod
    def rncp(number: str) -> URIRef:
        """The France compétences record of an RNCP certification (its own, fixed IRI)."""
        return URIRef(f"https://www.francecompetences.fr/recherche/rncp/{number}/")

    @staticmethod
    def eqf_level(level: int) -> URIRef:
        """The European Qualifications Framework level (the EU's own IRI, as the access levels use)."""
        return URIRef(f"{EQF}{level}")

    def access_level_scheme(self) -> URIRef:
        return self._iri("niveau")

    def access_level(self, years_after_bac: int) -> URIRef:
        return self._iri("niveau", "bac" if years_after_bac == 0 else f"bac-{years_after_bac}")

    def status(self, label: str) -> URIRef:
        return self._iri("statut", slugify(label))

    def interest(self, label: str) -> URIRef:
        return self._iri("centre-interet", slugify(label))

    def skill(self, phrase: str) -> URIRef:
        """One concept per phrase: the same savoir-faire in two emploi-types is one skill.

        "The same" ignores case, accents, articles and plurals ("Rédaction du cahier des
        charges" = "Rédaction de cahier des charges"), so the slug is made of content words.
        """
        return self._iri("competence", slugify(" ".join(words(phrase))))

    def knowledge(self, phrase: str) -> URIRef:
        return self._iri("connaissance", slugify(" ".join(words(phrase))))

    # ---- référentiels --------------------------------------------------------------------
    def referentiel(self, title: str) -> URIRef:
        return self._iri("referentiel", slugify(title))

    def famille(self, label: str) -> URIRef:
        return self._iri("famille", slugify(label))

    def sous_famille(self, family_label: str, label: str | None) -> URIRef:
        return self._iri("sous-famille", slugify(family_label), slugify(label) if label else "non-precisee")

    def glossary(self, owner: URIRef) -> URIRef:
        return URIRef(f"{owner}/glossaire")

    def glossary_term(self, owner: URIRef, term: str) -> URIRef:
        return URIRef(f"{owner}/glossaire/{slugify(term)}")

    def unresolved(self, owner: URIRef, relation: str, label: str) -> URIRef:
        return URIRef(f"{owner}/{relation}/{slugify(label)}")

    # ---- testimonies ---------------------------------------------------------------------
    def testimony(self, title: str) -> URIRef:
        return self._iri("temoignage", slugify(title))

    def mention(self, owner: URIRef, start: int, end: int) -> URIRef:
        return URIRef(f"{owner}/mention/{start}-{end}")

    def author(self, owner: URIRef) -> URIRef:
        return URIRef(f"{owner}/auteur")

    # ---- alignment -----------------------------------------------------------------------
    def mapping(self, subject: str, predicate: str, obj: str) -> URIRef:
        """A mapping (SSSOM record) is identified by its triple, so it keeps its IRI across builds."""
        digest = hashlib.sha256(f"{subject} {predicate} {obj}".encode()).hexdigest()[:20]
        return self._iri("mapping", digest)

    def mapping_set(self, name: str) -> URIRef:
        """An imported mapping set, e.g. ``<base>mapping-set/esco-rome`` (the official ESCO–ROME mapping)."""
        return self._iri("mapping-set", slugify(name))

    def agent(self, name: str) -> URIRef:
        """Curators and tools that assert mappings (fixed IRIs, whatever the data base)."""
        return URIRef(f"{AGENT_BASE}{slugify(name)}")

    def validation_result(self, number: int) -> URIRef:
        return self._iri("validation", f"result-{number}")

    def rejection(self, number: int) -> URIRef:
        return self._iri("validation", f"rejection-{number}")

    # ---- provenance ----------------------------------------------------------------------
    def source_document(self, sha256: str) -> URIRef:
        return self._iri("source", sha256)

    def build_activity(self, version: str) -> URIRef:
        return self._iri("activite", f"metiers-kg-{slugify(version)}")

    def software(self, version: str) -> URIRef:
        return self._iri("logiciel", f"metiers-kg-{slugify(version)}")
