"""The files reusers download, for every resource: CSV (UTF-8), CSV for French Excel, JSON records,
the datapackage.json with absolute URLs, and a ZIP of the whole package with a README."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from portal import urls
from portal.dataset import Dataset, resource_schema
from portal.files import resolve
from portal.metadata import licence_of
from portal.paths import inside
from portal.scdl import published_url, schema_name
from portal.tables import WHOLE_TABLES, Summary, TableData, open_rows

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


# --- spreadsheets --------------------------------------------------------------------------

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(text: str) -> str:
    """A cell as any spreadsheet download writes it: a text a spreadsheet would run as a formula
    (``=HYPERLINK(…)``, ``@SUM(…)``, ``+…``, ``-…``, a leading tab or CR) gets a leading ``'``,
    so it is shown, never run; a plain number such as ``-12,5`` or ``-3`` stays a number."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# --- streamed outputs ----------------------------------------------------------------------

BLOCK_CHARS = 1 << 18  # per output: a few large writes, a few hundred kB in memory


class _Output:
    """A file written as UTF-8 text in large blocks; its size and sha256 computed on the way."""

    def __init__(self, path: Path):
        self._file = path.open("wb")
        self._parts: list[str] = []
        self._pending = 0
        self._sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._pending += len(text)
        if self._pending >= BLOCK_CHARS:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._parts).encode("utf-8")
        self._sha256.update(data)
        self.size += len(data)
        self._file.write(data)
        self._parts.clear()
        self._pending = 0

    def close(self) -> tuple[int, str]:
        self._flush()
        self._file.close()
        return self.size, self._sha256.hexdigest()


class CsvLines:
    """Rows written as CSV lines that every reader splits back into the same cells.

    The csv module quotes a cell holding the delimiter, the quote or a character of the line
    terminator: with "\n" alone, a lone "\r" would go out unquoted, and readers would end the row
    there. A row holding a "\r" is written with "\r\n" (so that "\r" is quoted), its own line end
    then put back to "\n".
    """

    def __init__(self, stream: Any, delimiter: str = ",", lineterminator: str = "\n"):
        self._stream = stream
        self._terminator = lineterminator
        self._writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
        self._buffer = io.StringIO()
        self._quoting_cr = csv.writer(self._buffer, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, row: list[str]) -> None:
        if "\r" in self._terminator or "\r" not in "".join(row):
            self._writer.writerow(row)
            return
        self._buffer.seek(0)
        self._buffer.truncate()
        self._quoting_cr.writerow(row)
        self._stream.write(self._buffer.getvalue()[:-2] + self._terminator)


def _typed(value: str, field: dict[str, Any]) -> Any:
    if value == "" or value in (field.get("missingValues") or []):
        return None
    kind = field.get("type")
    try:
        if kind in {"integer", "year"}:
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                return value  # NaN and INF have no JSON number: kept as the text they were
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    except ValueError:
        return value
    if kind == "boolean":
        if value in (field.get("trueValues") or ["true", "True", "TRUE", "1"]):
            return True
        if value in (field.get("falseValues") or ["false", "False", "FALSE", "0"]):
            return False
    return value


