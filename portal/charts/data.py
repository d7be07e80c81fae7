"""The data behind a chart: a resource read with its schema's types, filtered, aggregated, sorted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from portal.charts.declaration import MAX_ROWS, RAW, View
from portal.dataset import resource_schema
from portal.files import csv_dialect
from portal.text import CONTROL, clean

UNIT_COLUMNS = ("unite", "unit", "unité")  # a single-valued column that gives a chart its number format
ROW_LIMIT = f"{MAX_ROWS:,}".replace(",", " ")  # "5 000", as the messages say it


class TooManyRows(ValueError):
    """More than MAX_ROWS rows to draw; ``rows`` is how many were counted before stopping (at least MAX_ROWS + 1)."""

    def __init__(self, rows: int):
        super().__init__(rows)
        self.rows = rows


def _to_number(series: pd.Series, field: dict[str, Any]) -> pd.Series:
    text = series.astype("string").str.strip()
    group = field.get("groupChar")
    if isinstance(group, str) and group:
        text = text.str.replace(group, "", regex=False)
    decimal = field.get("decimalChar")
    if isinstance(decimal, str) and decimal and decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(text.replace("", pd.NA), errors="coerce")


def columns_used(views: list[View]) -> set[str] | None:
    """The columns these views read (None: all of them, for a raw Vega-Lite spec)."""
    if any(view.type == RAW for view in views):
        return None
    return {name for view in views for name in (*view.fields, *view.filter)} | set(UNIT_COLUMNS)


def _reading(resource: dict[str, Any], encoding: str, columns: set[str] | None) -> dict[str, Any]:
    """The options of pandas.read_csv for a resource: its dialect, every cell as text, only ``columns``."""
    dialect = csv_dialect(resource)
    return {
        "sep": dialect["delimiter"],
        "quotechar": dialect["quotechar"],
        "dtype": str,
        "keep_default_na": False,
        "encoding": encoding,
        "usecols": None if columns is None else lambda name: clean(str(name)) in columns,
    }


def _typed(frame: pd.DataFrame, resource: dict[str, Any]) -> pd.DataFrame:
    """Cells as read: names and text cleaned, numbers as numbers (schema types), row by row."""
    # No control character reaches the chart: vl-convert aborts the process on one in a label, and
    # the schema's field names were cleaned the same way when the descriptor was loaded.
    frame.columns = [clean(str(column)) for column in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].str.replace(CONTROL.pattern, "", regex=True)
    schema = resource_schema(resource)
    for field in schema.get("fields") or []:
        name = field.get("name")
        if name not in frame.columns:
            continue
        kind = field.get("type")
        if kind == "integer" or kind == "year":
            frame[name] = _to_number(frame[name], field).astype("Int64")
        elif kind == "number":
            frame[name] = _to_number(frame[name], field).astype("Float64")
    return frame


def read_table(
    path: Path, resource: dict[str, Any], encoding: str = "utf-8-sig", columns: set[str] | None = None
) -> pd.DataFrame:
    """A CSV resource as a DataFrame: numbers as numbers (schema types), everything else as text.

    Given ``columns``, only those are read (those absent from the file are left out), so that a
    chart over a large table holds only the columns it draws."""
    return _typed(pd.read_csv(path, **_reading(resource, encoding, columns)), resource)


def read_chunks(
    path: Path, resource: dict[str, Any], encoding: str, columns: set[str] | None, rows: int
) -> Iterator[pd.DataFrame]:
    """The table as read_table reads it, ``rows`` rows at a time (the file is closed when left)."""
    with pd.read_csv(path, chunksize=rows, **_reading(resource, encoding, columns)) as reader:
        for chunk in reader:
            yield _typed(chunk, resource)


def _matches(column: pd.Series, wanted: Any) -> pd.Series:
    values = wanted if isinstance(wanted, list) else [wanted]
    # Compare as text so that 2018 matches "2018" whatever the column's type.
    texts = {str(v) for v in values}
    return column.astype("string").isin(texts)


def filtered(view: View, table: pd.DataFrame) -> pd.DataFrame:
    """The rows the view's filter keeps (all of them without a filter)."""
    frame = table
    for field_name, wanted in view.filter.items():
        frame = frame[_matches(frame[field_name], wanted)]
    return frame


def aggregates(view: View) -> bool:
    return bool(view.aggregate and view.value_field)


def group_keys(view: View) -> list[str]:
    """The fields an aggregated view groups by: all it shows but its value."""
    return [f for f in view.fields if f != view.value_field]


def aggregated(view: View, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group, in order of first appearance, the value aggregated (rows unchanged without)."""
    if not aggregates(view):
        return frame
    grouped = frame.groupby(group_keys(view), sort=False, dropna=False)[view.value_field]
    return (grouped.size() if view.aggregate == "count" else grouped.agg(view.aggregate)).reset_index(
        name=view.value_field
    )


def finished(view: View, frame: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows sorted and their columns chosen; TooManyRows beyond MAX_ROWS."""
    if len(frame) > MAX_ROWS:
        raise TooManyRows(len(frame))
    if view.sort in {"x", "-x", "y", "-y"}:
        channel = view.sort.lstrip("-")
        field_name = getattr(view, channel)
        frame = frame.sort_values(field_name, ascending=not view.sort.startswith("-"), kind="stable")
    columns = view.fields or list(frame.columns)
    return frame[columns].reset_index(drop=True)


def chart_data(view: View, table: pd.DataFrame) -> pd.DataFrame:
    """The rows the chart shows, at most MAX_ROWS (TooManyRows otherwise: aggregate first)."""
    return finished(view, aggregated(view, filtered(view, table)))


def unit_from(units: dict[str, set[Any]]) -> str:
    """The number format given the distinct values of each unit column present, in UNIT_COLUMNS order."""
    for column in UNIT_COLUMNS:
        if column in units and len(units[column]) == 1:
            unit = next(iter(units[column]))
            if unit in {"pourcentage", "%", "percent"}:
                return "pourcentage"
            if str(unit).startswith("euro"):
                return "euros"
    return "nombre"


def unit_of(view: View, table: pd.DataFrame) -> str:
    """The number format of the chart: declared, or read from a single-valued unit column."""
    if view.format:
        return view.format
    frame = filtered(view, table)
    return unit_from({c: set(frame[c].dropna().unique()) for c in UNIT_COLUMNS if c in frame.columns})
