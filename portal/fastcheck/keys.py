"""``unique`` fields and the primary key, over the whole file, as frictionless checks them.

frictionless remembers each typed value with the last row where it was seen, and reports a
repeated value with that row (``the same as in the row at position N``). Here each batch leaves
one small frame per key (row number, raw cell, canonical typed value); at the end, the previous
occurrence of each value is found with one window expression. Only the key columns are kept.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

NONE = "\x00"  # a missing part of a composite primary key
SEPARATOR = "\x1f"


def canonical(value: Any) -> str | None:
    """A typed value as text, so that equal values (01 and 1 as integers) have equal keys."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def canonical_expr(column: pl.Expr, value: pl.Expr, kind: str) -> pl.Expr:
    if kind in {"string", "any"}:
        return column
    if kind == "boolean":
        return pl.when(value).then(pl.lit("True")).otherwise(pl.lit("False"))
    if kind == "date":
        return value.dt.strftime("%Y-%m-%d")
    return value.cast(pl.String)


def primary_key(parts: list[pl.Expr]) -> pl.Expr:
    """One text for the tuple of typed values; null when every part is missing."""
    joined = pl.concat_str([part.fill_null(NONE) for part in parts], separator=SEPARATOR)
    all_missing = pl.all_horizontal([part.is_null() for part in parts])
    return pl.when(all_missing).then(None).otherwise(joined)


def primary_key_text(values: list[Any]) -> str | None:
    if all(value is None for value in values):
        return None
    return SEPARATOR.join(NONE if value is None else canonical(value) for value in values)


def repeated(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows (row, cell, previous) whose key was seen before, with the last row that had it."""
    return (
        frame.filter(pl.col("key").is_not_null())
        .sort("row")
        .with_columns(previous=pl.col("row").shift(1).over("key"))
        .filter(pl.col("previous").is_not_null())
        .sort("row")
    )
