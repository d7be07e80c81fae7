"""The Table Schema of a new dataset: a national or given one to conform to, or one inferred.

A given schema decides what each column is converted to (``target``); an inferred schema is
frictionless' reading of the normalised CSV, with identifiers kept as text, ``required`` only
where no value is missing, and an empty description on every field for the user to write.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.normalise import ColumnOutcome, is_identifier_label

SCDL_NAMES = "scdl/subventions, scdl/deliberations, scdl/equipements ou scdl/budget"


class SchemaOptionError(Exception):
    """--schema names nothing usable; the message says what to give instead."""


@dataclass
class TargetSchema:
    fields: list[dict[str, Any]]
    declared: str | dict[str, Any]  # what the resource's "schema" holds: an SCDL reference, or the schema
    label: str  # how the report names it


def resolve_schema(ref: str) -> TargetSchema:
    """An SCDL reference (``scdl/subventions``) or the path of a Table Schema JSON file."""
    from portal.scdl import load_schema, schema_name

    if schema_name(ref):
        try:
            schema = load_schema(ref)
        except (OSError, ValueError) as error:
            raise SchemaOptionError(
                f"le schéma {ref} n'est pas livré avec cette installation ({type(error).__name__}) : "
                "donnez plutôt le chemin de son fichier JSON."
            ) from None
        return TargetSchema(_fields(schema, ref), ref, f"schéma national {ref}")
    path = Path(ref)
    if not path.is_file():
        raise SchemaOptionError(f"« {ref} » n'est ni un schéma SCDL ({SCDL_NAMES}) ni un fichier de schéma JSON.")
    try:
        schema = json.loads(path.read_text("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SchemaOptionError(f"{ref} n'est pas un fichier JSON lisible ({error}).") from None
    return TargetSchema(_fields(schema, ref), schema, f"schéma {path.name} (copié dans la ressource)")


def _fields(schema: Any, ref: str) -> list[dict[str, Any]]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and f.get("name") for f in fields):
        raise SchemaOptionError(f"{ref} n'est pas un Table Schema : il lui faut une liste « fields » de champs nommés.")
    return fields


ISO_SAMPLE = "2018-01-30"


def target(schema_field: dict[str, Any]) -> str:
    """What a column must be converted to for this field (see portal.normalise.convert_column).

    A date or number field written the French way in the schema (``format``, ``decimalChar``)
    keeps its values; a text field is never turned into numbers.
    """
    kind = schema_field.get("type", "string")
    if kind == "date":
        return "date" if schema_field.get("format") in (None, "default", "any") else "texte"
    if kind in {"number", "integer"}:
        french = schema_field.get("decimalChar", ".") != "." or schema_field.get("groupChar") not in (None, "")
        return "texte" if french else "nombre"
    if kind == "year":
        return "identifiant"  # 2018.0 → 2018
    if kind == "string":
        if is_identifier_label(str(schema_field.get("name"))):
            return "identifiant"
        pattern = (schema_field.get("constraints") or {}).get("pattern")
        if isinstance(pattern, str) and _accepts(pattern, ISO_SAMPLE):
            return "date-possible"
    return "texte"


def _accepts(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return False


def infer_schema(csv_path: Path, outcomes: dict[str, ColumnOutcome]) -> dict[str, Any]:
    """frictionless' schema of the normalised CSV (every row read), corrected where we know better."""
    from frictionless import Detector, Resource

    rows = max((len(o.values) for o in outcomes.values()), default=0)
    resource = Resource(
        csv_path.name,
        basepath=str(csv_path.parent),
        detector=Detector(sample_size=rows + 1, field_confidence=1.0),
    )
    resource.infer()
    fields = []
    for inferred in resource.schema.to_descriptor().get("fields", []):
        outcome = outcomes.get(inferred["name"])
        schema_field = {"name": inferred["name"], "type": inferred.get("type", "string")}
        if outcome is not None and outcome.kind in {"identifiant", "vide"}:
            schema_field["type"] = "string"  # a SIRET or a postal code is never a number
        if "format" in inferred and inferred["format"] != "default":
            schema_field["format"] = inferred["format"]
        schema_field["description"] = ""
        if outcome is not None and outcome.values and all(v.strip() for v in outcome.values):
            schema_field["constraints"] = {"required": True}
        fields.append(schema_field)
    return {"fields": fields}