def _json_value(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` for the values ``_typed`` returns, at C speed."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return json.dumps(value)
    return int.__repr__(value)


class JsonRecords:
    """A table as a JSON array of records, one written at a time, byte for byte what
    ``json.dumps(records, ensure_ascii=False, indent=1)`` writes (a record per row, keyed by the header)."""

    def __init__(self, stream: Any, header: list[str], fields: dict[str, dict[str, Any]]):
        self._stream = stream
        last = {name: index for index, name in enumerate(header)}  # a repeated name keeps its last cell
        self._columns = [
            (("\n  " if position == 0 else ",\n  ") + encode_basestring(name) + ": ", last[name], fields.get(name, {}))
            for position, name in enumerate(dict.fromkeys(header))
        ]
        self._count = 0

    def writerow(self, row: list[str]) -> None:
        width = len(row)
        parts = ["[\n {" if self._count == 0 else ",\n {"]
        for prefix, index, field in self._columns:
            parts.append(prefix)
            parts.append(_json_value(_typed(row[index] if index < width else "", field)))
        parts.append("\n }" if self._columns else "}")
        self._stream.write("".join(parts))
        self._count += 1

    def close(self) -> None:
        self._stream.write("\n]\n" if self._count else "[]\n")


def _number_columns(header: list[str], fields: dict[str, dict[str, Any]], kinds: set[str]) -> list[int]:
    return [i for i, name in enumerate(header) if fields.get(name, {}).get("type") in kinds]


def canonical_row(row: list[str], conversions: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """A row with its number cells in the canonical form (``conversions``: the columns to convert)."""
    if not conversions:
        return row
    row = list(row)
    for i, field in conversions:
        if i < len(row):
            row[i] = _plain_number(row[i], field)
    return row


def excel_row(row: list[str], decimal_columns: list[int]) -> list[str]:
    """A canonical row for French Excel: decimal commas, and no cell a spreadsheet would run."""
    row = list(row)
    for i in decimal_columns:
        if i < len(row):
            row[i] = row[i].replace(".", ",")
    return [spreadsheet_cell(cell) for cell in row]


def _target(out: Path, url: str) -> Path:
    path = inside(out, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_table(
    out: Path,
    urls_of: tuple[str, str, str],
    header: list[str],
    rows: Iterator[list[str]],
    fields: dict[str, dict[str, Any]],
    summary: Summary | None = None,
) -> list[tuple[int, str]]:
    """The canonical CSV, the Excel CSV and the JSON of one table, written row by row in one pass;
    their (size, sha256). Each row also goes to ``summary``, what the pages keep of the table."""
    canonical_url, excel_url, json_url = urls_of
    outputs = [_Output(_target(out, url)) for url in urls_of]
    canonical, excel, records = outputs
    conversions = [
        (i, fields[header[i]])
        for i in _number_columns(header, fields, {"number", "integer"})
        if fields[header[i]].get("groupChar") or fields[header[i]].get("decimalChar") not in (None, ".")
    ]
    decimal_columns = _number_columns(header, fields, {"number"})
    canonical_lines = CsvLines(canonical)
    excel.write("\ufeff")
    excel_lines = CsvLines(excel, ";", "\r\n")
    json_records = JsonRecords(records, header, fields)
    canonical_lines.writerow(header)
    excel_lines.writerow([spreadsheet_cell(name) for name in header])
    try:
        for row in rows:
            if summary is not None:
                summary.add(row)
            row = canonical_row(row, conversions)
            canonical_lines.writerow(row)
            excel_lines.writerow(excel_row(row, decimal_columns))
            json_records.writerow(row)
        json_records.close()
    finally:
        written = [output.close() for output in outputs]
    return written


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
    bundle.writestr(_zip_info(name), text)


def _zip_info(name: str, size: int = 0) -> zipfile.ZipInfo:
    # A fixed date keeps the archive byte-identical from one build to the next.
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = size  # known in advance, so that zipfile picks ZIP64 for a file over 2 GiB
    return info


def _zip_copy(bundle: zipfile.ZipFile, name: str, path: Path) -> None:
    """A file of the site added to the archive block by block, never whole in memory."""
    with path.open("rb") as source, bundle.open(_zip_info(name, path.stat().st_size), "w") as entry:
        shutil.copyfileobj(source, entry, BLOCK_CHARS)


def _digest(path: Path) -> tuple[int, str]:
    sha256 = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(BLOCK_CHARS):
            sha256.update(block)
    return path.stat().st_size, sha256.hexdigest()


def _write(out: Path, url: str, content: str | bytes) -> tuple[int, str]:
    path = _target(out, url)  # in depth: a name that escaped validation cannot leave the site (UnsafePath)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return len(data), hashlib.sha256(data).hexdigest()


def write_downloads(
    dataset: Dataset, out: Path, base_url: str, citation: str, tables: dict[str, TableData] | None = None
) -> list[Download]:
    """Write every download of a dataset under ``out`` (the site root); return what was written.

    Each table is read once, as a stream; given ``tables``, what the pages show of each tabular
    resource is put there on the way (TableError: a table that cannot be read, said on one line).
    """
    downloads: list[Download] = []
    archive_path = _target(out, urls.archive(dataset.name))
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for resource in dataset.resources:
            located = resolve(dataset, resource, allow_remote=False)
            if located.path is None or not located.readable:
                continue
            name = resource["name"]
            fields = _fields(resource)
            table_urls = (
                urls.resource_csv(dataset.name, name),
                urls.resource_excel(dataset.name, name),
                urls.resource_json(dataset.name, name),
            )
            with open_rows(located.path, resource, located.encoding, located.label) as (header, rows):
                summary = Summary(header, keep_rows=name in WHOLE_TABLES)
                written = write_table(out, table_urls, header, rows, fields, summary)
            if tables is not None and located.tabular:
                tables[name] = summary.data
            labels = (
                (f"{name}.csv — CSV (UTF-8)", "csv"),
                (f"{name}-excel.csv — CSV pour Excel (point-virgule)", "csv"),
                (f"{name}.json — JSON", "json"),
            )
            for url, (label, fmt), (size, digest) in zip(table_urls, labels, written, strict=True):
                downloads.append(Download(url, label, fmt, MEDIA_TYPES[fmt], size, digest, name))
            _zip_copy(bundle, f"{dataset.name}/{name}.csv", inside(out, table_urls[0]))
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
    size, digest = _digest(archive_path)
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
