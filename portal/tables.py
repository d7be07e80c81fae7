"""A CSV resource read as a stream of rows, and what the pages keep of it.

The build never holds a whole table: downloads are written row by row, and the pages keep a
bounded summary (header, first rows, row count, an example per column). Only the survey
codebooks, whose page lists every question and answer, are kept whole, up to a bound.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal import formats
from portal.dataset import resource_schema
from portal.files import csv_dialect

# The csv module refuses a cell over 131,072 characters; a long text or a geometry (WKT) may be
# longer. Up to this bound a cell is read; beyond it, the build stops with a one-line message.
MAX_CELL_CHARS = 16 * 1024 * 1024
PREVIEW_ROWS = 10
PREVIEW_CHARS = 1000  # a preview cell is cut here: the page shows a glimpse, the downloads the whole
EXAMPLE_CHARS = 80
# The survey pages show every row of these tables (portal/site/surveys.py).
WHOLE_TABLES = frozenset({"questions", "reponses"})
MAX_WHOLE_ROWS = 100_000


class TableError(ValueError):
    """A table the build cannot read; the message names the file and the fix, on one line."""


@dataclass
class TableData:
    """What the pages show of a table."""

    header: list[str]
    preview: list[list[str]] = field(default_factory=list)  # the first PREVIEW_ROWS rows
    row_count: int = 0
    examples: dict[str, str] = field(default_factory=dict)  # the first non-empty value of each column
    rows: list[list[str]] | None = None  # every row, for WHOLE_TABLES only


class Summary:
    """Builds a table's TableData from its rows, one at a time, in bounded memory."""

    def __init__(self, header: list[str], keep_rows: bool = False):
        self.data = TableData(list(header), rows=[] if keep_rows else None)
        first: dict[str, int] = {}
        for index, name in enumerate(header):
            first.setdefault(name, index)
        self._missing = {index: name for name, index in first.items()}  # columns with no example yet

    def add(self, row: list[str]) -> None:
        data = self.data
        data.row_count += 1
        if len(data.preview) < PREVIEW_ROWS:
            data.preview.append([_cut(cell, PREVIEW_CHARS) for cell in row])
        if self._missing:
            for index in [i for i in self._missing if i < len(row) and row[i]]:
                data.examples[self._missing[index]] = row[index][:EXAMPLE_CHARS]
                del self._missing[index]
        if data.rows is not None:
            data.rows.append(row)
            if len(data.rows) > MAX_WHOLE_ROWS:
                data.rows = None  # too long to list on one page: no survey page for it


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _cell_limit() -> Iterator[None]:
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _rows(reader: Any, label: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        line = reader.line_num
        if "field larger than field limit" in str(error):
            raise TableError(
                f"{label} : une cellule dépasse {formats.number(MAX_CELL_CHARS)} caractères (vers la ligne {line}) ; "
                "raccourcissez-la ou publiez ce contenu dans un fichier à part."
            ) from None
        raise TableError(
            f"{label} : CSV illisible vers la ligne {line} ({error}) ; lancez portal validate pour le détail."
        ) from None


@contextmanager
def open_rows(
    path: Path, resource: dict[str, Any], encoding: str, label: str | None = None
) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    """A CSV resource as its header and an iterator over its rows of text, read with its own
    dialect and encoding; a cell too long or a broken file raises TableError naming ``label``."""
    dialect = csv_dialect(resource)
    label = label or str(path)
    with _cell_limit(), path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
        rows = _rows(reader, label)
        header = next(rows, [])
        yield header, rows


def fields_by_name(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A resource's Table Schema fields, by name."""
    fields = resource_schema(resource).get("fields") or []
    return {f["name"]: f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}


def display_rows(
    header: list[str], rows: list[list[Any]], fields: dict[str, dict[str, Any]]
) -> tuple[list[list[str]], list[bool]]:
    """Rows as the pages show them (formats.cell_display) and, per column, whether it holds numbers."""
    shown = [
        [formats.cell_display(cell, fields.get(name))[0] for name, cell in zip(header, row, strict=False)]
        for row in rows
    ]
    return shown, [formats.is_counted(fields.get(name)) for name in header]
