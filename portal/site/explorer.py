"""The data a table page's explorer loads: one compact JSON file per table, written in one streamed pass.

The explorer (portal/site/assets/js/explorer.js) fetches ``lignes.json`` beside the table's page once its
script starts: nothing is inlined in the HTML. The file holds the column kinds (to sort and format
numbers), the rows as arrays of their canonical text (the site's CSV, cell for cell, so that the
filtered download says what the full one says), and which columns get facets. The pass keeps the
first rows for the page itself (readers without JavaScript) and, per column, at most
``MAX_FACET_VALUES + 1`` distinct values: memory stays bounded whatever the table's length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from portal import formats
from portal.tables import open_rows

FIRST_ROWS = 20  # rows in the page's HTML, and rows per page of the explorer
MAX_FACET_VALUES = 20  # a column with more distinct values is searched, not faceted
MAX_FACET_CHARS = 80  # a long text is not a category
# Beyond these the table is not loaded into a browser: the page links to its downloads instead.
MAX_ROWS = 200_000
MAX_BYTES = 40 * 1024 * 1024


@dataclass
class ExplorerTable:
    """What a table page shows of its table, and whether its explorer could be written."""

    header: list[str]
    kinds: list[str]
    first_rows: list[list[str]] = field(default_factory=list)
    row_count: int = 0
    facets: list[str] = field(default_factory=list)
    written: bool = True  # False: too large for a browser, the page offers the downloads only


def column_kind(field_spec: dict[str, Any]) -> str:
    """How the explorer sorts and shows a column: "number" (a quantity, in French format), "year" or
    "code" (sorted as numbers, shown as written: 2018, not 2 018) or "text". The site's one rule for
    numbers that are not quantities is formats.number_role."""
    if field_spec.get("type") in {"year", "yearmonth"}:
        return "year"
    role = formats.number_role(field_spec)
    return "text" if role is None else {"quantity": "number"}.get(role, role)


class _Facets:
    """The distinct values of each column, dropped as soon as a column has too many to be a facet."""

    def __init__(self, width: int):
        self.values: dict[int, set[str]] = {i: set() for i in range(width)}

    def add(self, row: list[str]) -> None:
        for index in list(self.values):
            cell = row[index] if index < len(row) else ""
            seen = self.values[index]
            if cell in seen:
                continue
            if len(seen) >= MAX_FACET_VALUES or len(cell) > MAX_FACET_CHARS:
                del self.values[index]
            else:
                seen.add(cell)

    def columns(self, header: list[str], kinds: list[str], row_count: int) -> list[str]:
        # A facet groups rows: two values or more, and fewer values than rows (some repeat).
        return [
            header[i] for i, seen in sorted(self.values.items()) if kinds[i] != "number" and 2 <= len(seen) < row_count
        ]


def write_explorer_data(csv_path: Path, target: Path, fields: dict[str, dict[str, Any]]) -> ExplorerTable:
    """Read the site's canonical CSV (UTF-8, comma) once; write the explorer's JSON at ``target``."""
    with open_rows(csv_path, {}, "utf-8") as (header, rows):
        kinds = [column_kind({"name": name, **fields.get(name, {})}) for name in header]
        table = ExplorerTable(list(header), kinds)
        facets = _Facets(len(header))
        size = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as out:
            start = '{"columns":' + json.dumps(
                [
                    {"name": n, "title": fields.get(n, {}).get("title") or n, "kind": k}
                    for n, k in zip(header, kinds, strict=True)
                ],
                ensure_ascii=False,
            )
            out.write(start + ',"rows":[')
            for row in rows:
                if table.row_count < FIRST_ROWS:
                    table.first_rows.append((row + [""] * len(header))[: max(len(header), len(row))])
                line = ("," if table.row_count else "") + "[" + ",".join(map(encode_basestring, row)) + "]"
                table.row_count += 1
                size += len(line)
                if table.row_count > MAX_ROWS or size > MAX_BYTES:
                    table.written = False
                    continue  # keep counting the rows for the page, write no more
                out.write(line)
                facets.add(row)
            table.facets = facets.columns(header, kinds, table.row_count)
            out.write('],"facets":' + json.dumps(table.facets, ensure_ascii=False) + "}\n")
    if not table.written:
        target.unlink()
    return table
