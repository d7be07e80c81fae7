"""The national schemas of the Socle commun des données locales (SCDL), kept in the project.

A resource declares ``"schema": "scdl/subventions"`` (optionally ``"scdl/subventions@2.1.1"``) or the
schema's published URL; ``load_schema`` gives the Table Schema to validate it against, with its
``custom_checks`` (see portal/scdl/checks.py).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

VERSIONS = {"subventions": "2.1.1", "deliberations": "2.1.5", "equipements": "0.1.5", "budget": "0.8.3"}
TITLES = {
    "subventions": "Subventions",
    "deliberations": "Délibérations",
    "equipements": "Équipements collectifs",
    "budget": "Budget",
}
_SHORT = re.compile(r"^scdl/([a-z]+)(?:@([0-9.]+))?$")
_URL = re.compile(r"^https?://[^ ]*(?:scdl|opendatafrance)[^ ]*?/(subventions|deliberations|equipements|budget)/[^ ]*$")


def schema_name(ref: object) -> str | None:
    """The SCDL schema a reference names, or None: "scdl/budget", "scdl/budget@0.8.3" or a published URL."""
    if not isinstance(ref, str):
        return None
    match = _SHORT.match(ref.strip()) or _URL.match(ref.strip())
    if match and match.group(1) in VERSIONS:
        return match.group(1)
    return None


def published_url(name: str) -> str:
    """The schema's address on schema.data.gouv.fr, for dct:conformsTo."""
    return f"https://schema.data.gouv.fr/schemas/scdl/{name}/{VERSIONS[name]}/schema.json"


@cache
def _schema_text(name: str) -> str:
    return resources.files("portal.scdl").joinpath(f"schemas/{name}.json").read_text("utf-8")


def load_schema(ref: object) -> dict[str, Any] | None:
    """A fresh copy of the Table Schema a reference names, or None if it is not an SCDL schema."""
    name = schema_name(ref)
    return json.loads(_schema_text(name)) if name else None
