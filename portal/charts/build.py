"""A view and its data become a Vega-Lite specification, built with Altair through the portal theme.

Pure: the same view and data give the same specification, which the golden tests pin down.
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from typing import Any

import altair as alt
import pandas as pd

from portal.charts import theme
from portal.charts.declaration import RAW, View

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
    return "\n".join(textwrap.wrap(text, width=width)) or text


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # Through JSON so that pandas' NA and numpy numbers become plain JSON values.
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _title(view: View) -> dict[str, Any]:
    title: dict[str, Any] = {"text": textwrap.wrap(view.title, 70) or [view.title]}
    if view.subtitle:
        title["subtitle"] = textwrap.wrap(view.subtitle, 90)
    return title


def _source_line(source: str | None, width: int) -> alt.Chart | None:
    if not source:
        return None
    lines = textwrap.wrap(f"Source : {source}", 95)
    frame = pd.DataFrame({"ligne": lines, "rang": range(len(lines))})
    return (
        alt.Chart(frame)
        .mark_text(align="left", baseline="top", fontSize=11, color=theme.MUTED, font=theme.FONT)
        .encode(text="ligne:N", x=alt.value(0), y=alt.Y("rang:O", axis=None))
        .properties(width=width, height=alt.Step(14))
    )


def vega_lite_spec(view: View, data: pd.DataFrame, unit: str, source: str | None, description: str) -> dict[str, Any]:
    """The chart's Vega-Lite specification, with its data inlined (at most MAX_ROWS rows)."""
    if view.type == RAW:
        spec = copy.deepcopy(view.spec or {})
        spec.setdefault("data", {"values": _records(data)})
        spec.setdefault("title", _title(view))
        spec.setdefault("description", description)
        spec.setdefault("$schema", alt.SCHEMA_URL)
        spec["config"] = {**theme.CONFIG, **spec.get("config", {})}
        return spec

    frame = data.copy()
    category, value = view.category_field, view.value_field
    width = 12 if view.type == "bar" else theme.LABEL_WIDTH
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
    category_axis = alt.Axis(title=None, labelExpr="split(datum.label, '\\n')", labelLimit=theme.LABEL_WIDTH * 9)
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
        built = layered.properties(width=theme.WIDTH, height=300)
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
        built = (bars + labels).properties(width=alt.Step(84), height=300)
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
        built = layers.properties(width=theme.WIDTH - 200, height=alt.Step(step))

    if view.facet:
        # The panels in file order: Vega-Lite sorts facets unless given the order explicitly.
        order = list(dict.fromkeys(data[view.facet].tolist()))
        built = built.facet(row=channel(alt.Row, view.facet, "nominal", title=None, sort=order)).resolve_scale(
            y="independent"
        )
    source_line = _source_line(source, theme.WIDTH - 200 if view.type not in {"line", "bar"} else theme.WIDTH)
    final = alt.vconcat(built, source_line, spacing=12) if source_line is not None else built
    final = final.properties(title=_title(view), description=description).configure(**_config())
    # Altair's schema validation costs more than drawing the chart: specs are validated against
    # the Vega-Lite schema by the tests (tests/test_charts.py) instead of on every build.
    return final.to_dict(validate=False)


def _value_labels(base: alt.Chart) -> alt.Chart:
    """The French-formatted value at the end of each mark."""
    return base.mark_text(align="left", dx=6, fontSize=11).encode(text=f"{VALUE_TEXT}:N", color=alt.value(theme.TEXT))


def _config() -> dict[str, Any]:
    return copy.deepcopy(theme.CONFIG)
