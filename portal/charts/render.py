"""Per chart: Vega-Lite JSON, static SVG and PNG (vl-convert), the data as CSV, and the text alternative.

A chart whose specification (declaration, data and theme together) has not changed is not
rendered again: its content hash is kept beside its outputs.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from portal import atomic
from portal.charts import theme
from portal.charts.build import NARROW, vega_lite_spec
from portal.charts.data import ROW_LIMIT, chart_data, unit_of
from portal.charts.declaration import RAW, View, read_views
from portal.charts.stream import Table, UnreadableTable
from portal.charts.summary import table_columns, table_rows, text_alternative
from portal.dataset import Dataset
from portal.files import resolve
from portal.metadata import licence_of
from portal.paths import UnsafePath, inside, name_fault, shown_name
from portal.tables import fields_by_name
from portal.text import escapes_control_character, strings

# d3's fr-FR locale with the narrow no-break space of French typography for thousands, so that
# the charts and the tables (Babel, CLDR) write numbers alike: "1 234,5", "12 %", "1,82 €".
FORMAT_LOCALE = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}
RENDERER = "portal-charts/7"  # bump to re-render every chart after a change of the renderer
# narrow.*: the same chart drawn for a phone, shown there at its own size (texts of 11 px or more).
OUTPUTS = ("vl.json", "svg", "png", "csv", "json", "narrow.svg", "narrow.vl.json")
NARROW_WIDTH = 330  # px: a 375-px phone's text column
FOOTER_LINE = 14  # px between the lines of the licence footer
# The drawn chart, before it becomes a PNG (scale 2, 4 bytes a pixel): a tall faceted chart passes,
# a 60,000-pixel one does not reach the rasteriser.
MAX_SIDE = 10_000
MAX_AREA = 8_000_000
SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')
# In the drawn SVG, only references inside the document: resvg (the PNG) would load any other
# href, from the network or from local files, and so would a browser opening the SVG itself.
OUTSIDE_REFERENCE = re.compile(
    r"""(?:\bhref\s*=\s*["']\s*(?!#)|url\(\s*["']?\s*(?!#)|<script\b|<foreignObject\b)""", re.IGNORECASE
)


class ChartError(ValueError):
    """A dataset whose charts cannot be built, with the one-line reason."""


class UnsafeChart(ValueError):
    """A chart that would load from elsewhere or be too large to draw (validation bypassed or outrun)."""


def draw_svg(spec: dict) -> str:
    """The chart as SVG, with every load from elsewhere forbidden; UnsafeChart if it tries or outgrows."""
    import vl_convert

    try:
        # allowed_base_urls=[]: vl-convert fetches nothing, whatever the spec says.
        svg = vl_convert.vegalite_to_svg(spec, format_locale=FORMAT_LOCALE, allowed_base_urls=[])
    except ValueError as error:
        reason = next((line for line in str(error).splitlines() if "Error" in line), str(error)[:200])
        raise UnsafeChart(reason.strip()) from None
    check_drawn(svg)
    return svg


def check_drawn(svg: str) -> None:
    """UnsafeChart if the drawn SVG refers outside itself or is too large for its PNG."""
    outside = OUTSIDE_REFERENCE.search(svg)
    if outside:
        raise UnsafeChart(f"le dessin fait référence à l'extérieur ({svg[outside.start() : outside.start() + 80]!r})")
    size = SVG_SIZE.search(svg[:2000])
    width, height = (float(size.group(1)), float(size.group(2))) if size else (math.inf, math.inf)
    if max(width, height) > MAX_SIDE or width * height > MAX_AREA:
        raise UnsafeChart(f"le dessin mesure {width:.0f} × {height:.0f} pixels (au plus {MAX_SIDE} de côté)")


@dataclass
class Chart:
    """A built chart: where its files are, and whether this run had to render it."""

    dataset: str
    view: View
    folder: Path
    rendered: bool
    summary: str
    unit: str
    # The name its downloads are saved under; the site makes it unique across the portal.
    download_stem: str = ""

    def path(self, suffix: str) -> Path:
        # In depth: a view name that escaped validation still cannot leave the chart folder.
        return inside(self.folder, f"{self.view.name}.{suffix}")

    def download_name(self, suffix: str) -> str:
        return f"{self.download_stem or f'{self.dataset}--{self.view.name}'}.{suffix}"


def default_source(dataset: Dataset) -> str | None:
    sources = dataset.objects("sources")
    if not sources:
        return None
    first = sources[0]
    title, edition = str(first.get("title")), str(first.get("edition") or "")
    # "Baromètre …, édition 2017" already names its edition: do not repeat it.
    return f"{title}, {edition}" if edition and edition not in title else title


def accessible_svg(svg: str, element_id: str, title: str, summary: str) -> str:
    """The SVG announced as one image, named by its title and described by the text alternative."""
    from html import escape

    head, rest = svg.split(">", 1)
    head = head.replace("<svg ", f'<svg role="img" aria-labelledby="{element_id}-titre {element_id}-desc" ', 1)
    labels = (
        f'<title id="{element_id}-titre">{escape(title)}</title><desc id="{element_id}-desc">{escape(summary)}</desc>'
    )
    return f"{head}>{labels}{rest}"


def footer_lines(licence: str | None, site_url: str | None, chars: int, source: str | None = None) -> list[str]:
    """What a downloaded image says of its reuse: the licence and the portal's address (and the
    source, when the chart itself does not write it)."""
    import textwrap

    parts = [f"Source : {source}"] if source else []
    parts.append(f"Licence : {licence}" if licence else "Licence non renseignée")
    if site_url:
        parts.append(re.sub(r"^https?://", "", site_url).rstrip("/"))
    lines: list[str] = []
    for part in parts:  # the address is never cut
        lines += textwrap.wrap(part, chars, break_long_words=False, break_on_hyphens=False) or [part]
    return lines


def with_footer(svg: str, lines: list[str]) -> str:
    """The drawn SVG with ``lines`` written below it, on the chart's white background."""
    from html import escape

    size = SVG_SIZE.search(svg[:2000])
    if not size or not lines:
        return svg
    width, height = float(size.group(1)), float(size.group(2))
    added = FOOTER_LINE * len(lines) + 8
    total = height + added
    texts = "".join(
        f'<text x="8" y="{height + FOOTER_LINE * (i + 1):g}" font-family="{escape(theme.FONT)}" font-size="11px" '
        f'fill="{theme.MUTED}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    footer = (
        f'<g class="portal-footer"><rect y="{height:g}" width="{width:g}" height="{added:g}" fill="white"/>{texts}</g>'
    )
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    head = re.sub(r'(\sheight=")[\d.]+(")', rf"\g<1>{total:g}\2", head, count=1)
    head = re.sub(r'(\sviewBox="[\d.\s-]+?\s)[\d.]+(")', rf"\g<1>{total:g}\2", head, count=1)
    end = svg.rindex("</svg>")
    return head + svg[head_end:end] + footer + svg[end:]


def svg_width(svg: str) -> float:
    size = SVG_SIZE.search(svg[:2000])
    return float(size.group(1)) if size else math.inf


def schema_fields(dataset: Dataset, resource_name: str) -> dict[str, dict]:
    resource = next((r for r in dataset.resources if r.get("name") == resource_name), {})
    return fields_by_name(resource)


def content_hash(view: View, data: pd.DataFrame, unit: str, source: str | None, footer: list[str] = ()) -> str:
    """Everything a chart is drawn from: its declaration, its rows, the theme and the renderer.

    Hashing the inputs rather than the specification lets an unchanged chart skip even the
    specification's construction.
    """
    import altair
    import vl_convert

    payload = {
        "declaration": view.declaration,
        "data": json.loads(data.to_json(orient="split", force_ascii=False)),
        "unit": unit,
        "source": source,
        "footer": list(footer),
        "theme": theme.CONFIG,
        "locale": FORMAT_LOCALE,
        "versions": [RENDERER, altair.__version__, vl_convert.__version__],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def render_view(
    dataset: Dataset, view: View, tables: dict[str, Table | pd.DataFrame], out: Path, site_url: str | None = None
) -> Chart:
    table = tables[view.resource]
    if isinstance(table, Table):
        data, unit = table.chart(view)
    else:
        data, unit = chart_data(view, table), unit_of(view, table)
    summary = text_alternative(view, data, unit)
    source = view.source or default_source(dataset)
    folder = inside(out, dataset.name)
    folder.mkdir(parents=True, exist_ok=True)
    chart = Chart(dataset.name, view, folder, rendered=False, summary=summary, unit=unit)
    licence = licence_of(dataset)
    footer = footer_lines(licence.title if licence else None, site_url, 95)
    # On a phone the source is written below the whole width, with the licence (NARROW layout).
    narrow_footer = footer_lines(licence.title if licence else None, site_url, 50, source if view.type != RAW else None)
    digest = content_hash(view, data, unit, source, footer)
    stamp = chart.path("sha256")
    if stamp.exists() and stamp.read_text() == digest and all(chart.path(s).exists() for s in OUTPUTS):
        return chart
    import vl_convert

    # Only an author's raw spec holds expressions of its own; ours are fixed, and their text clean.
    raw_texts = strings(view.spec) if view.type == RAW else []
    escaped = [path for path, text in raw_texts if escapes_control_character(text)]
    if escaped:  # vl-convert would abort the whole process, not raise
        raise ChartError(
            f"{dataset.name} : la vue « {view.name} » écrit un caractère de contrôle ({escaped[0]}). "
            "Retirez l'échappement \\u0000…\\u001f, \\x…, \\0 ou \\b de la spécification."
        )
    spec = vega_lite_spec(view, data, unit, source, summary)
    drawn = draw_svg(spec)
    narrow_spec = vega_lite_spec(
        view, data, unit, source, summary, NARROW, narrower_by=int(svg_width(drawn) - NARROW_WIDTH)
    )
    narrow = draw_svg(narrow_spec)
    # The licence and the portal's address below the chart: a downloaded image keeps them.
    svg = with_footer(drawn, footer)
    # The PNG from the SVG already drawn: the same picture, at half the cost of a second render.
    png = vl_convert.svg_to_png(svg, scale=2)
    element = f"graphique-{dataset.name}-{view.name}"
    svg = accessible_svg(svg, element, view.title, summary)
    narrow = accessible_svg(with_footer(narrow, narrow_footer), f"{element}-etroit", view.title, summary)
    fields = schema_fields(dataset, view.resource)
    headers, rows, numeric = table_rows(view, data, unit, fields, table_columns(view, data, fields))
    alternative = {
        "title": view.title,
        "summary": summary,
        "unit": unit,
        "headers": headers,
        "rows": rows,
        "numeric": numeric,
    }
    # Each file whole (atomic), the stamp removed first and written last: an interrupted render
    # leaves no half file, and is redone next time.
    stamp.unlink(missing_ok=True)
    atomic.write_text(chart.path("vl.json"), json.dumps(spec, ensure_ascii=False, indent=1))
    atomic.write_text(chart.path("svg"), svg)
    atomic.write_text(chart.path("narrow.vl.json"), json.dumps(narrow_spec, ensure_ascii=False, indent=1))
    atomic.write_text(chart.path("narrow.svg"), narrow)
    atomic.write_bytes(chart.path("png"), png)
    with atomic.replacing(chart.path("csv")) as temporary:
        # A lone CR in a cell is quoted by the csv module only when the line terminator holds one.
        has_cr = any(data[c].astype("string").str.contains("\r", regex=False).any() for c in data.columns)
        data.to_csv(temporary, index=False, encoding="utf-8", lineterminator="\r\n" if has_cr else "\n")
    atomic.write_text(chart.path("json"), json.dumps(alternative, ensure_ascii=False, indent=1))
    atomic.write_text(stamp, digest)
    chart.rendered = True
    return chart


def load_tables(dataset: Dataset, views: list[View]) -> dict[str, Table]:
    """The tables the views draw, each read once, in chunks, when its first chart is drawn."""
    tables: dict[str, Table] = {}
    for resource in dataset.resources:
        name = resource.get("name")
        if name in {v.resource for v in views} and name not in tables:
            located = resolve(dataset, resource, allow_remote=False)
            if located.path is None:
                raise FileNotFoundError(located.label)
            tables[name] = Table(located.path, resource, [v for v in views if v.resource == name])
    return tables


def build_charts(dataset: Dataset, out: Path, site_url: str | None = None) -> list[Chart]:
    """Every chart a dataset declares; ChartError names the dataset, the view and the fix.

    ``site_url``, the portal's address, is written on the images with their licence."""
    from portal.charts.data import TooManyRows

    if fault := name_fault(dataset.name):
        shown = shown_name(dataset.name)
        raise ChartError(f"{shown} : le nom du dossier {fault}. Lancez portal validate pour le détail.")
    views, problems = read_views(dataset.descriptor or {})
    if problems:
        first = problems[0]
        raise ChartError(f"{dataset.name} : {first.message}. {first.fix}")
    try:
        tables = load_tables(dataset, views)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ChartError(
            f"{dataset.name} : données illisibles ({error}). Lancez portal validate pour le détail."
        ) from None
    charts = []
    for view in views:
        try:
            charts.append(render_view(dataset, view, tables, out, site_url))
        except ChartError:
            raise
        except TooManyRows:
            raise ChartError(
                f"{dataset.name} : la vue « {view.name} » montrerait plus de {ROW_LIMIT} lignes. Filtrez ou agrégez."
            ) from None
        except UnreadableTable as unreadable:
            raise ChartError(
                f"{dataset.name} : données illisibles ({unreadable.error}). Lancez portal validate pour le détail."
            ) from None
        except UnsafeChart as unsafe:
            raise ChartError(
                f"{dataset.name} : la vue « {view.name} » ne peut pas être dessinée : {unsafe}. "
                "Lancez portal validate pour le détail."
            ) from None
        except UnsafePath as unsafe:
            raise ChartError(
                f"{shown_name(dataset.name)} : graphique refusé, {unsafe}. Lancez portal validate pour le détail."
            ) from None
        except Exception as error:  # noqa: BLE001 — vl-convert refusing a spec: one line, not a traceback
            # vl-convert says "… conversion failed:" first, then the JavaScript error and its stack.
            lines = [line.strip() for line in str(error).splitlines() if line.strip()] or [type(error).__name__]
            reason = (lines[1] if len(lines) > 1 and lines[0].endswith(":") else lines[0])[:200]
            raise ChartError(
                f"{dataset.name} : la vue « {view.name} » n'a pas pu être dessinée ({reason}). "
                "Vérifiez sa déclaration et ses champs (page « Les graphiques » du portail, reference/graphiques/)."
            ) from None
    return charts
