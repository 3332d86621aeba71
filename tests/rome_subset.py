"""A smaller ROME export for the tests that build stores: every fiche, the detail of a few.

The complete export maps to 0.8 M triples; dozens of tests build stores from the seeds and
dump, reload or serve them, and each would pay for them. This writes, from the vendored export,
an export of the same kind (same files, columns, encodings and quirks) keeping every grand
domaine, domaine and fiche (with its RIASEC and principal appellation), but the texts,
secteurs, appellations, compétences, savoirs, contextes and mobilités of the fiches the seeds
name only. The full export is tested by tests/kg/sources/test_rome.py and tests/kg/test_rome.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from kg.core.text import fold
from kg.sources._rome_files import FILE_NAME, LEGACY_ENCODING
from kg.sources.rome import gendered_forms

DETAILED_DOMAINES: tuple[str, ...] = ()  # besides every fiche a seed names


def _read(data: bytes, name: str) -> tuple[str, list[list[str]]]:
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        encoding = LEGACY_ENCODING[name]
        text = data.decode(encoding)
    return encoding, list(csv.reader(io.StringIO(text, newline="")))


def _named_in(label: str, text: str) -> bool:
    """Whether the folded text holds the label or one of its gender forms, as whole words."""
    return any(f" {fold(form)} " in text for form in [label, *(gendered_forms(label) or ())])


def write_subset(
    source: Path,
    target: Path,
    detailed_fiches: set[str],
    seed_text: str = "",
    skill_items: frozenset[str] = frozenset(),
) -> Path:
    """The subset export in ``target``; it also keeps every appellation whose title ``seed_text`` holds
    (so that our sources' links to ROME appellations are the same as with the complete export), and
    the compétences and savoirs ``skill_items`` (codes OGR: those our skills meet, see seed_skill_items)."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as archive:
        members = {Path(n).name: archive.read(n) for n in archive.namelist()}
    tables = {}
    for member, data in members.items():
        match = FILE_NAME.match(member)
        if match is None:
            (target / member).write_bytes(data)
            continue
        tables[match["name"]] = (member, *_read(data, match["name"]))

    def rows(name: str) -> list[dict[str, str]]:
        header, *body = tables[name][2]
        return [dict(zip(header, row)) for row in body]

    keep_fiche = {
        r["code_rome"]
        for r in rows("referentiel_code_rome")
        if r["code_rome"] in detailed_fiches or r["code_rome"][:3] in DETAILED_DOMAINES
    }
    links = [r for r in rows("liens_rome_referentiels") if r["code_rome"] in keep_fiche]
    items = {r["code_ogr"] for r in links} | set(skill_items)
    macros = {r["code_ogr_macro_comp"] for r in rows("referentiel_competence") if r["code_ogr"] in items}
    items |= macros
    folded = f" {fold(seed_text)} "
    principal = {
        r["code_ogr"]
        for r in rows("referentiel_appellation")
        if r["classification"] == "PRINCIPALE" or (seed_text and _named_in(r["libelle_appellation_long"], folded))
    }
    filters = {
        "referentiel_appellation": lambda r: r["code_ogr"] in items or r["code_ogr"] in principal,
        "liens_rome_referentiels": lambda r: r["code_rome"] in keep_fiche or r["code_compo_bloc"] == "1",
        "coherence_item": lambda r: r["code_rome"] in keep_fiche,
        "rubrique_mobilite": lambda r: r["code_rome"] in keep_fiche,
        "referentiel_competence": lambda r: r["code_ogr"] in items,
        "referentiel_macro_competence_riasec": lambda r: r["code_ogr"] in items,
        "referentiel_savoir": lambda r: r["code_ogr_savoir"] in items,
        "referentiel_contexte_travail": lambda r: r["code_ogr"] in items,
        "item": lambda r: r["code_ogr"] in items,
        "texte": lambda r: r["code_rome"] in keep_fiche,
        "arborescence_secteur_activite": lambda r: r["code_rome"] in keep_fiche,
        "arborescence_secteur_naf": lambda r: r["code_rome"] in keep_fiche,
        "arborescence_thematique": lambda r: r["code_rome"] in keep_fiche,
        "arborescence_centre_interet": lambda r: r["code_rome"] in keep_fiche,
    }
    for name, (member, encoding, table) in tables.items():
        header, *body = table
        keep = filters.get(name)
        kept = [row for row in body if keep is None or keep(dict(zip(header, row)))]
        out = io.StringIO(newline="")
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *kept])
        (target / member).write_bytes(out.getvalue().encode(encoding))
    return target


def seed_skill_items(seeds: Path, export: Path) -> frozenset[str]:
    """Codes OGR of the ROME compétences and savoirs the seeds' skills meet in the complete export: their
    candidates and their equal titles, so that the skills' ROME alignment is the same with the subset."""
    from kg.alignment.align import merge_subjects
    from kg.alignment.rome_skills import KIND_PART, rome_skill_candidates, rome_skill_keys
    from kg.alignment.workflow import digests_of
    from kg.core.text import key
    from kg.core.vocab import DEFAULT_BASE_IRI
    from kg.mapping import Iris

    subjects = merge_subjects(s for d in digests_of(seeds, Iris(DEFAULT_BASE_IRI)) for s in d.subjects)
    found = set()
    for subject in subjects.values():
        if subject.kind in KIND_PART:
            found |= {c.object for c in rome_skill_candidates(subject, DEFAULT_BASE_IRI, export)}
            by_key = rome_skill_keys(subject.kind, DEFAULT_BASE_IRI, export)
            found |= {iri for label in subject.labels_fr for iri in by_key.get(key(label), ())}
    return frozenset(iri.rsplit("/", 1)[-1] for iri in found)
