"""The portal theme: one look for every chart, French number formats, colour-blind-safe colours."""

from __future__ import annotations

# Okabe & Ito's palette, safe for the common colour-vision deficiencies; the first colour has
# a contrast ratio above 4.5:1 on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MAIN = PALETTE[0]
TEXT = "#1e1e1e"
MUTED = "#555555"
FONT = "DejaVu Sans, Marianne, Arial, sans-serif"
WIDTH = 560
BAR_STEP = 26
LABEL_WIDTH = 30  # characters per line of a wrapped category label

# d3's fr-FR locale, as vl-convert and the browser runtime apply it: "1 234,5".
LOCALE = "fr-FR"
NUMBER = "',.12~g'"
SUFFIX = {"nombre": "", "pourcentage": "\u202f%", "euros": "\u00a0€"}


def format_expression(value: str, unit: str) -> str:
    """A Vega expression formatting ``value`` the French way, with the unit's suffix."""
    suffix = SUFFIX.get(unit, "")
    return f"format({value}, {NUMBER})" + (f" + '{suffix}'" if suffix else "")


CONFIG = {
    "font": FONT,
    "background": "white",
    "padding": 8,
    "view": {"stroke": None, "continuousWidth": WIDTH},
    "range": {"category": PALETTE},
    "mark": {"color": MAIN},
    "bar": {"color": MAIN},
    "line": {"color": MAIN, "strokeWidth": 2.5},
    "point": {"color": MAIN, "filled": True, "size": 80},
    "title": {
        "anchor": "start",
        "fontSize": 16,
        "fontWeight": "bold",
        "color": TEXT,
        "subtitleFontSize": 13,
        "subtitleColor": MUTED,
        "offset": 12,
    },
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": TEXT,
        "titleColor": TEXT,
        "gridColor": "#e6e6e6",
        "domainColor": "#888888",
        "tickColor": "#888888",
        "labelLimit": 260,
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "labelLimit": 320},
    "header": {"labelFontSize": 13, "titleFontSize": 13, "labelFontWeight": "bold"},
}
