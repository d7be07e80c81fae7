"""The files reusers download, for every resource: CSV (UTF-8), CSV for French Excel, JSON records,
the datapackage.json with absolute URLs, and a ZIP of the whole package with a README."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.dataset import Dataset, resource_schema
from portal.files import csv_dialect, resolve
from portal.scdl import published_url, schema_name
from portal.site import urls

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "zip": "application/zip"}


@dataclass(frozen=True)
class Download:
    """A file of the built site that reusers download (also what DCAT lists as distributions)."""

    url: str  # relative to the site root
    label: str
    format: str
    media_type: str
    size: int
    sha256: str
    resource: str | None = None


def read_rows(path: Path, resource: dict[str, Any], encoding: str) -> tuple[list[str], list[list[str]]]:
    """A CSV resource as its header and rows of text, read with its own dialect and encoding."""
    dialect = csv_dialect(resource)
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
        header = next(reader, [])
        return header, list(reader)


def _fields(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schema = resource_schema(resource)
    return {f["name"]: f for f in schema.get("fields") or [] if isinstance(f, dict) and "name" in f}


def _plain_number(text: str, field: dict[str, Any]) -> str:
    """A number cell in the canonical form (dot decimal, no grouping), whatever the source dialect."""
    group, decimal = field.get("groupChar"), field.get("decimalChar")
    if isinstance(group, str) and group:
        text = text.replace(group, "")
    if isinstance(decimal, str) and decimal and decimal != ".":
        text = text.replace(decimal, ".")
    return text


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def canonical_rows(header: list[str], rows: list[list[str]], fields: dict[str, dict[str, Any]]) -> list[list[str]]:
    numeric = [i for i, name in enumerate(header) if fields.get(name, {}).get("type") in {"number", "integer"}]
    out = []
    for row in rows:
        row = list(row)
        for i in numeric:
            if i < len(row):
                row[i] = _plain_number(row[i], fields[header[i]])
        out.append(row)
    return out


def excel_text(header: list[str], rows: list[list[str]], fields: dict[str, dict[str, Any]]) -> str:
    """Semicolons, decimal commas and a BOM: what a French Excel opens correctly with a double click."""
    numbers = [i for i, name in enumerate(header) if fields.get(name, {}).get("type") == "number"]
    french = []
    for row in rows:
        row = list(row)
        for i in numbers:
            if i < len(row):
                row[i] = row[i].replace(".", ",")
        french.append(row)
    return "\ufeff" + csv_text(header, french, ";").replace("\n", "\r\n")


def _typed(value: str, field: dict[str, Any]) -> Any:
    if value == "" or value in (field.get("missingValues") or []):
        return None
    kind = field.get("type")
    try:
        if kind in {"integer", "year"}:
            return int(value)
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    except ValueError:
        return value
    if kind == "boolean":
        if value in (field.get("trueValues") or ["true", "True", "TRUE", "1"]):
            return True
        if value in (field.get("falseValues") or ["false", "False", "FALSE", "0"]):
            return False
    return value


def json_text(header: list[str], rows: list[list[str]], fields: dict[str, dict[str, Any]]) -> str:
    records = [
        {name: _typed(row[i] if i < len(row) else "", fields.get(name, {})) for i, name in enumerate(header)}
        for row in rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def published_descriptor(dataset: Dataset, base_url: str, relative_paths: bool) -> dict[str, Any]:
    """The descriptor as published: canonical CSV (UTF-8, comma), paths absolute unless zipped."""
    descriptor = json.loads(json.dumps(dataset.descriptor))
    for resource in descriptor.get("resources", []):
        name = resource.get("name")
        target = f"{name}.csv" if relative_paths else urls.absolute(base_url, urls.resource_csv(dataset.name, name))
        resource["path"] = target
        resource["encoding"] = "utf-8"
        resource["format"] = "csv"
        resource["mediatype"] = "text/csv"
        resource.pop("dialect", None)
        national = schema_name(resource.get("schema"))
        if national:
            resource["schema"] = published_url(national)  # what any Frictionless reader can fetch
        for field in (
            (resource.get("schema") or {}).get("fields", []) if isinstance(resource.get("schema"), dict) else []
        ):
            field.pop("decimalChar", None)
            field.pop("groupChar", None)
    if not relative_paths:
        descriptor["homepage"] = urls.absolute(base_url, urls.dataset_page(dataset.name))
    return descriptor


def readme_text(dataset: Dataset, citation: str, base_url: str) -> str:
    from portal.site.metadata import licence_of

    licence = licence_of(dataset)
    lines = [
        f"# {dataset.title}",
        "",
        str(dataset.get("description") or "").strip(),
        "",
        f"- Licence : {licence.title if licence else 'non reconnue'} {licence.url if licence else ''}".rstrip(),
        f"- Page du jeu : {urls.absolute(base_url, urls.dataset_page(dataset.name))}",
        f"- Citation : {citation}",
        "",
        "## Dictionnaire des données",
    ]
    for resource in dataset.resources:
        lines += ["", f"### {resource.get('name')}.csv", "", str(resource.get("description") or ""), ""]
        lines += ["| champ | type | description |", "|---|---|---|"]
        for field in _fields(resource).values():
            description = str(field.get("description") or "").replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {field['name']} | {field.get('type', 'string')} | {description} |")
    return "\n".join(lines) + "\n"


def _zip_add(bundle: zipfile.ZipFile, name: str, text: str) -> None:
    # A fixed date keeps the archive byte-identical from one build to the next.
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)


def _write(out: Path, url: str, content: str | bytes) -> tuple[int, str]:
    from portal.paths import inside

    path = inside(out, url)  # in depth: a name that escaped validation cannot leave the site (UnsafePath)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return len(data), hashlib.sha256(data).hexdigest()


def write_downloads(dataset: Dataset, out: Path, base_url: str, citation: str) -> list[Download]:
    """Write every download of a dataset under ``out`` (the site root); return what was written."""
    downloads: list[Download] = []
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for resource in dataset.resources:
            located = resolve(dataset, resource, allow_remote=False)
            if located.path is None or not located.readable:
                continue
            name = resource["name"]
            header, rows = read_rows(located.path, resource, located.encoding)
            fields = _fields(resource)
            rows = canonical_rows(header, rows, fields)
            canonical = csv_text(header, rows)
            for url, label, content, fmt in (
                (urls.resource_csv(dataset.name, name), f"{name}.csv — CSV (UTF-8)", canonical, "csv"),
                (
                    urls.resource_excel(dataset.name, name),
                    f"{name}-excel.csv — CSV pour Excel (point-virgule)",
                    excel_text(header, rows, fields),
                    "csv",
                ),
                (
                    urls.resource_json(dataset.name, name),
                    f"{name}.json — JSON",
                    json_text(header, rows, fields),
                    "json",
                ),
            ):
                size, digest = _write(out, url, content)
                downloads.append(Download(url, label, fmt, MEDIA_TYPES[fmt], size, digest, name))
            _zip_add(bundle, f"{dataset.name}/{name}.csv", canonical)
            if isinstance(resource.get("schema"), dict):
                # The Table Schema on its own, for dct:conformsTo in the DCAT catalogue.
                _write(
                    out,
                    urls.resource_schema(dataset.name, name),
                    json.dumps(resource["schema"], ensure_ascii=False, indent=2) + "\n",
                )
        relative_descriptor = published_descriptor(dataset, base_url, relative_paths=True)
        _zip_add(
            bundle, f"{dataset.name}/datapackage.json", json.dumps(relative_descriptor, ensure_ascii=False, indent=2)
        )
        _zip_add(bundle, f"{dataset.name}/README.md", readme_text(dataset, citation, base_url))
    descriptor_text = json.dumps(
        published_descriptor(dataset, base_url, relative_paths=False), ensure_ascii=False, indent=2
    )
    size, digest = _write(out, urls.descriptor(dataset.name), descriptor_text + "\n")
    downloads.append(
        Download(
            urls.descriptor(dataset.name),
            "datapackage.json — métadonnées (Frictionless)",
            "json",
            "application/json",
            size,
            digest,
        )
    )
    size, digest = _write(out, urls.archive(dataset.name), archive.getvalue())
    downloads.append(
        Download(
            urls.archive(dataset.name),
            f"{dataset.name}.zip — tout le jeu, avec un README",
            "zip",
            "application/zip",
            size,
            digest,
        )
    )
    return downloads
