"""France Travail's ROME open-data export (folder or zip) → frozen dataclasses; no RDF.

Every code a file refers to must be defined by the file that owns it (a link to an unknown
fiche, compétence or appellation fails with its file and line), so that the mapping never
mints a dangling IRI. The export's defects are handled in ``_rome_files`` and reported in
``RomeExport.quirks``; the competence tree, missing from the export, is rebuilt from codes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.core.text import fold
from kg.sources import _rome_classifications as classifications
from kg.sources import _rome_columns as columns
from kg.sources import _rome_records as records
from kg.sources._rome_files import Export, ExportFile, Version, open_export, read_version
from kg.sources._rome_types import (
    Appellation,
    Classified,
    Competence,
    Contexte,
    Fiche,
    FicheLink,
    Labelled,
    Link,
    Mobility,
    Savoir,
    Sector,
)

__all__ = [
    "Appellation",
    "Classified",
    "Competence",
    "Contexte",
    "Fiche",
    "FicheLink",
    "Labelled",
    "Link",
    "Mobility",
    "RomeExport",
    "gendered_forms",
    "RomeFiches",
    "Savoir",
    "Sector",
    "Version",
    "parse_export",
    "read_appellations",
    "read_fiches",
]


@dataclass(frozen=True)
class RomeFiches:
    """The fiche hierarchy only: what the seeds' constraints reach (cheap to read in every worker)."""

    path: Path
    version: Version
    checksum: str  # sha256 over the export's member checksums: its content address
    files: tuple[tuple[str, str, str], ...]  # (member, sha256, encoding) of every file read
    grands_domaines: tuple[Labelled, ...]
    domaines: tuple[Labelled, ...]
    fiches: tuple[Fiche, ...]


@dataclass(frozen=True)
class RomeExport:
    """The whole export, as the model needs it."""

    fiches: RomeFiches
    appellations: tuple[Appellation, ...]
    competences: tuple[Competence, ...]
    savoirs: tuple[Savoir, ...]
    contextes: tuple[Contexte, ...]
    links: tuple[Link, ...]  # fiche → appellation / compétence / savoir / contexte, with coeur de métier
    mobilities: tuple[Mobility, ...]
    sectors: tuple[Sector, ...]  # secteurs d'activité and their sous-secteurs
    naf_sectors: tuple[Sector, ...]
    themes: tuple[Sector, ...]
    interests: tuple[Sector, ...]
    fiche_sectors: tuple[FicheLink, ...]
    fiche_naf: tuple[FicheLink, ...]
    fiche_themes: tuple[FicheLink, ...]
    fiche_interests: tuple[FicheLink, ...]
    quirks: tuple[str, ...]  # what was repaired or could not be read, in English, for the graph

    @property
    def path(self) -> Path:
        return self.fiches.path


def gendered_forms(label: str) -> tuple[str, str] | None:
    """'Conducteur / Conductrice d'engins agricoles' → ("Conducteur d'engins agricoles", "Conductrice d'…").

    Split only when the label has one " / " and the words before it and the same number of
    words after it share their stem (≥ 3 letters), i.e. they are the two genders of one title;
    every other label ("Chef de gisement", "Accessoiriste / Machiniste") is left whole.
    """
    if label.count(" / ") != 1:
        return None
    left, right = label.split(" / ")
    head, words = left.split(), right.split()
    if len(words) < len(head):
        return None
    stem_left, stem_right = fold(head[0]), fold(words[0])
    if len(stem_left) < 3 or stem_left[:3] != stem_right[:3]:
        return None
    rest = " ".join(words[len(head) :])
    return (f"{left} {rest}" if rest else left), right


def checksum(export: Export) -> str:
    """The content address of an export: sha256 of its members' sha256 sums (name order)."""
    lines = "".join(f"{sha}  {member}\n" for member, sha in export.checksums().items())
    return hashlib.sha256(lines.encode()).hexdigest()


def _fiches(export: Export, opened: dict[str, ExportFile]) -> RomeFiches:
    version = read_version(export)
    grands = records.labelled(opened, "grand_domaine", "code_grand_domaine", "libelle_grand_domaine")
    domaines = records.labelled(
        opened,
        "domaine_professionnel",
        "code_domaine_professionnel",
        "libelle_domaine_professionnel",
        parents={g.code for g in grands},
    )
    fiches = records.fiches(opened, {d.code for d in domaines})
    files = tuple((f.member, f.sha256, f.encoding) for f in opened.values())
    return RomeFiches(export.path, version, checksum(export), files, grands, domaines, fiches)


