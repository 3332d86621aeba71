"""The alignment of the seeds, as plain data: exact figures, and the rules that keep it honest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.alignment.align import derive_isco, lexical_match
from kg.alignment.digest import Subject
from kg.alignment.model import (
    BROAD,
    CHAINING,
    CLOSE,
    CROSS_SOURCE,
    EXACT,
    ISCO_TARGET,
    LEXICAL,
    MANUAL,
    MENTION_LINK,
    NARROW,
    NO_TERM_FOUND,
    OCCUPATION_TARGET,
    RELATED,
)
from kg.alignment.rome_links import ROME_APPELLATION_TARGET, rome_appellation_links
from kg.alignment.stage import align_corpus
from kg.mapping import Iris
from kg.sources.reference import esco_occupations
from tests.kg.alignment.conftest import BASE

ESCO = "http://data.europa.eu/esco/occupation/"
IRIS = Iris(BASE)


def _subject(label: str, kind: str = "appellation") -> Subject:
    return Subject(f"{BASE}x/{label}", kind, label, (label,), (), (), (), "doc.txt", 1)


def test_emploi_types_esco_coverage(seed_alignment) -> None:
    emplois = {s for s, subj in seed_alignment.subjects.items() if subj.kind == "emploi-type"}
    assert len(emplois) == 36
    positive = [
        m for m in seed_alignment.mappings if m.target == OCCUPATION_TARGET and m.positive and m.subject in emplois
    ]
    matched = {m.subject for m in positive}
    assert len(matched) == 33  # 91.7 %, target ≥ 90 %
    assert all(m.justification == MANUAL and len(m.comment) > 20 and m.date for m in positive)
    assert Counter(m.predicate for m in positive) == Counter({CLOSE: 25, EXACT: 4, BROAD: 4, NARROW: 3, RELATED: 1})
    no_term = sorted(m.subject_label for m in seed_alignment.mappings if m.object == NO_TERM_FOUND)
    assert no_term == ["Gestionnaire de contrats", "Gestionnaire de services", "Manager de ressources"]
    assert emplois - matched == {m.subject for m in seed_alignment.mappings if m.object == NO_TERM_FOUND}


def test_a_rejected_homonym_is_kept_for_audit_but_asserts_nothing(seed_alignment) -> None:
    urbaniste = [
        m
        for m in seed_alignment.mappings
        if m.subject == f"{BASE}emploi-type/urbaniste" and m.target == OCCUPATION_TARGET
    ]
    by_label = {m.object_label: m for m in urbaniste}
    assert by_label["urban planner"].negated and not by_label["urban planner"].positive
    assert by_label["enterprise architect"].predicate == CLOSE and by_label["enterprise architect"].positive


def test_the_matcher_is_strict() -> None:
    assert lexical_match(_subject("Urbaniste"), IRIS, None) is None  # one word: homonyms across sectors
    assert lexical_match(_subject("Plombier chauffagiste de nuit"), IRIS, None) is None  # no equal title
    found = lexical_match(_subject("Administrateur de bases de données"), IRIS, None)
    assert found is not None and found.object_label == "database administrator"
    assert (found.predicate, found.justification, found.confidence) == (CLOSE, LEXICAL, 0.8)
    assert "unreviewed" in found.comment and found.tool


def test_an_unseen_fiche_is_matched_by_rule_or_reported_unmatched(seed_digests) -> None:
    """A document no one reviewed gets only strict, labelled automatic matches."""
    from dataclasses import replace

    fiche = next(s for d in seed_digests for s in d.subjects if s.kind == "fiche")
    web = replace(
        fiche,
        iri=f"{BASE}metier/MET.999",
        label="développeur web",
        labels_fr=("développeur web", "développeuse web"),
        document="unseen.txt",
    )
    baker = replace(
        fiche, iri=f"{BASE}metier/MET.998", label="boulanger", labels_fr=("boulanger",), document="unseen2.txt"
    )
    digest = replace(seed_digests[0], graph="unseen", subjects=(web, baker), formations=(), mentions=())
    alignment = align_corpus([digest], IRIS)
    esco = [m for m in alignment.mappings if m.target == OCCUPATION_TARGET]
    assert [(m.subject, m.object_label, m.justification) for m in esco] == [
        (f"{BASE}metier/MET.999", "web developer", LEXICAL)
    ]
    isco = [m for m in alignment.mappings if m.target == ISCO_TARGET]
    assert [m.object.rsplit("C", 1)[-1] for m in isco] == ["2513"]


def test_every_isco_link_is_the_group_of_its_esco_basis(seed_alignment) -> None:
    occupations = esco_occupations()
    isco = [m for m in seed_alignment.mappings if m.target == ISCO_TARGET]
    assert len(isco) == 51
    for m in isco:
        assert m.justification == CHAINING and m.basis
        assert any(occupations[b].isco_uri == m.object for b in m.basis)
    positives = {
        (m.subject, m.object)
        for m in seed_alignment.mappings
        if m.target == OCCUPATION_TARGET and m.positive and m.predicate != RELATED
    }
    assert {(m.subject, b) for m in isco for b in m.basis} == positives


def test_isco_predicate_follows_the_esco_predicate() -> None:
    from kg.alignment.model import Mapping

    dba = ESCO + "8c57af09-719c-42b3-be40-6ed4946236cc"  # database administrator, ISCO 2521
    made = [
        Mapping(
            f"{BASE}e/{p.rsplit('#', 1)[-1]}", p, dba, MANUAL, 0.9, "a", "a", "2026-01-01", "why", OCCUPATION_TARGET
        )
        for p in (EXACT, NARROW, RELATED)
    ]
    derived = {m.subject.rsplit("/", 1)[-1]: m.predicate for m in derive_isco(made, IRIS, None)}
    assert derived == {
        "exactMatch": BROAD,
        "narrowMatch": RELATED,
    }  # the group contains an exact match, overlaps a broader one


def test_cross_source_links_record_their_basis(seed_alignment) -> None:
    links = [m for m in seed_alignment.mappings if m.target == CROSS_SOURCE]
    assert len(links) == 8
    link = next(
        m
        for m in links
        if m.subject == f"{BASE}metier/MET.15" and m.object == f"{BASE}emploi-type/technicien-d-infrastructure"
    )
    assert link.predicate == RELATED and link.basis == (f"{BASE}rome/M1810",) and link.confidence == 0.5
    assert "M1810" in link.comment


def test_testimony_mentions_link_with_offsets_and_confidence(seed_alignment) -> None:
    links = {
        (m.subject.rsplit("/mention/", 1)[-1], m.object.rsplit("/", 1)[-1]): m
        for m in seed_alignment.mappings
        if m.target == MENTION_LINK
    }
    miage = links[("3979-3993", "FOR.10998")]
    assert miage.subject_label == "Master 2 MIAGE" and miage.confidence == 0.9 and "[3979:3993]" in miage.comment
    assert links[("4041-4048", "bac-5")].subject_label == "Bac + 5"
    assert ("4117-4144", "chef-de-projet") in links  # "Chef de projet informatique" → the emploi-type
    assert ("4117-4144", "8b6388a4-4904-471b-9331-d3b1211f5525") in links  # … and ESCO's ICT project manager
    assert links[("631-673", "J1306")].confidence == 0.9  # ROME's manipulateur d'électroradiologie médicale
    assert not any(key[0] == "3694-3709" for key in links)  # "Licence 3 MIAGE": no licence MIAGE formation
    assert len({m.subject for m in links.values()}) == 19


def test_equal_titles_link_to_rome_appellations_only_when_the_fiches_agree(seed_alignment) -> None:
    """26 of our titles equal a ROME appellation's; 8 of those appellations are filed under a fiche of another
    domaine professionnel than every ROME code the source gives (the IT "Urbaniste" and ROME's town planner)."""
    candidates = [m for m in seed_alignment.mappings if m.target == ROME_APPELLATION_TARGET]
    linked = [m for m in candidates if m.positive]
    rejected = [m for m in candidates if m.negated]
    assert (len(candidates), len(linked), len(rejected)) == (26, 18, 8)
    assert all(m.predicate == EXACT and m.justification == LEXICAL for m in candidates)
    assert {m.confidence for m in linked} == {0.95} and {m.confidence for m in rejected} == {0.8}
    urbaniste = {m.subject[len(BASE) :]: m.comment for m in rejected if m.object == f"{BASE}rome/appellation/20492"}
    assert urbaniste == {
        s: "rejected: folded title 'Urbaniste' equals ROME appellation 20492 'Urbaniste', but its "
        "ROME fiche K1807 is in no domaine professionnel of the source's ROME code(s) M1806"
        for s in ("emploi-type/urbaniste", "emploi-type/urbaniste/appellation/urbaniste")
    }
    # Same domaine, other fiche: kept (the database administrator of M1801 is ROME's M1894 one).
    kept = {m.subject[len(BASE) :] for m in linked if m.object == f"{BASE}rome/appellation/10301"}
    assert kept == {"emploi-type/administrateur-d-infrastructure/appellation/administrateur-de-bases-de-donnees"}


def test_a_source_without_rome_codes_contradicts_no_equal_title() -> None:
    title = _subject("Urbaniste", kind="emploi-type")
    links = rome_appellation_links({title.iri: title}, {"20492": "Urbaniste"}, IRIS, None, {"20492": "K1807"})
    assert [(m.object, m.negated) for m in links] == [(f"{BASE}rome/appellation/20492", False)]
    filed = Subject(title.iri, "emploi-type", "Urbaniste", ("Urbaniste",), (), (f"{BASE}rome/K1802",), (), "d", 1)
    links = rome_appellation_links({filed.iri: filed}, {"20492": "Urbaniste"}, IRIS, None, {"20492": "K1807"})
    assert [m.negated for m in links] == [False]  # K18 like K1807: the same domaine professionnel


def test_skills_get_scored_rome_candidates_and_strict_matches(seed_alignment) -> None:
    """Savoir-faire meet ROME's savoir-faire compétences, connaissances its savoirs; only an equal title of
    exactly one ROME item is asserted (9 connaissances), the rest are candidates for a reviewer."""
    from kg.alignment.rome_skills import ROME_SKILL_TARGET, rome_skill_candidates

    links = [m for m in seed_alignment.mappings if m.target == ROME_SKILL_TARGET]
    assert Counter(m.subject_kind for m in links) == {"connaissance": 9}
    assert all(m.predicate == CLOSE and m.justification == LEXICAL and m.confidence == 0.8 for m in links)
    assert all(m.object.startswith(f"{BASE}rome/savoir/") for m in links)
    by_label = {m.subject_label: m.object_label for m in links}
    assert by_label["Conduite de réunion"] == "Conduite de réunions"  # plural aside, as for ESCO labels
    skills = [s for s in seed_alignment.subjects.values() if s.kind in ("savoir-faire", "connaissance")]
    found = {s.iri: rome_skill_candidates(s, BASE) for s in skills}
    assert (len(skills), sum(1 for c in found.values() if c), sum(len(c) for c in found.values())) == (337, 237, 549)
    assert all(0.5 <= c.score <= 1.0 and "~ ROME fr pref" in c.evidence for cs in found.values() for c in cs)
    kinds = {("competence" in c.object, s.kind) for s in skills for c in found[s.iri]}
    assert kinds == {(True, "savoir-faire"), (False, "connaissance")}


def test_reviewed_rome_skill_decisions_replace_the_matcher(seed_digests, seed_alignment) -> None:
    """A reviewer's ROME decisions on a skill (the curation file, as for ESCO) replace its automatic
    match: a rejected closeMatch stays as a negative mapping, an accepted candidate is asserted;
    the other skills keep theirs, and candidates.tsv shows the decisions."""
    from kg.alignment.curation import CurationError, parse_curation
    from kg.alignment.rome_skills import ROME_SKILL_TARGET, rome_skill_candidates
    from kg.alignment.workflow import candidates_tsv
    from tests.kg.alignment.test_curation import HEADER_AND_COLUMNS

    automatic = {m.subject_label: m for m in seed_alignment.mappings if m.target == ROME_SKILL_TARGET}
    rejected = automatic["Conduite de réunion"]
    skill = next(
        s for s in seed_alignment.subjects.values() if s.kind == "savoir-faire" and rome_skill_candidates(s, BASE)
    )
    accepted = rome_skill_candidates(skill, BASE)[0].object

    def curie(iri: str) -> str:
        return "kg:" + iri[len(BASE) :]

    rows = [
        f"{curie(rejected.subject)}\tConduite de réunion\tskos:closeMatch\tNot\t{curie(rejected.object)}\t\t"
        "semapv:ManualMappingCuration\t0.9\tmkgagent:reviewer\tA reviewer\t2026-01-31\tnot the same, say",
        f"{curie(skill.iri)}\t{skill.label}\tskos:closeMatch\t\t{curie(accepted)}\t\t"
        "semapv:ManualMappingCuration\t0.7\tmkgagent:reviewer\tA reviewer\t2026-01-31\tthe same work",
    ]
    reviewed = parse_curation(HEADER_AND_COLUMNS + "\n" + "\n".join(rows) + "\n", Path("curation.sssom.tsv"))
    alignment = align_corpus(seed_digests, Iris(BASE), reviewed)
    links = {(m.subject, m.object): m for m in alignment.mappings if m.target == ROME_SKILL_TARGET}
    assert links[(rejected.subject, rejected.object)].negated
    assert links[(rejected.subject, rejected.object)].justification == MANUAL
    assert not links[(skill.iri, accepted)].negated and links[(skill.iri, accepted)].object_label
    assert len(links) == len(automatic) + 1  # the eight other automatic matches stay
    rows_out = [line.split("\t") for line in candidates_tsv(alignment, Iris(BASE)).splitlines()]
    decided = {r[8] for r in rows_out if r[0] == curie(skill.iri) and r[4] == curie(accepted)}
    assert decided == {"reviewed: closeMatch"}
    with pytest.raises(CurationError, match=r"curation.sssom.tsv:\d+: object_id 'kg:rome/competence/x1' is not"):
        parse_curation(
            HEADER_AND_COLUMNS + "\n" + rows[1].replace(curie(accepted), "kg:rome/competence/x1") + "\n",
            Path("curation.sssom.tsv"),
        )
