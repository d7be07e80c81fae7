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


def table_rows(view: View, data: pd.DataFrame, unit: str) -> tuple[list[str], list[list[str]]]:
    """The data table: headers and rows with French-formatted values."""
    headers = list(data.columns)
    rows = []
    for _, row in data.iterrows():
        cells = []
        for column in headers:
            cell = row[column]
            if column == view.value_field:
                cells.append(formats.number(None if pd.isna(cell) else cell, unit))
            elif pd.api.types.is_number(cell) and not isinstance(cell, bool) and not pd.isna(cell):
                cells.append(formats.number(cell))
            else:
                cells.append("" if pd.isna(cell) else str(cell))
        rows.append(cells)
    return headers, rows
