"""French formats for people: numbers "1 234,5", percentages "12 %", euros "1,82 €", dates "22/11/2026".

Babel holds the CLDR rules for fr_FR (narrow no-break space between thousands, decimal comma).
"""

from __future__ import annotations

from datetime import date

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
