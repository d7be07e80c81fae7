"""Structure and content: frictionless validates every readable resource against its Table Schema.

Each resource is validated on its own, so one broken schema does not hide the others; a
resource with foreign keys is validated inside a package of the readable resources.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

from portal.checks.base import Context
from portal.files import ResourceFile
from portal.problems import CODES, Problem, problem

NAME = "structure"

# Messages for frictionless' error types; the code is frictionless' own type when registered.
MESSAGES = {
    "blank-label": (
        "la colonne {field_number} n'a pas d'en-tête",
        "Donnez un nom à chaque colonne dans la ligne d'en-têtes.",
    ),
    "duplicate-label": (
        "l'en-tête « {label} » apparaît deux fois ({note})",
        "Renommez l'une des deux colonnes : chaque en-tête doit être unique.",
    ),
    "incorrect-label": (
        "l'en-tête « {label} » ne correspond pas au champ « {field_name} » du schéma",
        "Renommez la colonne comme le champ du schéma, ou corrigez le schéma.",
    ),
    "missing-label": (
        "la colonne « {field_name} » du schéma manque dans le fichier",
        "Ajoutez la colonne au fichier ou retirez le champ du schéma.",
    ),
    "extra-label": (
        "la colonne « {label} » n'est pas déclarée dans le schéma",
        "Déclarez ce champ dans le schéma ou retirez la colonne.",
    ),
    "blank-row": ("la ligne {row_number} est vide", "Supprimez les lignes vides."),
    "extra-cell": (
        "la ligne {row_number} a une cellule de trop (« {cell} »)",
        "Vérifiez le séparateur et les guillemets de cette ligne.",
    ),
    "missing-cell": (
        "ligne {row_number}, la cellule « {field_name} » manque",
        "Complétez la ligne : elle doit avoir autant de cellules que d'en-têtes.",
    ),
    "type-error": (
        "ligne {row_number}, champ « {field_name} » : « {cell} » n'est pas {note}",
        "Corrigez la valeur, ou le type du champ dans le schéma.",
    ),
    "constraint-error": (
        "ligne {row_number}, champ « {field_name} » : « {cell} » ne respecte pas la contrainte {note}",
        "Corrigez la valeur, ou la contrainte du champ dans le schéma.",
    ),
    "unique-error": (
        "ligne {row_number}, champ « {field_name} » : « {cell} » est répété ({note})",
        "Chaque valeur de ce champ doit être unique : corrigez le doublon.",
    ),
    "primary-key": (
        "ligne {row_number} : la clé primaire est répétée ou vide ({note})",
        "Chaque ligne doit avoir une clé primaire unique et renseignée.",
    ),
    "foreign-key": (
        "ligne {row_number} : la clé étrangère ne renvoie à aucune ligne ({note})",
        "Corrigez la valeur, ou ajoutez la ligne référencée.",
    ),
    "row-constraint": (
        "ligne {row_number} : contrainte de ligne non respectée ({note})",
        "Corrigez les valeurs de la ligne.",
    ),
}
FALLBACK = ("{message}", "Corrigez le fichier ou son schéma selon ce message de frictionless.")


def _frictionless_descriptor(resource_file: ResourceFile) -> dict[str, Any]:
    """The resource as frictionless should read it: our encoding decision, no portal extras."""
    descriptor = {k: v for k, v in resource_file.descriptor.items() if k not in {"sources", "views"}}
    # Relative to a basepath: frictionless refuses absolute paths as unsafe.
    descriptor["path"] = resource_file.path.name if resource_file.path else resource_file.url
    descriptor["encoding"] = resource_file.encoding
    if resource_file.format and "format" not in descriptor:
        descriptor["format"] = resource_file.format
    return descriptor


TYPE_NAMES = {
    "integer": "un entier",
    "number": "un nombre",
    "boolean": "un booléen",
    "date": "une date AAAA-MM-JJ",
    "datetime": "une date et heure ISO 8601",
    "time": "une heure HH:MM:SS",
    "year": "une année",
    "yearmonth": "un mois AAAA-MM",
    "object": "un objet JSON",
    "array": "une liste JSON",
    "geopoint": "un point géographique",
    "duration": "une durée ISO 8601",
}
CONSTRAINT_NAMES = {
    "required": "« obligatoire » (valeur manquante)",
    "unique": "« unique »",
    "minimum": "« minimum {value} »",
    "maximum": "« maximum {value} »",
    "exclusiveMinimum": "« strictement supérieur à {value} »",
    "exclusiveMaximum": "« strictement inférieur à {value} »",
    "minLength": "« au moins {value} caractères »",
    "maxLength": "« au plus {value} caractères »",
    "pattern": "« motif {value} »",
    "enum": "« valeurs permises : {value} »",
}
FRENCH_NUMBER = re.compile(r"^-?\d{1,3}([  \u202f.]\d{3})+(,\d+)?$|^-?\d+,\d+$")
FRENCH_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")


def french_note(kind: str, note: str) -> str:
    """frictionless' English note, said in French for the common cases."""
    if kind == "type-error" and (match := re.match(r'type is "(\w+)/', note)):
        return TYPE_NAMES.get(match.group(1), f"du type {match.group(1)}")
    if kind == "constraint-error" and (match := re.match(r'constraint "(\w+)" is "(.*)"', note)):
        template = CONSTRAINT_NAMES.get(match.group(1), "« {name} : {value} »")
        return template.format(name=match.group(1), value=match.group(2))
    return f"({note})" if note else ""


