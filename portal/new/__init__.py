"""``portal new``: from a spreadsheet's CSV export to a dataset folder that follows the profile.

``create_dataset`` reads top to bottom as the pipeline: options → read → tidy → match the
schema → convert each column → write the folder (normalised CSV, original in ``archive/``,
``datapackage.json``) → validate. Nothing is written when the input cannot be read, and an
existing folder is only replaced with ``force``.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portal.interrupt import deferred
from portal.new import metadata
from portal.new.headers import HeaderMatch, arrange, match_headers
from portal.new.schema import SchemaOptionError, TargetSchema, infer_schema, resolve_schema, target
from portal.normalise import CONVERTED, ColumnOutcome, Conversion, Failure, convert_column, slug
from portal.paths import MAX_NAME, NAME_RULE, UnsafePath, inside, is_safe_name, name_fault, shown_name
from portal.reader import DELIMITERS, RawTable, UnreadableInput, read_table, tidy
from portal.validate import DatasetReport
from portal.vocabularies import FREQUENCIES, Licence, canonical_frequency, identify_licence

__all__ = ["NewRequest", "NewResult", "UnreadableInput", "UsageProblem", "create_dataset"]


class UsageProblem(Exception):
    """An option is wrong or the folder exists: the command was misused (exit code 2)."""


@dataclass(frozen=True)
class NewRequest:
    name: str
    source: Path
    datasets: Path = Path("datasets")
    schema: str | None = None
    title: str | None = None
    licence: str = "etalab-2.0"
    frequency: str | None = None
    publisher: str | None = None
    public: bool = False
    force: bool = False


@dataclass
class NewResult:
    folder: Path
    data_path: Path
    archive_path: Path
    table: RawTable
    rows: int
    columns: int
    fixes: list[str]  # shape fixes (empty rows removed…)
    warnings: list[str]  # rows and headers to check
    conversions: list[Conversion]
    failures: list[Failure]
    abandoned: dict[str, str]  # column → the conversion given up ("date", "nombre") because of its failures
    identifiers: list[str]  # columns kept as text because they hold identifiers
    schema_label: str
    match: HeaderMatch | None
    inferred: list[str]  # what the metadata took from the data, or could not
    validation: DatasetReport | None = None
    descriptor: dict[str, Any] = field(default_factory=dict)


def create_dataset(request: NewRequest, now: datetime | None = None) -> NewResult:
    """Write ``datasets/NAME/`` from a messy CSV, and validate it.

    Raises ``UsageProblem`` for a bad option or an existing folder, ``UnreadableInput`` when
    the file cannot be read as a table; in both cases nothing is written.
    """
    now = now or datetime.now(UTC)
    licence, frequency = _check_options(request)
    folder = request.datasets / request.name
    try:
        inside(request.datasets, request.name)  # in depth: not even a symlink may lead elsewhere
    except UnsafePath as error:
        raise UsageProblem(f"{folder} est refusé : {error}.") from None
    if folder.exists() and not request.force:
        raise UsageProblem(f"{folder} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer.")
    try:
        schema = resolve_schema(request.schema) if request.schema else None
    except SchemaOptionError as error:
        raise UsageProblem(f"--schema : {error}") from None

    table = read_table(request.source)
    tidied = tidy(table.header, table.rows, table.lines)
    header, rows, match = tidied.header, tidied.rows, None
    if schema is not None:
        match = match_headers(header, schema.fields)
        header, rows = arrange(header, rows, match, schema.fields)
    targets = {str(f["name"]): target(f) for f in schema.fields} if schema else {}
    outcomes = [
        convert_column(label, _cells(rows, index), tidied.lines, targets.get(label))
        for index, label in enumerate(header)
    ]
    columns = dict(zip(header, outcomes, strict=True))

    publisher, inferred = metadata.infer_publisher(columns, request.publisher, request.public)
    spatial, notes = metadata.infer_spatial(columns, publisher)
    inferred += notes
    temporal, notes = metadata.infer_temporal(columns)
    inferred += notes

    result = NewResult(
        folder=folder,
        data_path=folder / f"{_resource_name(request)}.csv",
        archive_path=folder / "archive" / request.source.name,
        table=table,
        rows=len(rows),
        columns=len(header),
        fixes=tidied.fixes,
        warnings=tidied.warnings,
        conversions=[o.conversion for o in outcomes if o.conversion],
        failures=[f for o in outcomes for f in o.failures],
        abandoned={label: o.abandoned for label, o in columns.items() if o.abandoned},
        identifiers=[label for label, o in columns.items() if o.kind == "identifiant"],
        schema_label=schema.label if schema else "inféré avec frictionless depuis le CSV normalisé",
        match=match,
        inferred=inferred,
    )
    staging = folder.with_name(f".{request.name}.nouveau")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        data_path = inside(staging, result.data_path.name)
        _write_csv(data_path, header, _normalised_rows(rows, outcomes))
        (staging / "archive").mkdir()
        try:
            shutil.copy2(request.source, inside(staging, "archive", request.source.name))
        except OSError as error:  # the file changed since it was read (replaced by a pipe…)
            raise UnreadableInput(
                f"{request.source} ne peut plus être copié ({error}) : relancez portal new."
            ) from None
        resource = _resource(data_path, schema, columns)
        result.descriptor = metadata.descriptor(
            name=request.name,
            title=request.title or metadata.title_from_name(request.name),
            licence=licence,
            now=now,
            frequency=frequency,
            publisher=publisher,
            spatial=spatial,
            temporal=temporal,
            notes=_notes(result, now),
            resource=resource,
        )
        text = json.dumps(result.descriptor, ensure_ascii=False, indent=2) + "\n"
        (staging / "datapackage.json").write_text(text, "utf-8")
        _replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.validation = _validate(folder, now)
    return result


def _check_options(request: NewRequest) -> tuple[Licence, str | None]:
    if not is_safe_name(request.name):
        suggestion = slug(request.name)[:MAX_NAME] or "mon-jeu"
        raise UsageProblem(
            f"« {shown_name(request.name)} » ne peut pas nommer un jeu : il {name_fault(request.name)} ; "
            f"{NAME_RULE}, {MAX_NAME} caractères au plus (par exemple « {suggestion} »)."
        )
    licence = identify_licence({"name": request.licence, "path": request.licence, "title": request.licence})
    if licence is None or not licence.open:
        from portal.vocabularies import LICENCES

        known = ", ".join(item.id for item in LICENCES if item.open)
        why = "n'est pas une licence ouverte" if licence else "n'est pas reconnue"
        raise UsageProblem(f"--licence : « {request.licence} » {why} ; choisissez parmi {known}.")
    frequency = None
    if request.frequency is not None:
        frequency = canonical_frequency(request.frequency)
        if frequency is None:
            raise UsageProblem(
                f"--frequency : « {request.frequency} » n'est pas dans le vocabulaire ({', '.join(FREQUENCIES)})."
            )
    return licence, frequency


def _resource_name(request: NewRequest) -> str:
    """The resource's name, from the file name when it makes a safe one, else the dataset's."""
    name = slug(request.source.stem)[:MAX_NAME].strip("-")
    return name if is_safe_name(name) else request.name


def _cells(rows: list[list[str]], index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in rows]


def _normalised_rows(rows: list[list[str]], outcomes: list[ColumnOutcome]) -> list[list[str]]:
    """The converted values, each row keeping its own length (a short or long row stays so)."""
    width = len(outcomes)
    return [[outcomes[i].values[r] for i in range(min(len(row), width))] + row[width:] for r, row in enumerate(rows)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=",", quotechar='"', lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _resource(data_path: Path, schema: TargetSchema | None, columns: dict[str, ColumnOutcome]) -> dict[str, Any]:
    declared = schema.declared if schema else infer_schema(data_path, columns)
    return {
        "name": data_path.stem,
        "path": data_path.name,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": "",
        "schema": declared,
    }


def _notes(result: NewResult, now: datetime) -> str:
    """Where the data comes from and what was changed, for reusers (the ``notes`` of the package)."""
    table = result.table
    lines = [
        f"Données normalisées par `portal new` le {now.astimezone().date().isoformat()} depuis l'export "
        f"d'origine `archive/{result.archive_path.name}` ({table.encoding_label}, séparateur "
        f"{DELIMITERS[table.delimiter]}) : UTF-8, séparateur virgule, dates AAAA-MM-JJ, nombres sans "
        "séparateur de milliers et avec un point décimal.",
        "",
    ]
    for c in result.conversions:
        lines.append(f"- « {c.column} » : {c.count} {CONVERTED[c.kind]} ({c.detail}), « {c.before} » → « {c.after} ».")
    if result.failures:
        columns = ", ".join(dict.fromkeys(f"« {f.column} »" for f in result.failures))
        lines.append(
            f"- {len(result.failures)} valeur(s) non convertie(s), laissée(s) telle(s) quelle(s), dans : {columns}."
        )
    if len(lines) == 2:
        lines.append("- Aucune valeur n'a eu à être convertie.")
    return "\n".join(lines)


def _replace(staging: Path, folder: Path) -> None:
    """Put the new folder in place; a replaced folder is removed only once the new one is there.

    A Ctrl-C waits for the two renames: the folder is the previous one or the new one, whole.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    previous = folder.with_name(f".{folder.name}.ancien")
    shutil.rmtree(previous, ignore_errors=True)
    with deferred():
        if folder.exists():
            folder.rename(previous)
        staging.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)


def _validate(folder: Path, now: datetime) -> DatasetReport:
    from portal.checks.base import Options
    from portal.validate import validate_paths

    report = validate_paths([folder], Options(today=now.astimezone().date()))
    return report.datasets[0]
