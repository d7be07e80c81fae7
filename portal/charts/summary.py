"""The accessible alternative of a chart: a short French text and the data table, from the data alone."""

from __future__ import annotations

import pandas as pd

from portal import formats
from portal.charts.declaration import RAW, View

TYPE_NAMES = {
    "bar": "Diagramme en barres",
    "horizontal-bar": "Diagramme en barres horizontales",
    "grouped-bar": "Diagramme en barres groupées",
    "stacked-bar": "Diagramme en barres empilées",
    "line": "Courbe",
    "dot": "Diagramme en points",
    "vega-lite": "Graphique",
}


def _label(row: pd.Series, view: View) -> str:
    parts = [str(row[f]) for f in (view.category_field, view.color, view.facet) if f and f in row]
    return " — ".join(parts)


def text_alternative(view: View, data: pd.DataFrame, unit: str) -> str:
    """E.g. « Diagramme en barres horizontales : Les répondants. 5 valeurs. Les plus élevées : … »."""
    sentences = [f"{TYPE_NAMES[view.type]} : {view.title.rstrip('.')}."]
    if isinstance(view.description, str) and view.description.strip():
        sentences.append(view.description.strip())
    value = view.value_field
    if value is None or value not in data.columns:
        sentences.append(f"{len(data)} ligne{'s' if len(data) > 1 else ''} de données, détaillées dans le tableau.")
        return " ".join(sentences)
    values = data[value].dropna()
    sentences.append(f"{len(values)} valeur{'s' if len(values) > 1 else ''}.")
    if len(values):
        top = data.loc[values.sort_values(ascending=False, kind="stable").index[:3]]
        listed = f"{formats.NBSP}; ".join(
            f"{_label(row, view)} : {formats.number(row[value], unit)}" for _, row in top.iterrows()
        )
        sentences.append(f"{'Les plus élevées' if len(top) > 1 else 'Valeur'} : {listed}.")
        if len(values) > 3:
            lowest = data.loc[values.idxmin()]
            sentences.append(f"La plus faible : {_label(lowest, view)} : {formats.number(lowest[value], unit)}.")
    if view.base:
        sentences.append(f"Base : {view.base}.")
    return " ".join(sentences)


def encoded_fields(spec: object) -> tuple[dict[str, str | None], list[str]]:
    """The fields a raw Vega-Lite spec draws (x, y, color, tooltip…), in order, with their titles;
    and those it draws as quantities."""
    found: dict[str, str | None] = {}

    def channel(definition: object) -> None:
        for item in definition if isinstance(definition, list) else [definition]:
            if isinstance(item, dict) and isinstance(item.get("field"), str):
                title = item.get("title") if isinstance(item.get("title"), str) else None
                if found.get(item["field"]) is None:
                    found[item["field"]] = title
                if item.get("type") == "quantitative":
                    quantitative.setdefault(item["field"])

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "encoding" and isinstance(value, dict):
                    for definition in value.values():
                        channel(definition)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    quantitative: dict[str, None] = {}
    walk(spec)
    return found, list(quantitative)


def raw_value_field(view: View, data: pd.DataFrame) -> str | None:
    """The first column a raw spec draws as a quantity: its figures get the chart's unit."""
    return next((f for f in encoded_fields(view.spec)[1] if f in data.columns), None)


def table_columns(view: View, data: pd.DataFrame, fields: dict[str, dict]) -> list[tuple[str, str]]:
    """The columns the chart encodes and their headers: its title in the spec, else in the schema.

    A raw spec's data holds every column of its rows; the table keeps only those it draws (all of
    them if it names none)."""
    if view.type == RAW:
        encoded = {f: t for f, t in encoded_fields(view.spec)[0].items() if f in data.columns}
        if not encoded:
            encoded = dict.fromkeys(data.columns)
    else:
        encoded = dict.fromkeys(c for c in view.fields if c in data.columns)
    return [(name, title or str(fields.get(name, {}).get("title") or name)) for name, title in encoded.items()]


def table_fields(view: View, data: pd.DataFrame, schema: dict[str, dict] | None = None) -> dict[str, dict]:
    """The Table Schema field of each column of the chart's data: the resource's own, else one
    guessed from the column (an aggregate's count, a raw spec's column), the value always counted."""
    schema = schema or {}
    fields = {}
    for column in data.columns:
        field = dict(schema.get(column) or {"name": column})
        if "type" not in field and pd.api.types.is_numeric_dtype(data[column]) and data[column].dtype != bool:
            field["type"] = "number"
        fields[column] = field
    if view.value_field in fields:
        fields[view.value_field] = {"name": "valeur", "type": "number"}
    return fields


def table_rows(
    view: View,
    data: pd.DataFrame,
    unit: str,
    schema: dict[str, dict] | None = None,
    columns: list[tuple[str, str]] | None = None,
) -> tuple[list[str], list[list[str]], list[bool]]:
    """The data table: headers, rows formatted for French readers (years as years, quantities as
    "1 234,5"), and which columns hold numbers. ``schema``: the resource's fields by name;
    ``columns``: the (column, header) pairs to show (table_columns), else every column."""
    columns = columns or [(c, c) for c in data.columns]
    fields = table_fields(view, data, schema)
    value = raw_value_field(view, data) if view.type == RAW else view.value_field
    rows = []
    for _, row in data.iterrows():
        cells = []
        for column, _header in columns:
            cell = None if pd.isna(row[column]) else row[column]
            if column == value and (view.type != RAW or cell is None or pd.api.types.is_number(cell)):
                cells.append(formats.number(cell, unit))
            else:
                cells.append(formats.cell_display(cell, fields[column])[0])
        rows.append(cells)
    numeric = [column == value or formats.is_counted(fields[column]) for column, _ in columns]
    return [header for _, header in columns], rows, numeric