def french_fix(kind: str, cell: object, fix: str) -> str:
    """Point French-formatted numbers and dates to the schema options that accept them."""
    if kind == "type-error" and isinstance(cell, str):
        if FRENCH_NUMBER.match(cell.strip()):
            return fix + ' Pour un nombre écrit à la française, déclarez decimalChar "," et groupChar " " sur le champ.'
        if FRENCH_DATE.match(cell.strip()):
            return (
                fix + ' Pour une date JJ/MM/AAAA, écrivez-la AAAA-MM-JJ ou déclarez "format": "%d/%m/%Y" sur le champ.'
            )
    return fix


def _problem_from_error(error: Any, resource_file: ResourceFile) -> Problem:
    kind = error.type
    code = kind if kind in CODES and CODES[kind].check == NAME else "table-error"
    template, fix = MESSAGES.get(kind, FALLBACK)
    values = {
        "row_number": getattr(error, "row_number", None),
        "field_name": getattr(error, "field_name", None),
        "field_number": getattr(error, "field_number", None),
        "label": getattr(error, "label", None),
        "cell": getattr(error, "cell", None),
        "note": french_note(kind, error.note),
        "message": error.message,
    }
    text = template.format(**{k: ("" if v is None else v) for k, v in values.items()})
    return problem(
        code,
        f"{resource_file.label} : {text}.",
        french_fix(kind, values["cell"], fix),
        file=resource_file.label,
        row=values["row_number"] or (1 if kind.endswith("-label") else None),
        field=values["field_name"] or values["label"],
    )


def _schema_problem(resource_file: ResourceFile, exception: Exception) -> Problem:
    note = getattr(getattr(exception, "error", None), "message", None) or str(exception)
    return problem(
        "schema-error",
        f"{resource_file.label} : la ressource ou son schéma ne peut pas être lu ({note}).",
        "Corrigez le schéma de la ressource dans datapackage.json (types, noms de champs uniques, contraintes).",
        file=resource_file.label,
    )


def _report_problems(report: Any, resource_file: ResourceFile) -> Iterator[Problem]:
    for task in report.tasks:
        for error in task.errors:
            yield _problem_from_error(error, resource_file)
    for error in report.errors:
        yield _problem_from_error(error, resource_file)


def _resolve_string_schemas(resource_file: ResourceFile) -> Problem | None:
    """A schema given as a path is read from the dataset folder; anything else is unresolved."""
    schema = resource_file.descriptor.get("schema")
    if not isinstance(schema, str):
        return None
    if resource_file.path is not None:
        candidate = resource_file.path.parent / schema
        if candidate.is_file() and ".." not in schema:
            try:
                resource_file.descriptor = {
                    **resource_file.descriptor,
                    "schema": json.loads(candidate.read_text("utf-8")),
                }
                return None
            except (ValueError, UnicodeDecodeError):
                pass
    return problem(
        "schema-unresolved",
        f"{resource_file.label} : le schéma « {schema} » est introuvable.",
        "Donnez le schéma dans la ressource, ou le chemin d'un fichier de schéma JSON dans le dossier du jeu.",
        file=resource_file.label,
    )


def run(context: Context) -> Iterator[Problem]:
    from frictionless import FrictionlessException, Package, Resource

    failures = (FrictionlessException, ValueError, TypeError, KeyError, OSError)
    tabular = [rf for rf in context.files if rf.readable and rf.tabular]
    for resource_file in tabular:
        unresolved = _resolve_string_schemas(resource_file)
        if unresolved:
            yield unresolved
    # Build every resource first: foreign keys need their targets in the same package.
    built: list[tuple[ResourceFile, Any]] = []
    for resource_file in tabular:
        if isinstance(resource_file.descriptor.get("schema"), str):
            continue
        try:
            basepath = str(resource_file.path.parent) if resource_file.path else None
            built.append((resource_file, Resource(_frictionless_descriptor(resource_file), basepath=basepath)))
        except failures as exception:
            yield _schema_problem(resource_file, exception)
    package = Package()
    for _, resource in built:
        # A duplicate name fails here: the profile check reports it; the resource is validated alone.
        with contextlib.suppress(*failures):
            package.add_resource(resource)
    for resource_file, resource in built:
        try:
            report = resource.validate()
        except failures as exception:
            yield _schema_problem(resource_file, exception)
            continue
        yield from _report_problems(report, resource_file)
