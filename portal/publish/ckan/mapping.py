"""Data package → CKAN dataset, one small pure function per field (after ckanapi's datapackage.py).

Only the fields listed here are managed by the publisher: comparing them decides whether a
dataset is unchanged, so a second run writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from portal import metadata
from portal.dataset import Dataset
from portal.text import email_address
from portal.vocabularies import identify_licence

MARKER = "portal_managed"  # extra set on every dataset this tool creates: --prune deletes only those
HASH_KEY = "portal_sha256"  # resource field holding the SHA-256 of the uploaded file
TAG = re.compile(r"[^\w \-.]", re.UNICODE)


class LicenceMissing(ValueError):
    """The CKAN instance does not offer the dataset's licence."""


@dataclass(frozen=True)
class ResourceFile:
    """A file to upload as a CKAN resource, with the metadata CKAN should show for it."""

    name: str
    path: str
    description: str
    format: str
    mimetype: str
    sha256: str
    schema: str | None = None  # the Table Schema (data dictionary), as JSON


def licence_id(dataset: Dataset, ckan_licences: list[dict[str, Any]]) -> str:
    """The id of the instance's licence matching the dataset's, by id, alias or URL."""
    declared = dataset.objects("licenses")
    licence = next((identify_licence(item) for item in declared if identify_licence(item)), None)
    if licence is None:
        raise LicenceMissing(f"{dataset.name} : licence non reconnue, lancez portal validate.")
    wanted = {name.lower() for name in (licence.id, *licence.other_names)}
    urls = {u.rstrip("/").lower() for u in (licence.url, *licence.other_urls) if u}
    for offered in ckan_licences:
        if str(offered.get("id", "")).lower() in wanted:
            return offered["id"]
    for offered in ckan_licences:
        if str(offered.get("url", "")).rstrip("/").lower() in urls:
            return offered["id"]
    raise LicenceMissing(
        f"{dataset.name} : l'instance CKAN ne propose pas la licence « {licence.title} » ({licence.id}). "
        "Ajoutez-la à sa liste de licences (réglage licenses_group_url)."
    )


def tags(dataset: Dataset) -> list[dict[str, str]]:
    names = []
    for keyword in metadata.keywords(dataset):
        name = TAG.sub(" ", keyword).strip()[:100]
        if len(name) >= 2 and name not in names:
            names.append(name)
    return [{"name": name} for name in sorted(names)]


def people(dataset: Dataset) -> dict[str, str]:
    """author from the author (or publisher) contributor, maintainer from the maintainer (or publisher)."""

    def with_role(*roles: str) -> dict[str, Any] | None:
        for contributor in dataset.objects("contributors"):
            declared = (
                contributor.get("roles") if isinstance(contributor.get("roles"), list) else [contributor.get("role")]
            )
            if any(role in declared for role in roles):
                return contributor
        return None

    fields = {}
    for key, roles in (("author", ("author", "publisher")), ("maintainer", ("maintainer", "contact", "publisher"))):
        person = with_role(*roles)
        if person:
            fields[key] = str(person.get("title") or "")
            if email := email_address(person.get("email")):  # never an address CKAN would mail blindly
                fields[f"{key}_email"] = email
    return fields


def extras(dataset: Dataset) -> list[dict[str, str]]:
    temporal = dataset.get("temporal") if isinstance(dataset.get("temporal"), dict) else {}
    spatial = dataset.get("spatial") if isinstance(dataset.get("spatial"), dict) else {}
    values = {
        "frequency": metadata.frequency_key(dataset) or "",
        "modified": str(dataset.get("modified") or ""),
        "temporal_start": str(temporal.get("start") or ""),
        "temporal_end": str(temporal.get("end") or ""),
        # "spatial" is taken by ckanext-spatial for GeoJSON: these two keys are ours.
        "spatial_coverage": str(spatial.get("title") or ""),
        "spatial_code": str(spatial.get("code") or ""),
        "sources": json.dumps(dataset.objects("sources"), ensure_ascii=False, sort_keys=True)
        if dataset.objects("sources")
        else "",
        MARKER: "true",
    }
    return [{"key": key, "value": value} for key, value in sorted(values.items()) if value]


def package_dict(dataset: Dataset, organisation_id: str, licence: str, page_url: str) -> dict[str, Any]:
    """The CKAN dataset for a data package, without its resources."""
    return {
        "name": dataset.name,
        "title": dataset.title,
        "notes": str(dataset.get("description") or ""),
        "license_id": licence,
        "owner_org": organisation_id,
        "url": page_url,
        "version": str(dataset.get("version") or ""),
        "tags": tags(dataset),
        "extras": extras(dataset),
        **people(dataset),
    }


def resource_dict(resource: ResourceFile) -> dict[str, Any]:
    """The metadata of a CKAN resource (the file itself is uploaded beside it)."""
    data = {
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": resource.mimetype,
        HASH_KEY: resource.sha256,
    }
    if resource.schema:
        data["schema"] = resource.schema
    return data


MANAGED = (
    "name",
    "title",
    "notes",
    "license_id",
    "owner_org",
    "url",
    "version",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
)


def comparable_package(package: dict[str, Any]) -> dict[str, Any]:
    """What CKAN holds, reduced to the managed fields, in the form package_dict produces."""
    reduced = {key: package.get(key) or "" for key in MANAGED}
    reduced["tags"] = sorted(({"name": t["name"]} for t in package.get("tags") or []), key=lambda t: t["name"])
    reduced["extras"] = sorted(
        ({"key": e["key"], "value": e["value"]} for e in package.get("extras") or []), key=lambda e: e["key"]
    )
    return reduced


def comparable_desired(desired: dict[str, Any]) -> dict[str, Any]:
    reduced = {key: desired.get(key) or "" for key in MANAGED}
    reduced["tags"] = desired["tags"]
    reduced["extras"] = sorted(desired["extras"], key=lambda e: e["key"])
    return reduced


def comparable_resource(resource: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "description", "format", "mimetype", HASH_KEY, "schema")
    return {key: resource.get(key) or "" for key in keys}
