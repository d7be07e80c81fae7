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


YEAR_WORDS = ("annee", "année", "edition", "édition", "year", "millesime", "millésime")


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


def _is_year(column: str, header: str, fields: dict[str, dict]) -> bool:
    kind = fields.get(column, {}).get("type")
    words = f"{column} {header}".lower()
    return kind == "year" or (kind == "integer" and any(w in words for w in YEAR_WORDS))


def table_rows(
    view: View, data: pd.DataFrame, unit: str, columns: list[tuple[str, str]] | None = None, fields=None
) -> tuple[list[str], list[list[str]]]:
    """The data table: the columns' headers, and rows with French-formatted values (years as years)."""
    columns = columns or [(c, c) for c in data.columns]
    fields = fields or {}
    value = raw_value_field(view, data) if view.type == RAW else view.value_field
    rows = []
    for _, row in data.iterrows():
        cells = []
        for column, header in columns:
            cell = row[column]
            if column == value and (view.type != RAW or pd.api.types.is_number(cell)):
                cells.append(formats.number(None if pd.isna(cell) else cell, unit))
            elif pd.isna(cell):
                cells.append("")
            elif _is_year(column, header, fields) or isinstance(cell, bool):
                cells.append(str(cell))
            elif pd.api.types.is_number(cell):
                cells.append(formats.number(cell))
            else:
                cells.append(str(cell))
        rows.append(cells)
    return [header for _, header in columns], rows
