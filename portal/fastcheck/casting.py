"""Which cells are certainly of their field's type, as frictionless reads them.

Each function returns a polars expression that is true only for cells that frictionless' value
reader accepts, in a canonical spelling whose typed value the expression also gives (``value``).
The masks are conservative: a cell they do not accept is not declared wrong, it is handed to
frictionless' own reader, which decides. So rare spellings that Python accepts (``int(" 1_0 ")``,
``Decimal("1e5")``, ``Decimal("NaN")``, dates at the limits of ``strptime``) stay exact.
"""

from __future__ import annotations

from typing import Any

import polars as pl

# Types whose default format the fast path reads; other types and formats go to frictionless.
TYPES = {"string", "integer", "number", "boolean", "date", "year", "any"}
INTEGER = r"^[+-]?[0-9]{1,18}$"
NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"
DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
YEAR = r"^[0-9]{4}$"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]


def unsupported_field(field: dict[str, Any]) -> str | None:
    """Why the fast path cannot read this field, or None."""
    kind = field.get("type", "any")
    if kind not in TYPES:
        return f"le type « {kind} »"
    if field.get("format", "default") != "default":
        return f"le format « {field.get('format')} »"
    if field.get("bareNumber", True) is not True or "floatNumber" in field:
        return "bareNumber ou floatNumber"
    for key in ("decimalChar", "groupChar"):
        if key in field and not (isinstance(field[key], str) and len(field[key]) == 1):
            return key
    return None


def number_text(column: pl.Expr, field: dict[str, Any]) -> tuple[pl.Expr, pl.Expr]:
    """The cell as frictionless hands it to Decimal after decimalChar and groupChar; and a guard."""
    text, guard = column, pl.lit(True)
    group, decimal = field.get("groupChar"), field.get("decimalChar")
    if group is not None:
        text = text.str.replace_all(group, "", literal=True)
    if decimal is not None and decimal != ".":
        guard = ~text.str.contains(".", literal=True)
        text = text.str.replace_all(decimal, ".", literal=True)
    return text, guard


def typed(column: pl.Expr, field: dict[str, Any]) -> tuple[pl.Expr, pl.Expr | None]:
    """(certainly of the type, the typed value or None when the fast path gives no value)."""
    kind = field.get("type", "any")
    if kind in {"string", "any"}:
        return pl.lit(True), column
    if kind == "integer":
        ok = column.str.contains(INTEGER)
        return ok, column.str.strip_prefix("+").cast(pl.Int64, strict=False)
    if kind == "number":
        text, guard = number_text(column, field)
        # The float value serves comparisons only; constraints.certainly_met bounds its digits.
        return guard & text.str.contains(NUMBER), text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        true_values = field.get("trueValues", TRUE_VALUES)
        false_values = field.get("falseValues", FALSE_VALUES)
        ok = column.is_in(list(true_values) + list(false_values))
        return ok, column.is_in(list(true_values))
    if kind == "date":
        value = pl.when(column.str.contains(DATE)).then(column.str.to_date("%Y-%m-%d", strict=False))
        return value.is_not_null(), value
    if kind == "year":
        return column.str.contains(YEAR), column.cast(pl.Int64, strict=False)
    raise ValueError(kind)
