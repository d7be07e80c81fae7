"""French formats for people: numbers "1 234,5", percentages "12 %", euros "1,82 €", dates "22/11/2026".

Babel holds the CLDR rules for fr_FR (narrow no-break space between thousands, decimal comma).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

LOCALE = "fr_FR"
NBSP = "\u00a0"
NNBSP = "\u202f"


def number(value: float | int | None, unit: str = "nombre") -> str:
    """A figure as French readers write it, with its unit; never rounded beyond 12 digits."""
    if value is None or value != value:  # None or NaN
        return "—"
    text = format_decimal(value, format="#,##0.############", locale=LOCALE)
    if unit == "pourcentage":
        return f"{text}{NNBSP}%"
    if unit == "euros":
        return f"{text}{NBSP}€"
    return text


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


# --- table cells ---------------------------------------------------------------------------

NUMERIC_TYPES = {"integer", "number"}
# A year, a date or a code is read, not counted: "2018" and "75056", never "2 018" or "75 056".
YEAR_NAMES = {
    "annee",
    "année",
    "year",
    "years",
    "annees",
    "années",
    "edition",
    "édition",
    "millesime",
    "millésime",
    "exercice",
    "periode",
}
CODE_NAMES = {"code", "id", "uid", "siren", "siret", "insee", "cog", "numero", "numéro", "postal"}


def number_role(field: dict | None) -> str | None:
    """What a number field's values are: "quantity" (counted), "year" or "code" (read, as written);
    None for a field that is not a number."""
    if not isinstance(field, dict) or field.get("type") not in NUMERIC_TYPES:
        return None
    camel = re.sub(r"([a-zà-ÿ])([A-Z])", r"\1_\2", str(field.get("name", "")))  # codeInsee: code, insee
    words = set(re.split(r"[\W_]+", camel.lower()))
    if words & YEAR_NAMES or words == {"an"}:  # "an" alone: in a longer name ("par_an") it is a rate
        return "year"
    return "code" if words & CODE_NAMES else "quantity"


def is_counted(field: dict | None) -> bool:
    """A field whose values are quantities: a number or an integer that is not a year, a date or a code."""
    return number_role(field) == "quantity"


def _parsed(value: object, field: dict) -> float | int | Decimal | None:
    """A cell as a number, read with the field's own separators (Table Schema), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return None if value != value else value  # NaN
    text = str(value).strip()
    group = field.get("groupChar")
    if isinstance(group, str) and group:
        text = text.replace(group, "")
    decimal = field.get("decimalChar")
    if isinstance(decimal, str) and decimal and decimal != ".":
        text = text.replace(decimal, ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def cell_display(value: object, field: dict | None = None, unit: str = "nombre") -> tuple[str, bool]:
    """A table cell as readers expect it, and whether it is a number (right-aligned).

    Quantities in French format ("1 234,5"); years, dates and codes as written ("2018"); a cell
    that does not read as a number stays as it is. ``field`` is the cell's Table Schema field."""
    if value is None or (isinstance(value, float) and value != value):
        return "", False
    if is_counted(field):
        parsed = _parsed(value, field or {})
        if parsed is not None:
            if isinstance(parsed, Decimal) and parsed == parsed.to_integral_value():
                parsed = int(parsed)  # "65.0" is 65
            return number(parsed, unit), True
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False  # a year read as a float because of an empty cell: 2018.0
    return str(value), False
