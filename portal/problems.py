"""Problems are data: a stable code, a severity, where it is, and the fix in one French sentence.

Every code the checks can yield is registered in ``CODES``, once, with its default severity,
the check that yields it and the checklist criterion it fails. The docs and the score are
derived from this table; a test keeps the docs in step with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class CodeInfo:
    severity: Severity
    check: str
    criterion: str | None  # the checklist criterion it fails; None: a remark outside the score
    summary: str


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    message: str
    fix: str
    check: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def escalated(self) -> Problem:
        """The same problem as an error (``--strict``)."""
        return replace(self, severity="error")


def _codes(check: str, criterion: str | None, severity: Severity, **summaries: str) -> dict:
    return {
        code.replace("_", "-"): CodeInfo(severity, check, criterion, summary) for code, summary in summaries.items()
    }


CODES: dict[str, CodeInfo] = {
    # loading: the descriptor itself
    **_codes(
        "loading",
        "valid",
        "error",
        descriptor_missing="le dossier n'a pas de datapackage.json",
        descriptor_invalid_json="datapackage.json n'est pas un JSON valide",
        descriptor_not_utf8="datapackage.json n'est pas encodé en UTF-8",
        descriptor_not_object="datapackage.json ne contient pas un objet JSON",
        path_not_found="le chemin donné en argument n'existe pas",
        path_unreadable="le dossier donné en argument ne peut pas être lu",
        descriptor_unreadable="datapackage.json ne peut pas être lu (droits, fichier spécial)",
        descriptor_too_deep="datapackage.json imbrique des listes ou des objets sur plus de 64 niveaux",
    ),
    **_codes(
        "loading",
        None,
        "warning",
        datasets_empty="le dossier des jeux ne contient encore aucun jeu (un portail tout juste créé)",
    ),
    **_codes(
        "internal",
        "valid",
        "error",
        check_crashed="un contrôle a échoué sur une entrée imprévue (défaut du validateur)",
    ),
    # profile: the JSON Schema of the portal profile
    **_codes(
        "profile",
        "valid",
        "error",
        profile_invalid="une propriété ne respecte pas le profil du portail",
        name_mismatch="`name` diffère du nom du dossier",
        name_unsafe=(
            "un nom qui devient un nom de fichier ou une adresse (dossier du jeu, `name` du jeu, d'une ressource "
            "ou d'une vue) ne suit pas la règle de nommage"
        ),
        resource_name_duplicate="deux ressources portent le même nom",
    ),
    # files: where the resources are and how they are encoded
    **_codes(
        "files",
        "available",
        "error",
        resource_missing="le fichier d'une ressource est introuvable",
        resource_not_file="le chemin d'une ressource n'est pas un fichier (dossier, tube nommé, périphérique, socket)",
        path_unsafe="le chemin d'une ressource sort du dossier du jeu",
        file_empty="le fichier d'une ressource est vide",
    ),
    **_codes(
        "files",
        "available",
        "warning",
        resource_remote="une ressource distante n'a pas été lue (--allow-remote pour la lire)",
    ),
    **_codes(
        "files",
        "valid",
        "error",
        encoding_not_utf8="le fichier n'est pas en UTF-8",
        schema_unresolved="le schéma de la ressource est introuvable",
        schema_path_unsafe="le chemin du schéma d'une ressource sort du dossier du jeu",
    ),
    **_codes(
        "files",
        "valid",
        "warning",
        encoding_declared_not_utf8="la ressource déclare un encodage autre que l'UTF-8",
    ),
    # structure and content: frictionless' findings, under their own stable codes
    **_codes(
        "structure",
        "valid",
        "error",
        blank_label="un en-tête de colonne est vide",
        duplicate_label="deux colonnes portent le même en-tête",
        incorrect_label="un en-tête diffère du nom du champ dans le schéma",
        missing_label="une colonne du schéma manque dans le fichier",
        extra_label="le fichier a une colonne que le schéma ne déclare pas",
        blank_row="une ligne est entièrement vide",
        extra_cell="une ligne a plus de cellules que d'en-têtes",
        missing_cell="une ligne a moins de cellules que d'en-têtes",
        type_error="une valeur n'est pas du type déclaré",
        constraint_error="une valeur ne respecte pas une contrainte du champ",
        unique_error="une valeur censée être unique est répétée",
        primary_key="une clé primaire est répétée ou vide",
        foreign_key="une clé étrangère ne renvoie à aucune ligne",
        row_constraint="une ligne ne respecte pas une contrainte de ligne",
        source_error="le fichier n'a pas pu être lu comme un tableau",
        schema_error="le schéma Table Schema est invalide",
        table_error="autre erreur de structure signalée par frictionless",
    ),
    # national SCDL schemas: the custom checks, as Validata runs them
    **_codes(
        "scdl",
        "valid",
        "error",
        siret_invalid="un numéro SIRET est mal formé ou sa clé de contrôle est fausse",
        siren_invalid="un numéro SIREN est mal formé ou sa clé de contrôle est fausse",
        rna_invalid="un numéro RNA d'association n'est pas W suivi de 9 chiffres",
        year_interval_invalid="une année ou une période AAAA/AAAA est mal écrite ou à l'envers",
        compare_columns_invalid="deux colonnes d'une ligne ne sont pas dans l'ordre que le schéma exige (dates, effectifs)",
        sum_columns_invalid="une colonne n'est pas égale à la somme des colonnes dont elle est le total",
        cohesive_columns_invalid="des colonnes qui vont ensemble ne sont pas toutes remplies ou toutes vides",
        one_of_required_missing="aucune des deux colonnes dont l'une au moins est exigée n'est remplie",
        nomenclature_invalid="une matière ne suit pas la nomenclature ACTES « matière/sous-matière »",
        gps_out_of_france="des coordonnées tombent hors de France (métropole et outre-mer)",
        gps_swapped="la latitude et la longitude semblent inversées",
    ),
    # national SCDL schemas: Validata's remarks on the header
    **_codes(
        "scdl",
        None,
        "warning",
        scdl_missing_optional_column="une colonne facultative du schéma national manque",
        scdl_extra_column="le fichier a une colonne que le schéma national ne prévoit pas",
        scdl_column_order="les colonnes ne suivent pas l'ordre du schéma national",
    ),
    # licence
    **_codes(
        "licence",
        "licence",
        "error",
        licence_missing="aucune licence n'est déclarée",
        licence_unknown="la licence n'est pas reconnue",
        licence_not_open="la licence n'est pas une licence ouverte",
    ),
    **_codes(
        "licence",
        None,
        "warning",
        licence_not_homologated=(
            "un éditeur public utilise une licence hors des deux que le décret 2017-638 permet sans homologation"
        ),
    ),
    # freshness
    **_codes(
        "freshness",
        "frequency",
        "warning",
        frequency_missing="aucune fréquence de mise à jour n'est déclarée",
        frequency_unknown="la fréquence de mise à jour est « inconnue »",
    ),
    **_codes(
        "freshness",
        "frequency",
        "error",
        frequency_invalid="la fréquence n'est pas dans le vocabulaire",
    ),
    **_codes(
        "freshness",
        "on-time",
        "warning",
        stale="les données sont en retard sur leur fréquence de mise à jour",
        modified_missing="la date de dernière mise à jour (`modified`) manque",
    ),
    **_codes(
        "freshness",
        "on-time",
        "error",
        modified_in_future="la date de dernière mise à jour est dans le futur",
        modified_invalid="la date de dernière mise à jour n'est pas une date ISO 8601",
    ),
    # metadata completeness
    **_codes(
        "metadata",
        "description",
        "warning",
        description_missing="le jeu n'a pas de description",
        description_too_short="la description fait 100 caractères ou moins",
    ),
    **_codes("metadata", "temporal", "warning", temporal_missing="la couverture temporelle manque"),
    **_codes(
        "metadata",
        "temporal",
        "error",
        temporal_invalid="la couverture temporelle finit avant de commencer",
    ),
    **_codes("metadata", "spatial", "warning", spatial_missing="la couverture spatiale manque"),
    **_codes(
        "metadata",
        "spatial",
        "error",
        spatial_code_invalid="le code de la couverture spatiale ne correspond à aucun code connu",
    ),
    **_codes("metadata", "publisher", "warning", publisher_missing="aucun éditeur (`publisher`)"),
    **_codes("metadata", "sources", "warning", sources_missing="aucune source n'est citée"),
    **_codes(
        "metadata",
        "documented",
        "warning",
        resource_description_missing="une ressource n'a pas de description",
    ),
    **_codes(
        "metadata",
        "fields",
        "warning",
        field_description_missing="un champ n'a pas de description",
        schema_missing="une ressource tabulaire n'a pas de schéma",
    ),
    # descriptions: what their Markdown would embed or link
    **_codes(
        "descriptions",
        None,
        "warning",
        description_remote_image="une description affiche une image d'un autre site (la page en fait un lien)",
        description_unsafe_link="une description contient un lien qui n'est pas une adresse web (la page n'en garde que le texte)",
        description_plain_text="une description trop longue ou trop imbriquée pour le Markdown est montrée en texte brut",
    ),
    # open formats
    **_codes(
        "formats",
        "open-format",
        "warning",
        closed_format="une ressource est dans un format fermé",
    ),
    **_codes(
        "formats",
        "open-format",
        "error",
        no_open_format="aucune ressource n'est dans un format ouvert",
    ),
    # chart declarations (views)
    **_codes(
        "views",
        None,
        "error",
        view_invalid="une déclaration de graphique est mal formée",
        view_type_unknown="le type de graphique n'existe pas",
        view_resource_unknown="le graphique porte sur une ressource qui n'existe pas",
        view_field_unknown="le graphique utilise un champ qui n'existe pas",
        view_type_mismatch="le champ des valeurs d'un graphique n'est pas numérique",
        view_too_many_rows="le graphique aurait plus de 5 000 lignes de données",
        view_spec_remote="une spécification Vega-Lite désigne une adresse, un lien ou un schéma de script",
        view_spec_too_large="une spécification Vega-Lite génère plus que les limites du portail (valeurs, pixels, taille)",
    ),
    # what reaches the outputs: text and links
    **_codes(
        "text",
        None,
        "warning",
        text_control_characters="un texte contient des caractères de contrôle, retirés des pages et du catalogue",
    ),
    **_codes(
        "text",
        None,
        "error",
        text_control_escape="une spécification Vega-Lite écrit un caractère de contrôle que le SVG ne peut pas contenir",
    ),
    **_codes(
        "links",
        None,
        "warning",
        url_not_web="une adresse n'est pas une URL http(s) valide : elle n'est pas publiée",
        email_invalid="une adresse e-mail est mal formée : elle n'est pas publiée",
    ),
    # personal data
    **_codes(
        "personal-data",
        "personal-data",
        "warning",
        personal_data="une colonne semble contenir des données personnelles",
    ),
}


def problem(
    code: str,
    message: str,
    fix: str,
    *,
    file: str | None = None,
    row: int | None = None,
    field: str | None = None,
) -> Problem:
    """Build a registered problem; an unregistered code is a programming error."""
    info = CODES[code]
    return Problem(
        code=code,
        severity=info.severity,
        message=message,
        fix=fix,
        check=info.check,
        file=file,
        row=row,
        field=field,
    )