def read_fiches(path: Path) -> RomeFiches:
    """The fiches, domaines and grands domaines of the export at ``path`` (folder or zip)."""
    export = open_export(path)
    opened = columns.open_files(export, columns.FICHE_FILES)
    return _fiches(export, opened)


def read_appellations(path: Path) -> tuple[Appellation, ...]:
    """The appellations of the export at ``path`` (what the alignment of our sources needs)."""
    export = open_export(path)
    opened = columns.open_files(
        export, {**columns.FICHE_FILES, "referentiel_appellation": columns.FILES["referentiel_appellation"]}
    )
    return records.appellations(opened, {f.code: f for f in _fiches(export, opened).fiches})


def read_skills(path: Path) -> tuple[tuple[Competence, ...], tuple[Savoir, ...]]:
    """The compétences and savoirs of the export at ``path`` (what the alignment of our skills needs)."""
    export = open_export(path)
    opened = columns.open_files(
        export,
        {
            name: columns.FILES[name]
            for name in ("referentiel_competence", "referentiel_macro_competence_riasec", "referentiel_savoir")
        },
    )
    return records.competences(opened), records.savoirs(opened)


def parse_export(path: Path) -> RomeExport:
    """Read and check the whole export at ``path``; any error names its file and line."""
    export = open_export(path)
    opened = columns.open_files(export, columns.FILES)
    head = _fiches(export, opened)
    fiche_codes = {f.code: f for f in head.fiches}
    appellations = records.appellations(opened, fiche_codes)
    competences = records.competences(opened)
    savoirs = records.savoirs(opened)
    contextes = records.contextes(opened)
    links = records.links(
        opened,
        fiche_codes,
        {a.code for a in appellations},
        {c.code for c in competences},
        {s.code for s in savoirs},
        {c.code for c in contextes},
    )
    sectors = classifications.sectors(opened)
    naf = classifications.naf_sectors(opened)
    themes = classifications.classified(opened, "themes", "code_theme", "libelle_theme", "definition_theme")
    interests = classifications.classified(
        opened, "centre_interet", "code_centre_interet", "libelle_centre_interet", "definition_centre_interet"
    )
    sector_codes = {s.code for s in sectors}
    return RomeExport(
        fiches=head,  # read from every opened file, so its files are all the export's files read
        appellations=appellations,
        competences=competences,
        savoirs=savoirs,
        contextes=contextes,
        links=links,
        mobilities=records.mobilities(opened, fiche_codes),
        sectors=sectors,
        naf_sectors=naf,
        themes=themes,
        interests=interests,
        fiche_sectors=classifications.fiche_links(
            opened,
            "arborescence_secteur_activite",
            "code_ss_sect_activite",
            sector_codes,
            fiche_codes,
            fallback="code_sect_activite",
        ),
        fiche_naf=classifications.fiche_links(
            opened, "arborescence_secteur_naf", "code_secteur_naf", {s.code for s in naf}, fiche_codes
        ),
        fiche_themes=classifications.fiche_links(
            opened, "arborescence_thematique", "code_theme", {t.code for t in themes}, fiche_codes
        ),
        fiche_interests=classifications.fiche_links(
            opened, "arborescence_centre_interet", "code_centre_interet", {i.code for i in interests}, fiche_codes
        ),
        quirks=_quirks(export, opened),
    )


def _quirks(export: Export, opened: dict[str, ExportFile]) -> tuple[str, ...]:
    """What the export needed repaired or lacks, said plainly (the graph carries these notes)."""
    notes = []
    for f in opened.values():
        if f.repaired_apostrophes:
            notes.append(
                f"{f.member}: doubled apostrophes ('') read as one apostrophe in {f.repaired_apostrophes} "
                "fields (an escaping artefact of the export)"
            )
        if f.encoding != "utf-8":
            notes.append(f"{f.member}: encoded in {f.encoding} despite its _utf8 name; decoded as {f.encoding}")
    for name, (member, data) in sorted(export.members.items()):
        if name not in opened and len(data.strip().splitlines()) <= 1:
            notes.append(f"{member}: holds only its header (no rows); not needed by the model")
    if "arborescence_competences" not in export.members:
        notes.append(
            "the competence tree file (arborescence_competences) is not in the export: domaines de "
            "compétences, enjeux and objectifs are rebuilt from the macro-compétence codes "
            "(e.g. 4A101 → 4, 4A, 4A1) and carry notations only; their labels are not published "
            "in this export and none is invented"
        )
    else:
        notes.append(
            "the competence tree file (arborescence_competences) is present but not read: the tree is "
            "rebuilt from the macro-compétence codes, with notations only"
        )
    return tuple(notes)
