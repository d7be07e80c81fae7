"""The descriptor against the portal profile's JSON Schema, and the folder as identity."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from importlib import resources

from portal.checks.base import Context
from portal.dataset import Dataset, display_path
from portal.paths import MAX_NAME, NAME_RULE, name_fault, shown_name, suggest_name
from portal.problems import Problem, problem

NAME = "profile"


@cache
def _validator():
    import jsonschema

    schema = json.loads(resources.files("portal").joinpath("schemas/portal-datapackage.schema.json").read_text("utf-8"))
    checker = jsonschema.FormatChecker()
    checker.checks("date-or-date-time")(is_iso_date)
    checker.checks("iso-date-time")(is_iso_date_time)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_iso_date(value) is not None


def is_iso_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return not isinstance(value, str)
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def parse_iso_date(value: str) -> date | None:
    """A date from an ISO 8601 date or date-time, or None."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _location(error) -> str:
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) if parts else "(racine)"


def french_message(error) -> str:
    """jsonschema's findings, said in French."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return f"la propriété obligatoire « {missing.group(1) if missing else expected} » manque"
    if kind == "type":
        names = {
            "string": "un texte",
            "object": "un objet",
            "array": "une liste",
            "integer": "un entier",
            "number": "un nombre",
            "boolean": "un booléen",
        }
        wanted = expected if isinstance(expected, list) else [expected]
        return f"doit être {' ou '.join(names.get(w, w) for w in wanted)}, pas {json.dumps(error.instance, ensure_ascii=False)[:60]}"
    if kind == "enum":
        allowed = ", ".join(json.dumps(v, ensure_ascii=False) for v in expected)
        return f"{json.dumps(error.instance, ensure_ascii=False)} n'est pas une valeur permise ({allowed})"
    if kind == "pattern":
        return f"« {error.instance} » ne respecte pas le motif {expected}"
    if kind == "minLength":
        return "ne doit pas être vide"
    if kind == "minItems":
        return f"doit contenir au moins {expected} élément(s)"
    if kind == "uniqueItems":
        return "contient des doublons"
    if kind == "format" and expected == "iso-date-time":
        return f"« {error.instance} » n'est pas une date et heure ISO 8601 (AAAA-MM-JJTHH:MM:SSZ)"
    if kind == "format":
        return f"« {error.instance} » n'est pas une date ISO 8601 (AAAA-MM-JJ)"
    if kind == "additionalProperties":
        return f"propriété inconnue : {error.message.split('(')[-1].rstrip(')')}"
    if kind in {"oneOf", "anyOf"}:
        return "ne correspond à aucune des formes permises"
    return error.message


def _is_name_pattern(error) -> bool:
    # The schema's pattern on a name says what ``name-unsafe`` says better (portal/paths.py).
    path = list(error.absolute_path)
    is_name = path == ["name"] or (len(path) == 3 and path[0] == "resources" and path[2] == "name")
    return is_name and error.validator == "pattern"


def unsafe_name(where: str, subject: str, name: str, field: str) -> Problem:
    """``name-unsafe``: ``subject`` (« le dossier du jeu ») is called ``name``, which breaks the rule."""
    return problem(
        "name-unsafe",
        f"{where} : {subject} s'appelle « {shown_name(name)} », qui {name_fault(name)} : ce nom deviendrait "
        "un nom de fichier et une adresse du portail.",
        f"Renommez-le, par exemple « {suggest_name(name)} » : {NAME_RULE}, {MAX_NAME} caractères au plus.",
        file=where,
        field=field,
    )


def name_problems(dataset: Dataset, where: str) -> Iterator[Problem]:
    """The dataset folder, the descriptor's ``name`` and every resource name, against the naming rule.

    View names are checked with the rest of each view (portal/charts/declaration.py).
    """
    if name_fault(dataset.name):
        yield unsafe_name(where, "le dossier du jeu", dataset.name, "name")
    name = dataset.get("name")
    if isinstance(name, str) and name != dataset.name and name_fault(name):
        yield unsafe_name(where, "le jeu (`name`)", name, "name")
    elif isinstance(name, str) and name != dataset.name:
        yield problem(
            "name-mismatch",
            f"{where} : `name` vaut « {name} » mais le dossier s'appelle « {shown_name(dataset.name)} ».",
            f'Mettez "name": "{dataset.name}" ou renommez le dossier en « {name} ».',
            file=where,
            field="name",
        )
    for index, resource in enumerate(dataset.resources):
        resource_name = resource.get("name")
        if isinstance(resource_name, str) and name_fault(resource_name):
            yield unsafe_name(where, f"la ressource n° {index + 1}", resource_name, f"resources.{index}.name")


def run(context: Context) -> Iterator[Problem]:
    dataset = context.dataset
    where = display_path(dataset.descriptor_path)
    errors = [e for e in _validator().iter_errors(dataset.descriptor) if not _is_name_pattern(e)]
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        location = _location(error)
        yield problem(
            "profile-invalid",
            f"{where} : `{location}` {french_message(error)}.",
            "Corrigez cette propriété selon le profil (page « Le profil de data package » du portail, reference/profil/).",
            file=where,
            field=location,
        )
    yield from name_problems(dataset, where)
    seen: set[str] = set()
    for resource in dataset.resources:
        resource_name = resource.get("name")
        if isinstance(resource_name, str):
            if resource_name in seen:
                yield problem(
                    "resource-name-duplicate",
                    f"{where} : deux ressources s'appellent « {shown_name(resource_name)} ».",
                    "Donnez à chaque ressource un `name` unique dans le jeu.",
                    file=where,
                    field=resource_name,
                )
            seen.add(resource_name)
