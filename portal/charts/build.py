"""A view and its data become a Vega-Lite specification, built with Altair through the portal theme.

Pure: the same view and data give the same specification, which the golden tests pin down.
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from portal.charts import theme
from portal.charts.declaration import RAW, View


@dataclass(frozen=True)
class Layout:
    """The chart's measures: the page's width, or a phone's (drawn for it, so that no text is shrunk)."""

    width: int = theme.WIDTH  # the plot of a line or of the category labels and bars together
    label_chars: int = theme.LABEL_WIDTH  # characters per line of a wrapped category label
    bar_label_chars: int = 12  # of a vertical bar's label
    bar_step: int = 84  # px per vertical bar
    title_chars: int = 70
    subtitle_chars: int = 90
    source_chars: int = 95
    label_area: int = 200  # px left of horizontal bars for their labels
    source_in_chart: bool = True  # False: the source goes to the image's footer, under the whole width


WIDE = Layout()
# About 330 px in all, shown at its own size on a 375-px phone: its 11-px texts stay 11 px.
NARROW = Layout(
    width=280,
    label_chars=16,
    bar_label_chars=7,
    bar_step=40,
    title_chars=32,
    subtitle_chars=42,
    source_chars=50,
    label_area=130,
    source_in_chart=False,
)
NARROW_PLOT = 200  # px: a raw spec's plot with no width of its own, on a phone

LABEL = "__libelle"  # the category label wrapped on several lines
VALUE_TEXT = "__valeur"  # the value formatted the French way, for the labels on the marks


def field_ref(name: str) -> str:
    """A column name as a Vega-Lite ``field``: there ``.`` and ``[ ]`` reach into nested values,
    quotes open a quoted name and ``\\`` escapes (vega-util's access paths), so a column named
    ``taux.2024`` or ``q[1]`` is written ``taux\\.2024``, ``q\\[1\\]``."""
    return re.sub(r"""([\\.\[\]'"])""", r"\\\1", name)


def channel(kind: type, name: str, type_: str, **options: Any) -> Any:
    """An encoding channel on column ``name``, its field escaped and never parsed as Altair
    shorthand (where ``:`` or ``sum(…)`` mean something)."""
    field = field_ref(name)
    if field != name:
        # Vega-Lite titles a channel after its field, escapes included, and writes that title into
        # the marks' ARIA descriptions without escaping backslashes: a plain title instead.
        if "title" in options and options["title"] is None:
            if kind is alt.Color:
                options["legend"] = alt.Legend(title=None)
            elif kind is alt.Row:
                options["header"] = alt.Header(title=None)
        options["title"] = name.replace("\\", "\uff3c")  # a fullwidth reverse solidus
    return kind(field=field, type=type_, **options)


def datum(name: str) -> str:
    """A Vega expression reading column ``name`` of the current row, whatever characters it holds."""
    # A single-quoted Vega string: JSON's escapes for backslashes and control characters, then the
    # quotes swapped (a JSON \" becomes a plain ", a ' is escaped).
    quoted = json.dumps(name, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"datum['{quoted}']"


def wrap(label: object, width: int = theme.LABEL_WIDTH) -> str:
    # Keep "100 000" on one line: no break between the digit groups of a number.
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "\u00a0", str(label))
    # A word longer than a line stays whole: "Intercommunalités" is not cut in two.
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # Through JSON so that pandas' NA and numpy numbers become plain JSON values.
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _title(view: View, layout: Layout = WIDE) -> dict[str, Any]:
    title: dict[str, Any] = {"text": textwrap.wrap(view.title, layout.title_chars) or [view.title]}
    if view.subtitle:
        title["subtitle"] = textwrap.wrap(view.subtitle, layout.subtitle_chars)
    return title


def _source_line(source: str | None, width: int, layout: Layout = WIDE) -> alt.Chart | None:
    if not source:
        return None
    lines = textwrap.wrap(f"Source : {source}", layout.source_chars)
    frame = pd.DataFrame({"ligne": lines, "rang": range(len(lines))})
    return (
        alt.Chart(frame)
        .mark_text(align="left", baseline="top", fontSize=11, color=theme.MUTED, font=theme.FONT)
        .encode(text="ligne:N", x=alt.value(0), y=alt.Y("rang:O", axis=None))
        .properties(width=width, height=alt.Step(14))
    )


def narrowed(spec: Any, by: int) -> Any:
    """An author's raw spec ``by`` px narrower: each fixed width shrunk (to 80 px at least).

    A stacked chart narrows exactly; labels and texts laid out by the author may keep it wider,
    and the page then lets the phone scroll it rather than shrink its text."""
    if isinstance(spec, dict):
        return {
            key: max(80, value - by) if key == "width" and isinstance(value, int | float) else narrowed(value, by)
            for key, value in spec.items()
        }
    if isinstance(spec, list):
        return [narrowed(item, by) for item in spec]
    return spec


