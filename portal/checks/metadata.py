"""Metadata completeness: data.gouv.fr's quality criteria on metadata, and ours."""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.checks.base import Context
from portal.checks.profile import parse_iso_date
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.scdl.checks import luhn_valid

NAME = "metadata"
MIN_DESCRIPTION = 100

DEPARTEMENT = r"(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])"
SPATIAL_CODES = {
    "pays": re.compile(r"^[A-Z]{2}$"),
    "region": re.compile(r"^(0[1-6]|[1-9][0-9])$"),
    "departement": re.compile(rf"^{DEPARTEMENT}$"),
    "epci": re.compile(r"^[0-9]{9}$"),
    "commune": re.compile(r"^((0[1-9]|[1-8][0-9]|9[0-5]|2A|2B)[0-9]{3}|97[1-6][0-9]{2})$"),
}


def spatial_code_valid(code: str, level: str | None) -> bool:
    levels = [level] if level in SPATIAL_CODES else list(SPATIAL_CODES)
    for name in levels:
        if SPATIAL_CODES[name].match(code):
            return name != "epci" or luhn_valid(code)
    return False


def run(context: Context) -> Iterator[Problem]:
    dataset = context.dataset
    where = display_path(dataset.descriptor_path)

    description = dataset.get("description")
    if not isinstance(description, str) or not description.strip():
        yield problem(
            "description-missing",
            f"{where} n'a pas de description.",
            "Ajoutez une `description` en français : ce que contiennent les données, leur origine, comment les lire.",
            file=where,
            field="description",
        )
    elif len(description.strip()) <= MIN_DESCRIPTION:
        yield problem(
            "description-too-short",
            f"{where} : la description ne fait que {len(description.strip())} caractères.",
            f"Étoffez la `description` (plus de {MIN_DESCRIPTION} caractères) : contenu, origine, mode de lecture.",
            file=where,
            field="description",
        )

    temporal = dataset.get("temporal")
    if not isinstance(temporal, dict) or not temporal.get("start"):
        yield problem(
            "temporal-missing",
            f"{where} ne dit pas quelle période couvrent les données.",
            'Ajoutez "temporal": {"start": "AAAA-MM-JJ", "end": "AAAA-MM-JJ"}.',
            file=where,
            field="temporal",
        )
    else:
        start, end = (parse_iso_date(str(temporal.get(k) or "")) for k in ("start", "end"))
        if start and end and end < start:
            yield problem(
                "temporal-invalid",
                f"{where} : la période couverte finit ({end:%d/%m/%Y}) avant de commencer ({start:%d/%m/%Y}).",
                "Corrigez `temporal.start` et `temporal.end`.",
                file=where,
                field="temporal",
            )

    spatial = dataset.get("spatial")
    if not isinstance(spatial, dict) or not spatial.get("code"):
        yield problem(
            "spatial-missing",
            f"{where} ne dit pas quel territoire couvrent les données.",
            'Ajoutez "spatial": {"title": "France", "code": "FR"} ou le code INSEE du territoire.',
            file=where,
            field="spatial",
        )
    elif isinstance(spatial.get("code"), str) and not spatial_code_valid(spatial["code"], spatial.get("level")):
        yield problem(
            "spatial-code-invalid",
            f"{where} : « {spatial['code']} » n'est pas un code {spatial.get('level') or 'de territoire'} valide.",
            "Donnez FR, un code INSEE de commune (5 caractères), de département, de région, ou le SIREN de l'EPCI.",
            file=where,
            field="spatial.code",
        )

    if dataset.publisher is None:
        yield problem(
            "publisher-missing",
            f"{where} ne nomme pas d'éditeur.",
            'Ajoutez dans "contributors" l\'organisation qui publie, avec "roles": ["publisher"].',
            file=where,
            field="contributors",
        )

    sources = [s for s in dataset.objects("sources") if s.get("title")]
    if not sources:
        yield problem(
            "sources-missing",
            f"{where} ne cite aucune source.",
            'Ajoutez "sources": [{"title": …, "path": …}] : d\'où viennent les données.',
            file=where,
            field="sources",
        )

    for resource_file in context.files:
        resource = resource_file.descriptor
        name = resource.get("name") or "?"
        if not str(resource.get("description") or "").strip():
            yield problem(
                "resource-description-missing",
                f"{where} : la ressource « {name} » n'a pas de description.",
                "Ajoutez une `description` à la ressource : ce qu'est une ligne, d'où vient le fichier.",
                file=where,
                field=name,
            )
        schema = resource.get("schema")
        if schema is None and resource_file.tabular:
            yield problem(
                "schema-missing",
                f"{where} : la ressource « {name} » n'a pas de schéma.",
                "Décrivez ses colonnes dans `schema.fields` (frictionless describe peut l'amorcer).",
                file=where,
                field=name,
            )
        if isinstance(schema, dict):
            for field in schema.get("fields") or []:
                if isinstance(field, dict) and not str(field.get("description") or "").strip():
                    yield problem(
                        "field-description-missing",
                        f"{where} : le champ « {field.get('name')} » de la ressource « {name} » n'a pas de description.",
                        "Ajoutez une `description` au champ : ce qu'il contient, son unité, sa source.",
                        file=where,
                        field=str(field.get("name")),
                    )
