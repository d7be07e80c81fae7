"""A page per chart, as Our World in Data's grapher pages: the chart, its data, its sources, its
downloads, a permalink, a citation and an embed code; and the embed page, the chart alone.

Pure functions of a dataset's entry, one of its charts and the site. The chart page is Markdown
(jeux/<name>/graphiques/<view>/); the embed page a small standalone HTML file (…/integrer/).
"""

from __future__ import annotations

import hashlib
from typing import Any

from portal import formats, metadata, urls
from portal.charts.render import SVG_SIZE, Chart, default_source
from portal.site.pages import (
    CHART_STYLES,
    CITATION_STYLES,
    Entry,
    Site,
    _front_matter,
    _meta,
    _size,
    chart_data,
    citation_block_data,
)
from portal.site.templates import render
from portal.text import web_url

# What a chart offers to download: the suffix of its file, and what the link says.
DOWNLOADS = (
    ("png", "Image PNG"),
    ("svg", "Image SVG"),
    ("csv", "Données du graphique (CSV)"),
    ("vl.json", "Spécification Vega-Lite (JSON)"),
)
EMBED_HEIGHT = 40  # px the embed page adds below the chart: its source and licence line


def download_stems(charts: list[Chart]) -> dict[tuple[str, str], str]:
    """A file name per chart, unique across the portal: « <jeu>--<vue> ».

    Names may hold « - » themselves, so two charts could still meet (« a--b » + « c » and « a » +
    « b--c »): those get a short hash of their dataset and view, which keeps them apart."""
    stems = {(c.dataset, c.view.name): f"{c.dataset}--{c.view.name}" for c in charts}
    taken: dict[str, int] = {}
    for stem in stems.values():
        taken[stem] = taken.get(stem, 0) + 1
    for key, stem in stems.items():
        if taken[stem] > 1:
            stems[key] = f"{stem}-{hashlib.sha256('/'.join(key).encode()).hexdigest()[:8]}"
    return stems


def _downloads(chart: Chart, page: str) -> list[dict[str, str]]:
    return [
        {
            "href": urls.relative(urls.chart(chart.dataset, chart.view.name, suffix), page),
            "name": chart.download_name(suffix),
            "label": label,
            "size": _size(chart.path(suffix).stat().st_size),
        }
        for suffix, label in DOWNLOADS
    ]


def _sources(entry: Entry, chart: Chart) -> dict[str, Any]:
    """Where the figures come from: the chart's own source, the package's, the survey's base and fieldwork."""
    dataset = entry.dataset
    listed = [
        {
            "title": source.get("title"),
            "href": web_url(source.get("path")),
            "details": ", ".join(str(source[k]) for k in ("edition", "section") if source.get(k)),
        }
        for source in dataset.objects("sources")
    ]
    facts = []
    method = dataset.get("methodology") if isinstance(dataset.get("methodology"), dict) else None
    if chart.view.base:
        facts.append(("Base", chart.view.base))
    elif method and method.get("respondents") is not None:
        facts.append(("Base de l'enquête", f"{formats.number(method['respondents'])} répondants"))
    fieldwork = method.get("fieldwork") if method else None
    if isinstance(fieldwork, dict) and (fieldwork.get("start") or fieldwork.get("end")):
        facts.append(("Terrain", f"du {fieldwork.get('start') or '?'} au {fieldwork.get('end') or '?'}"))
    return {"chart": chart.view.source or default_source(dataset), "listed": listed, "facts": facts}


def _licence(entry: Entry) -> dict[str, str] | None:
    licence = metadata.licence_of(entry.dataset)
    return {"title": licence.title, "href": licence.url} if licence and licence.url else None


def _embed_code(chart: Chart, site: Site) -> str:
    source = urls.absolute(site.base_url, urls.chart_embed(chart.dataset, chart.view.name))
    height = int(_svg_height(chart) + EMBED_HEIGHT + 60)
    # Rendered, every value escaped, then shown as text on the chart page (escaped once more there).
    return render("embed-code.html.j2", src=source, title=chart.view.title, height=height).strip()


def _svg_height(chart: Chart) -> float:
    size = SVG_SIZE.search(chart.path("svg").read_text("utf-8")[:3000])
    return float(size.group(2)) if size else 400.0


def chart_page_data(entry: Entry, chart: Chart, site: Site) -> dict[str, Any]:
    name, view = chart.dataset, chart.view.name
    page = urls.chart_page(name, view)
    page_url = urls.absolute(site.base_url, page)
    figure = chart_data(chart, page)
    title = chart.view.title
    description = chart.summary if len(chart.summary) <= 300 else chart.summary[:299].rsplit(" ", 1)[0] + "…"
    return {
        "front_matter": _front_matter(
            _meta(
                f"{title} — {entry.dataset.title}",
                description,
                page,
                site,
                styles=CHART_STYLES + CITATION_STYLES,
                hide=("toc",),
            )
        ),
        "title": title,
        "subtitle": chart.view.subtitle,
        "dataset_title": entry.dataset.title,
        "dataset_href": urls.relative(urls.dataset_page(name), page),
        "chart": figure,
        "sources": _sources(entry, chart),
        "licence": _licence(entry),
        "downloads": _downloads(chart, page),
        "permalink": page_url,
        "citation": citation_block_data(entry.dataset, site, page, title),
        "embed_code": _embed_code(chart, site),
        "embed_href": urls.relative(urls.chart_embed(name, view), page),
        "charts_js": urls.relative("assets/js/charts.js", page),
    }


def chart_page(entry: Entry, chart: Chart, site: Site) -> str:
    return render("chart.md.j2", **chart_page_data(entry, chart, site))


def embed_data(entry: Entry, chart: Chart, site: Site) -> dict[str, Any]:
    name, view = chart.dataset, chart.view.name
    page = urls.chart_embed(name, view)
    chart_url = urls.absolute(site.base_url, urls.chart_page(name, view))
    figure = chart_data(chart, page)
    return {
        "title": chart.view.title,
        "site_title": site.title,
        "stylesheet": urls.relative("assets/embed.css", page),
        # The theme's icon: without a link, browsers ask the host's root for /favicon.ico.
        "icon": urls.relative("assets/images/favicon.svg", page),
        "canonical": chart_url,
        "chart_href": urls.relative(urls.chart_page(name, view), page),
        "chart": figure,
        "source": chart.view.source or default_source(entry.dataset) or metadata.publisher_name(entry.dataset),
        "licence": _licence(entry),
    }


def embed_page(entry: Entry, chart: Chart, site: Site) -> str:
    return render("embed.html.j2", **embed_data(entry, chart, site))


def chart_files(entry: Entry, site: Site) -> dict[str, str]:
    """Every chart page of a dataset (Markdown, by URL) and its embed page (HTML, by file path)."""
    files = {}
    for chart in entry.charts:
        files[urls.chart_page(chart.dataset, chart.view.name)] = chart_page(entry, chart, site)
        files[urls.chart_embed(chart.dataset, chart.view.name) + "index.html"] = embed_page(entry, chart, site)
    return files
