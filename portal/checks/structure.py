"""Structure and content: frictionless validates every readable resource against its Table Schema.

Each resource is validated on its own, so one broken schema does not hide the others; a
resource with foreign keys is validated inside a package of the readable resources.

A resource whose schema is a national SCDL reference (``"schema": "scdl/subventions"``) is
validated against that schema with its columns matched by name, as Validata does: extra,
missing optional and reordered columns are remarks of the ``scdl`` check, not cascades of errors.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Iterator
from typing import Any

from portal.checks.base import Context
from portal.files import ResourceFile, csv_dialect, finish_utf8
from portal.problems import CODES, Problem, problem
from portal.scdl import VERSIONS, load_schema, schema_name
from portal.scdl.checks import pattern_checked_fields

NAME = "structure"
# frictionless stops after this many errors per resource (its default): its counts are then partial.
LIMIT_ERRORS = 1000

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
# Columns matched by name (SCDL resources): frictionless' own wording when no label matches, or labels repeat.
MESSAGES["unmatched-header"] = (
    "aucune colonne du fichier ne porte le nom d'un champ du schéma",
    "Vérifiez le séparateur et la ligne d'en-têtes : les colonnes doivent porter les noms des champs du schéma.",
)
MESSAGES["labels-not-unique"] = (
    "l'en-tête « {label} » apparaît plusieurs fois, alors que les colonnes sont reconnues par leur nom",
    "Renommez ou retirez la colonne en double : chaque en-tête doit être unique.",
)
# For an SCDL resource the schema is national: the fix is always in the file.
SCDL_MESSAGES = {
    "missing-label": (
        "la colonne obligatoire « {field_name} » du schéma national {scdl} manque dans le fichier",
        "Ajoutez cette colonne et remplissez-la : le schéma national l'exige.",
    ),
}
SCDL_FIXES = {
    "type-error": "Corrigez la valeur : le type du champ est fixé par le schéma national (voir sa description).",
    "constraint-error": "Corrigez la valeur : la contrainte est fixée par le schéma national (voir la description du champ).",
}


STANDARD_PROFILES = {"data-resource", "tabular-data-resource"}


def _frictionless_descriptor(resource_file: ResourceFile) -> dict[str, Any]:
    """The resource as frictionless should read it: our encoding decision, no portal extras."""
    descriptor = {k: v for k, v in resource_file.descriptor.items() if k not in {"sources", "views", "extrapaths"}}
    # Only the paths portal.files vetted reach frictionless: it would follow a symlink out of the
    # package from a dialect or a profile given as a path (the profile wants a dialect object).
    if not isinstance(descriptor.get("dialect"), dict):
        descriptor.pop("dialect", None)
    if descriptor.get("profile") not in STANDARD_PROFILES:
        descriptor.pop("profile", None)
    # Relative to a basepath: frictionless refuses absolute paths as unsafe.
    descriptor["path"] = resource_file.path.name if resource_file.path else resource_file.url
    descriptor["encoding"] = resource_file.encoding
    if resource_file.format and "format" not in descriptor:
        descriptor["format"] = resource_file.format
    if resource_file.scdl and isinstance(descriptor.get("schema"), dict):
        # Validata matches columns by name: "partial" tolerates extra and missing optional columns.
        descriptor["schema"] = {**descriptor["schema"], "fieldsMatch": "partial"}
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
    label = getattr(error, "label", None)
    if kind == "error" and "requires unique labels" in (error.note or ""):
        # Columns matched by name: frictionless stops at repeated headers without naming them.
        kind, label = "labels-not-unique", _repeated_labels(resource_file)
    code = {"labels-not-unique": "duplicate-label"}.get(kind, kind)
    code = code if code in CODES and CODES[code].check == NAME else "table-error"
    template, fix = MESSAGES.get(kind, FALLBACK)
    if resource_file.scdl:
        template, fix = SCDL_MESSAGES.get(kind, (template, SCDL_FIXES.get(kind, fix)))
    values = {
        "row_number": getattr(error, "row_number", None),
        "field_name": getattr(error, "field_name", None),
        "field_number": getattr(error, "field_number", None),
        "label": label,
        "cell": getattr(error, "cell", None),
        "note": french_note(kind, error.note),
        "message": error.message,
        "scdl": f"scdl/{resource_file.scdl}",
    }
    in_header = kind.endswith(("-label", "-header")) or kind == "labels-not-unique"
    text = template.format(**{k: ("" if v is None else v) for k, v in values.items()})
    return problem(
        code,
        f"{resource_file.label} : {text}.",
        french_fix(kind, values["cell"], fix),
        file=resource_file.label,
        row=values["row_number"] or (1 if in_header else None),
        field=values["field_name"] or values["label"],
    )


def _repeated_labels(resource_file: ResourceFile) -> str | None:
    if resource_file.path is None:
        return None
    dialect = csv_dialect(resource_file.descriptor)
    try:
        with resource_file.path.open(encoding=resource_file.encoding, errors="replace", newline="") as stream:
            labels = next(csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"]), [])
    except (OSError, csv.Error):
        return None
    return ", ".join(sorted({label for label in labels if labels.count(label) > 1})) or None


def _schema_problem(resource_file: ResourceFile, exception: Exception) -> Problem:
    note = getattr(getattr(exception, "error", None), "message", None) or str(exception)
    return problem(
        "schema-error",
        f"{resource_file.label} : la ressource ou son schéma ne peut pas être lu ({note}).",
        "Corrigez le schéma de la ressource dans datapackage.json (types, noms de champs uniques, contraintes).",
        file=resource_file.label,
    )


def _report_problems(report: Any, resource_file: ResourceFile) -> Iterator[Problem]:
    yield from _errors_problems([e for task in report.tasks for e in task.errors] + list(report.errors), resource_file)


def _errors_problems(errors: list[Any], resource_file: ResourceFile) -> Iterator[Problem]:
    # An SCDL check that validates a whole value (SIRET, RNA…) says more than the pattern it replaces.
    # The scdl check reads local files only: a remote resource keeps frictionless' pattern errors.
    checked = resource_file.scdl and resource_file.path is not None
    repeated = pattern_checked_fields(resource_file.descriptor["schema"]) if checked else set()
    for error in errors:
        if _is_pattern_error(error) and getattr(error, "field_name", None) in repeated:
            continue
        yield _problem_from_error(error, resource_file)


def _fast(
    resource_file: ResourceFile, descriptor: dict[str, Any], reason: str | None, context: Context
) -> list[Problem] | None:
    """The fast engine's problems for a resource it covers (``reason`` None: see ``_fast_reason``),
    or None: frictionless will validate it."""
    from portal import fastcheck
    from portal.fastcheck.reading import Unsupported

    if reason is None:
        consumers = []
        if resource_file.scdl:
            # The scdl check's custom checks read the same batches: one pass over the file.
            from portal.checks.scdl import LIMIT
            from portal.fastcheck.custom import Runner
            from portal.scdl import load_schema

            labels = [f["name"] for f in descriptor["schema"]["fields"]]
            consumers.append(Runner(load_schema(f"scdl/{resource_file.scdl}"), labels, LIMIT))
        try:
            result = fastcheck.validate(descriptor, resource_file.path, consumers=consumers)
        except (Unsupported, ValueError, OSError, ArithmeticError) as exception:
            # polars' own errors are ValueErrors or ComputeErrors (also Exceptions): frictionless decides.
            reason = str(exception)
        except Exception as exception:  # noqa: BLE001 — any surprise of the fast path: frictionless decides
            reason = f"{type(exception).__name__}: {exception}"
        else:
            if consumers:
                resource_file.custom_findings = consumers[0].found
            context.tables.append(
                {
                    "file": resource_file.label,
                    "engine": "fastcheck",
                    "rows": result.rows,
                    "errors": sum(result.counts.values()),
                    "exactCounts": True,
                    "truncated": result.truncated,
                    "countsByType": result.count_by_type(),
                    "countsByField": result.count_by_field(),
                }
            )
            return list(_errors_problems(result.errors, resource_file))
    context.tables.append({"file": resource_file.label, "engine": "frictionless", "fallbackReason": reason})
    return None


def _record_frictionless(report: Any, resource_file: ResourceFile, context: Context) -> None:
    entry = next((t for t in context.tables if t["file"] == resource_file.label), None)
    if entry is None:
        return
    errors = [e for task in report.tasks for e in task.errors]
    counts: dict[str, int] = {}
    by_field: dict[str, dict[str, int]] = {}
    for error in errors:
        counts[error.type] = counts.get(error.type, 0) + 1
        name = getattr(error, "field_name", "") or ""
        by_field.setdefault(name, {})
        by_field[name][error.type] = by_field[name].get(error.type, 0) + 1
    truncated = len(errors) >= LIMIT_ERRORS
    rows = sum((task.stats or {}).get("rows") or 0 for task in report.tasks) if not truncated else None
    entry.update(
        {
            "rows": rows,
            "errors": len(errors),
            "exactCounts": not truncated,
            "truncated": truncated,
            "countsByType": dict(sorted(counts.items())),
            "countsByField": {k: dict(sorted(v.items())) for k, v in sorted(by_field.items())},
        }
    )


def _is_pattern_error(error: Any) -> bool:
    return error.type == "constraint-error" and (error.note or "").startswith('constraint "pattern"')


def _resolve_string_schemas(resource_file: ResourceFile) -> Problem | None:
    """A schema given as a string: a national SCDL schema, or a path in the dataset folder."""
    schema = resource_file.descriptor.get("schema")
    if not isinstance(schema, str):
        return None
    national = load_schema(schema)
    if national is not None:
        resource_file.descriptor = {**resource_file.descriptor, "schema": national}
        resource_file.scdl = schema_name(schema)
        return None
    # Only the path portal.files vetted to be inside the package (never the declared string itself).
    candidate = resource_file.schema_path
    if candidate is not None and candidate.is_file():
        try:
            loaded = json.loads(candidate.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError, OSError):
            loaded = None
        if isinstance(loaded, dict):
            resource_file.descriptor = {**resource_file.descriptor, "schema": loaded}
            return None
    fix = (
        "Donnez le schéma dans la ressource, ou le chemin d'un fichier de schéma JSON (un objet) "
        "relatif au dossier du jeu."
    )
    if schema.strip().lower().startswith("scdl/"):
        fix = "Les schémas nationaux SCDL connus sont : " + ", ".join(f"scdl/{name}" for name in VERSIONS) + "."
    return problem(
        "schema-unresolved",
        f"{resource_file.label} : le schéma « {schema} » est introuvable.",
        fix,
        file=resource_file.label,
    )


def _failures() -> tuple[type[Exception], ...]:
    from frictionless import FrictionlessException

    return (FrictionlessException, ValueError, TypeError, KeyError, OSError)


def _resource(resource_file: ResourceFile) -> Any:
    from frictionless import Resource

    basepath = str(resource_file.path.parent) if resource_file.path else None
    return Resource(_frictionless_descriptor(resource_file), basepath=basepath)


def _fast_reason(resource_file: ResourceFile) -> str | None:
    """Why the fast engine leaves this table to frictionless, or None when it reads it (a local CSV)."""
    from portal import fastcheck

    descriptor = _frictionless_descriptor(resource_file)
    return fastcheck.unsupported(descriptor, resource_file.path, resource_file.encoding)


def run(context: Context) -> Iterator[Problem]:
    tabular = [rf for rf in context.files if rf.readable and rf.tabular]
    for resource_file in tabular:
        unresolved = _resolve_string_schemas(resource_file)
        if unresolved:
            yield unresolved
    schemas = [rf for rf in tabular if not isinstance(rf.descriptor.get("schema"), str)]
    reasons = {id(rf): _fast_reason(rf) for rf in schemas}
    if not any(reasons.values()):
        # Every table is one the fast engine reads: frictionless (0.3 s to import) only for a table
        # whose file surprises it. A schema the fast engine accepts is one frictionless accepts.
        for resource_file in schemas:
            yield from _validate(resource_file, None, reasons[id(resource_file)], context)
    else:
        # Build every resource first: foreign keys need their targets in the same package.
        from frictionless import Package

        built: list[tuple[ResourceFile, Any]] = []
        for resource_file in schemas:
            try:
                built.append((resource_file, _resource(resource_file)))
            except _failures() as exception:
                yield _schema_problem(resource_file, exception)
        package = Package()
        for _, resource in built:
            # A duplicate name fails here: the profile check reports it; the resource is validated alone.
            with contextlib.suppress(*_failures()):
                package.add_resource(resource)
        for resource_file, resource in built:
            yield from _validate(resource_file, resource, reasons[id(resource_file)], context)
    for resource_file in tabular:  # the files this check could not read (an unresolved schema…)
        yield from finish_utf8(resource_file)


def _validate(resource_file: ResourceFile, resource: Any, reason: str | None, context: Context) -> Iterator[Problem]:
    """One table: the fast engine for the local CSV files it covers (portal/fastcheck), frictionless for the rest."""
    descriptor = _frictionless_descriptor(resource_file)
    fast = _fast(resource_file, descriptor, reason, context) if resource_file.path else None
    if fast is not None:
        resource_file.utf8_pending = False  # polars parsed every byte of the file as UTF-8
        yield from fast
        return
    yield from finish_utf8(resource_file)
    if not resource_file.readable:  # not UTF-8: nothing was validated
        context.tables[:] = [t for t in context.tables if t["file"] != resource_file.label]
        return
    try:
        report = (resource or _resource(resource_file)).validate()
    except _failures() as exception:
        yield _schema_problem(resource_file, exception)
        return
    if not resource_file.path:
        context.tables.append(
            {"file": resource_file.label, "engine": "frictionless", "fallbackReason": "une ressource distante"}
        )
    _record_frictionless(report, resource_file, context)
    yield from _report_problems(report, resource_file)
