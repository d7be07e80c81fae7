"""National SCDL schemas: the header remarks and the custom checks of each SCDL resource.

frictionless (the ``structure`` check) validates an SCDL resource against the national schema;
this check adds what Validata adds: remarks on the header (a missing optional column, an extra
column, another order) and the schema's ``custom_checks`` (portal/scdl/checks.py). The file is
read as a stream with the csv module, so a large file costs no memory. Remote resources are not
read by this check.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from itertools import islice

from portal.checks.base import Context
from portal.files import ResourceFile, csv_dialect
from portal.problems import Problem, problem
from portal.scdl import load_schema, schema_name
from portal.scdl.checks import Finding, header_findings, validate_rows

NAME = "scdl"
# Findings reported per resource at most, like frictionless' own limit of errors.
LIMIT = 1000


def scdl_name(resource_file: ResourceFile) -> str | None:
    """The SCDL schema of a resource: resolved by the structure check, or read from its descriptor."""
    return resource_file.scdl or schema_name(resource_file.descriptor.get("schema"))


def findings(resource_file: ResourceFile, schema: dict) -> Iterator[Finding]:
    dialect = csv_dialect(resource_file.descriptor)
    with resource_file.path.open(encoding=resource_file.encoding, errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
        if dialect["header"]:
            labels = next(reader, [])
            yield from header_findings(schema, labels)
            first_row = 2
        else:
            labels = [field["name"] for field in schema["fields"]]
            first_row = 1
        yield from validate_rows(schema, labels, reader, first_row)


def fast_findings(resource_file: ResourceFile, schema: dict) -> list[Finding] | None:
    """The findings through the fast engine's batches, or None for a file it does not read."""
    from portal import fastcheck
    from portal.fastcheck import custom
    from portal.fastcheck.reading import Unsupported

    descriptor = {**resource_file.descriptor, "schema": resource_file.descriptor.get("schema")}
    if not isinstance(descriptor["schema"], dict):
        return None
    if fastcheck.unsupported(descriptor, resource_file.path, resource_file.encoding) is not None:
        return None
    dialect = csv_dialect(resource_file.descriptor)
    labels = [field["name"] for field in descriptor["schema"]["fields"]]
    try:
        return custom.findings(schema, resource_file.path, labels, dialect["delimiter"], dialect["quotechar"], LIMIT)
    except Unsupported:
        return None


def _collect(stream: Iterator[Finding]) -> list[Finding]:
    found: list[Finding] = []
    # A malformed CSV stops the reading: the structure check reports it; what came before stays.
    with contextlib.closing(stream), contextlib.suppress(csv.Error):
        for finding in islice(stream, LIMIT):
            found.append(finding)
    return found


def run(context: Context) -> Iterator[Problem]:
    for resource_file in context.files:
        name = scdl_name(resource_file)
        if not name or resource_file.path is None or not resource_file.tabular or not resource_file.readable:
            continue
        schema = load_schema(f"scdl/{name}")
        found = resource_file.custom_findings  # read in the fast engine's pass, when it ran
        if found is None:
            found = fast_findings(resource_file, schema)
        if found is None:
            found = _collect(findings(resource_file, schema))
        for finding in found:
            yield problem(
                finding.code,
                f"{resource_file.label} : {finding.message}.",
                finding.fix,
                file=resource_file.label,
                row=finding.row,
                field=finding.field,
            )
