"""Which files of the ROME export the model reads, and which of their columns: a missing one fails the build."""

from __future__ import annotations

from kg.sources._rome_files import Export, ExportFile, read_file

# The columns the model reads, per needed file: a missing file or column fails the build.
FICHE_FILES = {
    "grand_domaine": ("code_grand_domaine", "libelle_grand_domaine"),
    "domaine_professionnel": ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    "referentiel_code_rome": (
        "code_rome",
        "code_ogr",
        "libelle_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "code_rome_parent",
    ),
    "referentiel_code_rome_riasec": ("code_rome", "riasec_majeur", "riasec_mineur"),
    "texte": ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"),
}
FILES = {
    **FICHE_FILES,
    "referentiel_appellation": (
        "code_ogr",
        "libelle_appellation_long",
        "libelle_appellation_court",
        "code_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "classification",
        "peu_usite",
    ),
    "referentiel_competence": (
        "code_ogr",
        "nature",
        "libelle_competence",
        "definition",
        "code_ogr_macro_comp",
        "code_macro_comp",
        "cat_comp",
        "sous_cat_comp",
        "transition_eco",
        "transition_num",
        "libelle_heterogeneite",
        "libelle_origine",
    ),
    "referentiel_macro_competence_riasec": ("code_ogr", "riasec_majeur", "riasec_mineur"),
    "referentiel_savoir": (
        "code_ogr_savoir",
        "libelle_savoir",
        "categorie_savoir",
        "sous_categorie_savoir",
        "transition_eco",
        "transition_num",
    ),
    "referentiel_contexte_travail": (
        "code_ogr",
        "libelle_cont_travail",
        "code_type_cont_trav",
        "libelle_type_cont_trav",
    ),
    "liens_rome_referentiels": ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"),
    "coherence_item": ("code_rome", "code_ogr", "coeur_metier"),
    "rubrique_mobilite": ("code_rome", "code_rome_cible", "numero_ordre"),
    "secteur_activite": ("code_sect_activite", "libelle_sect_activite", "definition_sect_activite"),
    "sous_secteur_activite": (
        "code_ss_sect_activite",
        "libelle_ss_sect_activite",
        "definition_ss_sect_activite",
        "code_sect_activite",
    ),
    "arborescence_secteur_activite": ("code_sect_activite", "code_ss_sect_activite", "code_rome", "principal"),
    "secteur_naf": ("code_secteur_naf", "libelle_secteur_naf"),
    "arborescence_secteur_naf": ("code_secteur_naf", "code_rome"),
    "themes": ("code_theme", "libelle_theme", "definition_theme"),
    "arborescence_thematique": ("code_theme", "code_rome"),
    "centre_interet": ("code_centre_interet", "libelle_centre_interet", "definition_centre_interet"),
    "arborescence_centre_interet": ("code_centre_interet", "code_rome", "principal"),
}


def open_files(export: Export, wanted: dict[str, tuple[str, ...]]) -> dict[str, ExportFile]:
    """The rows of each ``wanted`` file, checked to have its columns."""
    return {name: read_file(export, name, columns) for name, columns in wanted.items()}
