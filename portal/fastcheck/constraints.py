"""Which certainly-typed cells certainly meet their field's constraints.

Like the type masks, these are conservative: a comparison that floats could round (a value at a
bound) or a pattern that polars' regex engine cannot compile leaves the cell to frictionless.
``required`` is read from the missing values; ``unique`` is checked over the whole file (``keys``).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

COMPARISONS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
NUMERIC = {"integer", "number", "year"}


def certainly_met(column: pl.Expr, value: pl.Expr, field: dict[str, Any]) -> pl.Expr:
    """True where the cell meets every constraint but ``required`` and ``unique`` (false: not sure)."""
    kind = field.get("type", "any")
    ok = pl.lit(True)
    for name, bound in (field.get("constraints") or {}).items():
        if name in {"required", "unique"}:
            continue
        if name in COMPARISONS and kind in NUMERIC and isinstance(bound, int | float) and not isinstance(bound, bool):
            ok = ok & _compare(value, name, bound, kind)
            if kind == "number":
                # At most 15 characters, so at most 15 digits: the float is then the nearest double of a
                # unique decimal, and comparisons with a bound of at most 15 significant digits give
                # Decimal's answer. Longer cells go to frictionless.
                ok = ok & (column.str.len_bytes() <= 15)
        elif name == "minLength" and kind == "string" and isinstance(bound, int):
            ok = ok & (column.str.len_chars() >= bound)
        elif name == "maxLength" and kind == "string" and isinstance(bound, int):
            ok = ok & (column.str.len_chars() <= bound)
        elif name == "pattern" and kind == "string" and isinstance(bound, str) and _compiles(bound):
            ok = ok & column.str.contains(f"^(?:{bound})$")
        elif name == "enum" and kind == "string" and isinstance(bound, list) and all(isinstance(i, str) for i in bound):
            ok = ok & column.is_in(bound)
        else:
            return pl.lit(False)  # frictionless decides every cell of this field
    return ok


def _compare(value: pl.Expr, name: str, bound: float, kind: str) -> pl.Expr:
    """Certainly within the bound: exact for integers and for bounds of at most 15 digits (see casting)."""
    exact = kind != "number" or len(re.sub(r"[^0-9]", "", repr(float(bound)).split("e")[0])) <= 15
    if name == "minimum":
        return value >= bound if exact else value > bound
    if name == "maximum":
        return value <= bound if exact else value < bound
    return value > bound if name == "exclusiveMinimum" else value < bound


def _compiles(pattern: str) -> bool:
    try:
        pl.select(pl.lit("").str.contains(f"^(?:{pattern})$"))
    except Exception:  # noqa: BLE001 — a regex that Rust's engine refuses: frictionless reads it
        return False
    return True
