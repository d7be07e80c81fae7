"""The accessible alternative of a chart: a short French text and the data table, from the data alone."""

from __future__ import annotations

import pandas as pd

from portal import formats
from portal.charts.declaration import View

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
    view: View, data: pd.DataFrame, unit: str, schema: dict[str, dict] | None = None
) -> tuple[list[str], list[list[str]], list[bool]]:
    """The data table: headers, rows formatted for French readers (years as years, quantities as
    "1 234,5"), and which columns hold numbers. ``schema``: the resource's fields by name."""
    headers = list(data.columns)
    fields = table_fields(view, data, schema)
    rows = []
    for _, row in data.iterrows():
        cells = []
        for column in headers:
            cell = None if pd.isna(row[column]) else row[column]
            if column == view.value_field:
                cells.append(formats.number(cell, unit))
            else:
                cells.append(formats.cell_display(cell, fields[column])[0])
        rows.append(cells)
    return headers, rows, [formats.is_counted(fields[column]) for column in headers]