def vega_lite_spec(
    view: View,
    data: pd.DataFrame,
    unit: str,
    source: str | None,
    description: str,
    layout: Layout = WIDE,
    narrower_by: int = 0,
) -> dict[str, Any]:
    """The chart's Vega-Lite specification, with its data inlined (at most MAX_ROWS rows).

    ``layout`` NARROW draws it for a phone; a raw spec is then made ``narrower_by`` px narrower."""
    if view.type == RAW:
        spec = copy.deepcopy(view.spec or {})
        if narrower_by > 0:
            spec = narrowed(spec, narrower_by)
        spec.setdefault("data", {"values": _records(data)})
        spec.setdefault("title", _title(view, layout))
        spec.setdefault("description", description)
        spec.setdefault("$schema", alt.SCHEMA_URL)
        config = copy.deepcopy(theme.CONFIG)
        if narrower_by > 0:
            config["view"]["continuousWidth"] = NARROW_PLOT
        spec["config"] = {**config, **spec.get("config", {})}
        return spec

    frame = data.copy()
    category, value = view.category_field, view.value_field
    width = layout.bar_label_chars if view.type == "bar" else layout.label_chars
    frame[LABEL] = frame[category].map(lambda label: wrap(label, width)) if view.type != "line" else frame[category]
    lines = int(frame[LABEL].astype(str).str.count("\n").max() or 0) + 1 if len(frame) else 1
    frame[VALUE_TEXT] = ""  # filled by a Vega calculate, so that vl-convert and the browser agree
    chart = alt.Chart(frame, description=description)
    value_axis = alt.Axis(labelExpr=theme.format_expression("datum.value", unit), title=None, grid=True, tickCount=5)
    color = (
        channel(alt.Color, view.color, "nominal", title=None, sort=None, scale=alt.Scale(range=theme.PALETTE))
        if view.color
        else alt.Undefined
    )
    tooltip = [
        channel(alt.Tooltip, f, "quantitative", format=",.12~g") if f == value else channel(alt.Tooltip, f, "nominal")
        for f in view.fields
    ]
    category_axis = alt.Axis(title=None, labelExpr="split(datum.label, '\\n')", labelLimit=layout.label_chars * 9)
    calculated = chart.transform_calculate(**{VALUE_TEXT: theme.format_expression(datum(value), unit)})

    if view.type == "line":
        base = calculated.encode(
            x=alt.X(f"{LABEL}:O", axis=alt.Axis(title=None, labelAngle=0), sort=None),
            y=channel(alt.Y, value, "quantitative", axis=value_axis),
            color=color,
            tooltip=tooltip,
        )
        layered = base.mark_line(point=True) + base.mark_text(dy=-10, fontSize=11, color=theme.TEXT).encode(
            text=f"{VALUE_TEXT}:N"
        )
        built = layered.properties(width=layout.width, height=300)
    elif view.type == "bar":
        base = calculated.encode(
            x=alt.X(
                f"{LABEL}:N", axis=alt.Axis(title=None, labelExpr="split(datum.label, '\\n')", labelAngle=0), sort=None
            ),
            y=channel(alt.Y, value, "quantitative", axis=value_axis),
            color=color,
            tooltip=tooltip,
        )
        bars = base.mark_bar()
        labels = base.mark_text(dy=-8, fontSize=11, color=theme.TEXT).encode(
            text=f"{VALUE_TEXT}:N", color=alt.value(theme.TEXT)
        )
        built = (bars + labels).properties(width=alt.Step(layout.bar_step), height=300)
    else:  # horizontal types: the category on y, wrapped labels readable at any length
        y = alt.Y(f"{LABEL}:N", axis=category_axis, sort=None)
        x = channel(alt.X, value, "quantitative", axis=value_axis, stack="zero" if view.type == "stacked-bar" else None)
        encoding: dict[str, Any] = {"x": x, "y": y, "color": color, "tooltip": tooltip}
        if view.type == "grouped-bar":
            encoding["yOffset"] = channel(alt.YOffset, view.color, "nominal", sort=None)
        base = calculated.encode(**encoding)
        if view.type == "dot" and view.color:
            # Two series on one line: a grey segment joins them; values are in the tooltip and table.
            link = base.mark_line(strokeWidth=1.5).encode(detail=f"{LABEL}:N", color=alt.value("#9a9a9a"))
            layers = link + base.mark_point()
        elif view.type == "dot":
            stem = base.mark_rule(color="#9a9a9a").encode(x=alt.datum(0), x2=alt.X2(field=field_ref(value)))
            layers = stem + base.mark_point() + _value_labels(base)
        elif view.type == "stacked-bar":
            layers = base.mark_bar()
        else:
            layers = base.mark_bar() + _value_labels(base)
        # Room for every line of the tallest wrapped label.
        step = max(theme.BAR_STEP, 15 * lines + 6)
        if view.type == "grouped-bar":
            step = max(step / max(frame[view.color].nunique(), 1), 14)
        built = layers.properties(width=layout.width - layout.label_area, height=alt.Step(step))

    if view.facet:
        # The panels in file order: Vega-Lite sorts facets unless given the order explicitly.
        order = list(dict.fromkeys(data[view.facet].tolist()))
        built = built.facet(row=channel(alt.Row, view.facet, "nominal", title=None, sort=order)).resolve_scale(
            y="independent"
        )
    plot_width = layout.width - layout.label_area if view.type not in {"line", "bar"} else layout.width
    source_line = _source_line(source, plot_width, layout) if layout.source_in_chart else None
    final = alt.vconcat(built, source_line, spacing=12) if source_line is not None else built
    final = final.properties(title=_title(view, layout), description=description).configure(**_config(layout))
    # Altair's schema validation costs more than drawing the chart: specs are validated against
    # the Vega-Lite schema by the tests (tests/test_charts.py) instead of on every build.
    return final.to_dict(validate=False)


def _value_labels(base: alt.Chart) -> alt.Chart:
    """The French-formatted value at the end of each mark."""
    return base.mark_text(align="left", dx=6, fontSize=11).encode(text=f"{VALUE_TEXT}:N", color=alt.value(theme.TEXT))


def _config(layout: Layout = WIDE) -> dict[str, Any]:
    config = copy.deepcopy(theme.CONFIG)
    if layout is NARROW:
        config["legend"]["columns"] = 1  # one entry a line: a phone has no room for a row of them
    return config
