"""The whole pipeline, top to bottom: load → check → charts → downloads → pages.

``generate`` writes no site by itself: it writes into one folder the pages (Markdown, at their
source URI) and the files to serve as they are (downloads, charts, assets). The MkDocs hook hands
that folder to MkDocs, which only renders the pages; another engine could take it just as well.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from portal import urls
from portal.catalog.dcat import CatalogueInfo
from portal.catalog.export import DEFAULT_DESCRIPTION, DEFAULT_PUBLISHER, write_catalogue
from portal.charts.render import ChartError, UnsafeChart, build_charts
from portal.checks.base import Options
from portal.citation import FORMATS, citation_data, citation_text
from portal.downloads import write_downloads
from portal.paths import UnsafePath, inside, shown_name
from portal.site import chart_pages, pages, surveys, table_pages
from portal.site.explorer import write_explorer_data
from portal.tables import TableError
from portal.validate import Report, validate_paths


class SiteError(Exception):
    """The site cannot be built; the message says which dataset and what to do."""


@dataclass
class Generated:
    pages: dict[str, str]  # source URI ("jeux/x/index.md") -> Markdown, also written under ``files``
    files: Path  # a folder mirrored at the site root: the pages and every other file
    entries: list[pages.Entry]
    report: Report


def page_source(url: str) -> str:
    return f"{url}index.md" if url.endswith("/") or not url else url


def _failure_summary(report: Report) -> str:
    lines = []
    for dataset_report in report.datasets:
        if dataset_report.errors:
            first = dataset_report.errors[0]
            more = len(dataset_report.errors) - 1
            lines.append(
                f"- {dataset_report.name} : {first.message} {first.fix}"
                + (f" (et {more} autre(s) erreur(s))" if more else "")
            )
    lines += [f"- {p.message}" for p in report.problems if p.severity == "error"]
    return "\n".join(lines)


def vega_bundle(cache: Path) -> Path:
    """vega, vega-lite and vega-embed in one file served by the site itself, never from a CDN."""
    import vl_convert

    path = cache / f"vega-bundle-{vl_convert.get_vega_version()}-{vl_convert.get_vega_embed_version()}.js"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        path.write_text(vl_convert.javascript_bundle(), "utf-8")
    return path


def _table_pages(entry: pages.Entry, work: Path, site: pages.Site) -> dict[str, str]:
    """A page per table, and the explorer's data beside it: one more streamed pass over the site's CSV."""
    written = {}
    for resource in entry.dataset.resources:
        name = resource.get("name")
        if name not in entry.tables:
            continue  # not a table the build could read (remote, not tabular)
        try:
            table = write_explorer_data(
                inside(work, urls.resource_csv(entry.name, name)),
                inside(work, table_pages.data_url(entry.name, name)),
                table_pages.fields_of(resource),
            )
        except TableError as error:
            raise SiteError(str(error)) from None
        except UnsafePath as error:
            raise SiteError(f"{shown_name(entry.name)} : table refusée, {error}.") from None
        written[page_source(urls.table_page(entry.name, name))] = table_pages.table_page(entry, resource, table, site)
    return written


def write_citation_files(entry: pages.Entry, work: Path, site: pages.Site) -> None:
    """The dataset's citation as files for reference managers: .bib, .ris and CSL-JSON."""
    page_url = urls.absolute(site.base_url, urls.dataset_page(entry.name))
    forms = citation_data(entry.dataset, page_url)
    for key, suffix, _ in FORMATS:
        try:
            path = inside(work, urls.citation_file(entry.name, suffix))
        except UnsafePath as error:
            raise SiteError(f"{shown_name(entry.name)} : citation refusée, {error}.") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(forms[key].rstrip("\n") + "\n", "utf-8")


def generate(
    datasets: Path, work: Path, site: pages.Site, cache: Path, progress=lambda items, label: items
) -> Generated:
    # 1. load and check: a dataset with errors stops the build, and says why.
    report = validate_paths([datasets], Options(today=site.today), progress=lambda items: progress(items, "Contrôle"))
    if not report.valid:
        raise SiteError(
            "Des jeux de données ont des erreurs ; corrigez-les (portal validate) :\n" + _failure_summary(report)
        )
    entries = [pages.Entry(d.dataset, d) for d in report.datasets]

    # 2. charts, kept in a persistent cache so that unchanged charts are not drawn again.
    chart_cache = cache / "charts"
    for entry in progress(entries, "Graphiques"):
        try:
            entry.charts = build_charts(entry.dataset, chart_cache, site.base_url)
            if entry.charts:
                target = inside(work, "graphiques", entry.name)
                shutil.copytree(
                    inside(chart_cache, entry.name),
                    target,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.sha256"),
                )
        except ChartError as error:
            raise SiteError(str(error)) from None
        except UnsafePath as error:
            raise SiteError(f"{shown_name(entry.name)} : graphiques refusés, {error}.") from None

    # Each chart's downloads get a file name no other chart of the portal has.
    stems = chart_pages.download_stems([c for e in entries for c in e.charts])
    for chart in (c for e in entries for c in e.charts):
        chart.download_stem = stems[(chart.dataset, chart.view.name)]

    # 3. downloads, and what the pages show of each table: one streamed pass over each table.
    for entry in progress(entries, "Téléchargements"):
        page_url = urls.absolute(site.base_url, urls.dataset_page(entry.name))
        citation = citation_text(entry.dataset, page_url)
        try:
            entry.downloads = write_downloads(entry.dataset, work, site.base_url, citation, tables=entry.tables)
        except TableError as error:
            raise SiteError(str(error)) from None
        except UnsafePath as error:
            raise SiteError(f"{shown_name(entry.name)} : téléchargements refusés, {error}.") from None

    # 4. pages.
    generated: dict[str, str] = {page_source(""): pages.home_page(entries, site)}
    for entry in entries:
        generated[page_source(urls.dataset_page(entry.name))] = pages.dataset_page(entry, site)
        generated[page_source(urls.dataset_about(entry.name))] = pages.about_page(entry, site)
        write_citation_files(entry, work, site)
    for url, text in {**pages.catalogue_pages(entries, site), **pages.quality_pages(entries, site)}.items():
        generated[page_source(url)] = text
    survey_entries = [e for e in entries if pages.is_survey(e)]
    for entry in survey_entries:
        generated[page_source(urls.survey_page(entry.name))] = surveys.survey_page(entry, site)
    generated[page_source(surveys.EVOLUTION)] = surveys.evolution_page(survey_entries, site)
    try:
        surveys.draw_comparisons(surveys.comparisons(survey_entries), work)
    except UnsafeChart as error:
        raise SiteError(f"page Évolution : graphique de comparaison impossible à dessiner ({error}).") from None
    # A page per chart, and its embed page: a standalone HTML file, served as it is.
    embeds: dict[str, str] = {}
    for entry in entries:
        for uri, text in chart_pages.chart_files(entry, site).items():
            if uri.endswith(".html"):
                embeds[uri] = text
            else:
                generated[page_source(uri)] = text
    generated[page_source(surveys.INDEX)] = surveys.surveys_index(survey_entries, site)
    for entry in progress(entries, "Tables"):
        generated.update(_table_pages(entry, work, site))
    for uri, text in {**generated, **embeds}.items():
        try:
            path = inside(work, uri)  # in depth: a page URI cannot leave the folder (UnsafePath)
        except UnsafePath as error:
            raise SiteError(f"page refusée : {error}.") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    # 5. the files pages rely on: the catalogue index for the filters, the chart runtime.
    index = work / "catalogue" / "index.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    records = pages.catalogue_index(entries, site)
    index.write_text(json.dumps(records, ensure_ascii=False, separators=(",", ":")), "utf-8")
    info = CatalogueInfo(
        site.base_url,
        site.title,
        site.description or DEFAULT_DESCRIPTION,
        site.publisher or site.title or DEFAULT_PUBLISHER,
    )
    write_catalogue(work, info, [(e.dataset, e.downloads) for e in entries], site.today)
    vendor = work / "assets" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vega_bundle(cache / "vendor"), vendor / "vega-bundle.js")
    return Generated(generated, work, entries, report)
