"""The portal's pages, as Markdown with HTML blocks: pure functions of the datasets, their
validation reports, data and charts. MkDocs only turns them into HTML, so the site engine stays
replaceable; golden tests pin the output."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from portal import citation, formats, metadata, urls
from portal.charts.render import Chart
from portal.dataset import Dataset, resource_schema
from portal.downloads import Download
from portal.scdl import TITLES, VERSIONS, published_url, schema_name
from portal.site.html import esc, front_matter, json_for_script, markdown_block, markdown_short
from portal.site.templates import render
from portal.tables import TableData, display_rows, fields_by_name
from portal.text import web_url
from portal.validate import DatasetReport

PAGE_SIZE = 50  # datasets per catalogue or dashboard page: no page grows with the catalogue


@dataclass
class Entry:
    """Everything the pages know about one dataset."""

    dataset: Dataset
    report: DatasetReport
    tables: dict[str, TableData] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.dataset.name


@dataclass(frozen=True)
class Site:
    base_url: str
    today: date
    title: str = "Portail open data de la démocratie locale numérique"
    description: str | None = None
    publisher: str | None = None


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{formats.number(round(size / 1024, 1))} ko"
    return f"{formats.number(round(size / 1024 / 1024, 1))} Mo"


def _plain(text: object, limit: int = 300) -> str:
    """A one-line plain-text summary of package Markdown, for meta tags and cards."""
    flat = re.sub(r"[#*_`>\[\]]", "", str(text or "")).replace("\n", " ")
    flat = re.sub(r"\(https?://[^)]*\)", "", flat)
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- schema.org ----------------------------------------------------------------------------


def dataset_jsonld(entry: Entry, site: Site) -> dict[str, Any]:
    """schema.org Dataset, as Google's Dataset structured data asks for it."""
    dataset = entry.dataset
    page = urls.absolute(site.base_url, urls.dataset_page(dataset.name))
    licence = metadata.licence_of(dataset)
    publisher = {"@type": "Organization", "name": metadata.publisher_name(dataset)}
    # Only http(s) URLs become links; anything else is left out (portal validate: url-not-web).
    if dataset.publisher and web_url(dataset.publisher.get("path")):
        publisher["url"] = web_url(dataset.publisher["path"])
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": page,
        "name": dataset.title,
        "description": _plain(dataset.get("description"), 5000) or dataset.title,
        "url": page,
        "identifier": dataset.name,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        "keywords": metadata.keywords(dataset),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.label,
                "contentUrl": urls.absolute(site.base_url, d.url),
                "encodingFormat": d.media_type,
                "contentSize": f"{d.size} B",
            }
            for d in entry.downloads
        ],
    }
    if licence:
        data["license"] = licence.url
    if metadata.modified(dataset):
        data["dateModified"] = metadata.modified(dataset).isoformat()
    if isinstance(dataset.get("created"), str):
        data["dateCreated"] = dataset.get("created")
    if dataset.get("version"):
        data["version"] = str(dataset.get("version"))
    temporal = dataset.get("temporal")
    if isinstance(temporal, dict) and temporal.get("start"):
        data["temporalCoverage"] = f"{temporal['start']}/{temporal.get('end') or '..'}"
    spatial = dataset.get("spatial")
    if isinstance(spatial, dict) and spatial.get("title"):
        data["spatialCoverage"] = {"@type": "Place", "name": spatial["title"]}
    sources = [web_url(s.get("path")) for s in dataset.objects("sources") if web_url(s.get("path"))]
    if sources:
        data["isBasedOn"] = sources
    return data


def _front_matter(meta: dict[str, Any]) -> Markup:
    # YAML, not HTML: the values the theme prints unescaped were escaped by _meta.
    return Markup(front_matter(meta))


# The style sheets of portal/site/assets/css/ a kind of page needs, beyond portal.css (portal/site/theme/main.html).
CHART_STYLES = ("assets/css/charts.css",)
CITATION_STYLES = ("assets/css/citation.css",)


def _meta(
    title: str,
    description: str,
    page: str,
    site: Site,
    jsonld: dict | None = None,
    styles: tuple[str, ...] = (),
    hide: tuple[str, ...] = (),
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        # The theme prints these two unescaped (<title>, <meta name="description">): escape here.
        "title": esc(title),
        "description": esc(description),
        "og": {
            "og:title": title,
            "og:description": description,
            "og:type": "website",
            "og:url": urls.absolute(site.base_url, page),
            "og:locale": "fr_FR",
            "og:site_name": site.title,
        },
    }
    if jsonld:
        meta["jsonld"] = json_for_script(json.dumps(jsonld, ensure_ascii=False))
    if styles:
        meta["styles"] = list(styles)
    if hide:
        meta["hide"] = list(hide)  # the theme's parts a page does without ("toc")
    return meta


# --- dataset page --------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _facts(entry: Entry, site: Site) -> dict[str, Any]:
    dataset = entry.dataset
    licence = metadata.licence_of(dataset)
    last = metadata.modified(dataset)
    return {
        "publisher": metadata.publisher_name(dataset),
        "licence": licence if licence and licence.url else None,
        "fresh": metadata.freshness(dataset, site.today),
        "last": formats.day(last) if last else "non renseignée",
        "frequency": metadata.frequency_label(dataset),
        "period": metadata.period_label(dataset),
        "spatial": metadata.spatial_label(dataset),
        "themes": ", ".join(metadata.theme_labels(dataset)) or "non renseignés",
        "keywords": ", ".join(metadata.keywords(dataset)) or "aucun",
        "version": dataset.get("version") or "non renseignée",
        "score": entry.report.score,
    }


def _sources(dataset: Dataset) -> list[dict[str, Any]]:
    return [
        {
            "title": source.get("title"),
            "href": web_url(source.get("path")),
            "details": ", ".join(
                str(source[k]) for k in ("edition", "publisher", "published", "section") if source.get(k)
            ),
        }
        for source in dataset.objects("sources")
    ]


def _methodology(dataset: Dataset) -> dict[str, Any] | None:
    method = dataset.get("methodology")
    if not isinstance(method, dict):
        return None
    rows = []
    fieldwork = method.get("fieldwork")
    if isinstance(fieldwork, dict) and (fieldwork.get("start") or fieldwork.get("end")):
        rows.append(("Terrain", f"du {_text(fieldwork.get('start'))} au {_text(fieldwork.get('end'))}"))
    if method.get("method"):
        rows.append(("Méthode", method["method"]))
    if method.get("respondents") is not None:
        rows.append(("Répondants", formats.number(method["respondents"])))
    caveats = method.get("caveats") if isinstance(method.get("caveats"), list) else []
    return {"rows": rows, "caveats": caveats}


def _checklist(entry: Entry) -> dict[str, Any]:
    return {
        "rows": [
            [("✓ rempli" if r.passed else "✗ manquant"), r.criterion.label, r.criterion.origin]
            for r in entry.report.checklist
        ],
        "caption": f"Checklist open data : score {entry.report.score}/100",
        "problems": [
            {
                "code": p.code,
                "severity": "erreur" if p.severity == "error" else "avertissement",
                "text": f"{p.message} {p.fix}",
            }
            for p in entry.report.problems[:20]
        ],
    }


NARROW_SCREEN = "(max-width: 719px)"  # where charts show their narrow drawing, at its own size
CHART_DOWNLOADS = (("png", "PNG"), ("svg", "SVG"), ("csv", "données (CSV)"), ("vl.json", "Vega-Lite"))


def chart_data(chart: Chart, page: str) -> dict[str, Any]:
    """A chart readable with no JavaScript: the static SVG (a narrow one on phones) with its text
    alternative, its data table, its downloads and its page. charts.js offers to make it interactive."""
    name, view = chart.dataset, chart.view.name
    alternative = json.loads(chart.path("json").read_text("utf-8"))
    return {
        "name": name,
        "view": view,
        "title": chart.view.title,
        "spec": urls.relative(urls.chart(name, view, "vl.json"), page),
        "spec_narrow": urls.relative(urls.chart(name, view, "narrow.vl.json"), page),
        "svg": urls.relative(urls.chart(name, view, "svg"), page),
        "svg_narrow": urls.relative(urls.chart(name, view, "narrow.svg"), page),
        "narrow_media": NARROW_SCREEN,
        "summary": chart.summary,
        "table_id": f"tableau-{name}-{view}",
        "page_href": urls.relative(urls.chart_page(name, view), page),
        "downloads": [
            (urls.relative(urls.chart(name, view, suffix), page), label, chart.download_name(suffix))
            for suffix, label in CHART_DOWNLOADS
        ],
        "headers": alternative["headers"],
        "rows": alternative["rows"],
        "numeric": alternative.get("numeric", []),
        "caption": f"Données du graphique : {chart.view.title}",
    }


def _constraints(field: dict[str, Any]) -> str:
    constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
    names = {
        "required": "obligatoire",
        "unique": "unique",
        "minimum": "minimum",
        "maximum": "maximum",
        "enum": "valeurs",
        "pattern": "motif",
        "minLength": "longueur min.",
        "maxLength": "longueur max.",
    }
    parts = []
    for key, value in constraints.items():
        label = names.get(key, key)
        if value is True:
            parts.append(label)
        elif isinstance(value, list):
            parts.append(f"{label} : {', '.join(map(str, value[:12]))}{'…' if len(value) > 12 else ''}")
        else:
            parts.append(f"{label} : {value}")
    return " ; ".join(parts)


def _conformity(resource: dict[str, Any]) -> dict[str, str] | None:
    """ "Conforme au schéma SCDL …" for a resource that follows a national schema."""
    name = schema_name(resource.get("schema"))
    if name is None:
        return None
    return {"href": published_url(name), "title": TITLES[name], "version": VERSIONS[name]}


def _dictionary(resource: dict[str, Any], data: TableData | None) -> dict[str, Any]:
    schema = resource_schema(resource)
    rows = []
    for field_spec in schema.get("fields") or []:
        if not isinstance(field_spec, dict):
            continue
        example = data.examples.get(field_spec.get("name"), "") if data else ""
        rows.append(
            [
                field_spec.get("name", ""),
                field_spec.get("title", ""),
                field_spec.get("type", "string"),
                field_spec.get("unit", ""),
                # Package Markdown (`code`, links), escaped and checked like every description.
                Markup(markdown_short(field_spec.get("description", ""))),
                _constraints(field_spec),
                example[:80],
            ]
        )
    return {
        "headers": ["champ", "titre", "type", "unité", "description", "contraintes", "exemple"],
        "rows": rows,
        "caption": f"Dictionnaire des données de {resource.get('name')}.csv",
    }


def _preview(resource: dict[str, Any], data: TableData | None) -> dict[str, Any] | None:
    if not data:
        return None
    rows, numeric = display_rows(data.header, data.preview, fields_by_name(resource))
    caption = f"Les {len(rows)} premières lignes sur {formats.number(data.row_count)} de {resource.get('name')}.csv"
    return {"headers": data.header, "rows": rows, "numeric": numeric, "caption": caption}


def _resource(resource: dict[str, Any], data: TableData | None) -> dict[str, Any]:
    """A table as a page about it shows it: title, description, conformity, dictionary, first rows."""
    return {
        "title": resource.get("title") or resource.get("name"),
        "name": resource.get("name"),
        "description": Markup(markdown_short(resource.get("description"))) if resource.get("description") else None,
        "conformity": _conformity(resource),
        "dictionary": _dictionary(resource, data),
        "preview": _preview(resource, data),
    }


def _download(download: Download, page: str, label: str | None = None) -> dict[str, str]:
    return {
        "href": urls.relative(download.url, page),
        "label": label or download.label,
        "format": download.format.upper(),
        "size": _size(download.size),
    }


def _short_label(download: Download) -> str:
    # A table's three files side by side: CSV, CSV for Excel (semicolons, BOM), JSON.
    if download.url.endswith("-excel.csv"):
        return "CSV pour Excel"
    return download.format.upper()


def _downloads(entry: Entry, page: str) -> list[dict[str, str]]:
    """The package's own files (datapackage.json, the ZIP archive); each table's are in its row."""
    return [_download(d, page) for d in entry.downloads if d.resource is None]


def _tables(entry: Entry, page: str) -> list[dict[str, Any]]:
    """Each table: title, rows in French format, its page (explorer and dictionary), its files."""
    rows = []
    for resource in entry.dataset.resources:
        name = resource.get("name")
        data = entry.tables.get(name)
        description = resource.get("description")
        rows.append(
            {
                "title": resource.get("title") or name,
                "file": f"{name}.csv",
                "href": urls.relative(urls.table_page(entry.name, str(name)), page),
                "rows": formats.number(data.row_count) if data else "—",
                # Package Markdown (backticks, links), rendered with its HTML escaped.
                "description": Markup(markdown_block(description)) if description else None,
                "conformity": _conformity(resource),
                "downloads": [_download(d, page, _short_label(d)) for d in entry.downloads if d.resource == name],
            }
        )
    return rows


def _gallery(entry: Entry, page: str) -> list[dict[str, str]]:
    """A thumbnail per chart (its static SVG, its text alternative as alt), linking to its page."""
    return [
        {
            "href": urls.relative(urls.chart_page(chart.dataset, chart.view.name), page),
            "svg": urls.relative(urls.chart(chart.dataset, chart.view.name, "svg"), page),
            "alt": chart.summary,
            "title": chart.view.title,
        }
        for chart in entry.charts
    ]


def citation_files(name: str, page: str) -> list[tuple[str, str]]:
    """The links to the dataset's citation files (written by build.generate), relative to ``page``."""
    return [(urls.relative(urls.citation_file(name, suffix), page), label) for _, suffix, label in citation.FORMATS]


def citation_block_data(dataset: Dataset, site: Site, page: str, title: str | None = None) -> dict[str, Any]:
    """What the ``citation_block`` macro shows: the citation of the page ``page`` in every format,
    its files, and the copy script. A chart page passes its chart's ``title``."""
    return {
        **citation.citation_data(dataset, urls.absolute(site.base_url, page), title),
        "formats": [(key, label) for key, _, label in citation.FORMATS],
        "files": citation_files(dataset.name, page),
        "script": urls.relative("assets/js/copy.js", page),
    }


def _snippets(entry: Entry, site: Site) -> list[tuple[str, str]]:
    name = entry.name
    first = entry.dataset.resources[0]["name"] if entry.dataset.resources else "donnees"
    csv_url = urls.absolute(site.base_url, urls.resource_csv(name, first))
    descriptor = urls.absolute(site.base_url, urls.descriptor(name))
    blocks = [
        ("pandas (Python)", f'import pandas as pd\n\ndf = pd.read_csv("{csv_url}")'),
        (
            "frictionless (Python)",
            f'from frictionless import Package\n\npackage = Package("{descriptor}")\nrows = package.get_resource("{first}").read_rows()',
        ),
        ("curl", f'curl -O "{csv_url}"\ncurl -O "{descriptor}"'),
    ]
    # No blank line inside the HTML block: Markdown would end it there.
    return [(label, code.replace("\n\n", "\n")) for label, code in blocks]


def is_survey(entry: Entry) -> bool:
    """A dataset with the codebook resources ``questions`` and ``reponses``, both read whole: it gets a
    survey page (portal/site/surveys.py). A codebook too long to keep whole (portal/tables.py) gets none."""
    return all(name in entry.tables and entry.tables[name].rows is not None for name in ("questions", "reponses"))


def dataset_data(entry: Entry, site: Site) -> dict[str, Any]:
    """The dataset page, short enough to read at a glance: facts, description, citation, charts,
    tables, downloads. Sources, method, quality and notes are on its about page."""
    dataset = entry.dataset
    page = urls.dataset_page(dataset.name)
    description = _plain(dataset.get("description"), 300) or dataset.title
    return {
        "front_matter": _front_matter(
            _meta(
                dataset.title,
                description,
                page,
                site,
                dataset_jsonld(entry, site),
                styles=CHART_STYLES + CITATION_STYLES,
            )
        ),
        "title": dataset.title,
        "facts": _facts(entry, site),
        # markdown_block renders package Markdown with its HTML escaped and its links checked.
        "description": Markup(markdown_block(dataset.get("description"))),
        "survey_href": urls.relative(urls.survey_page(dataset.name), page) if is_survey(entry) else None,
        "about_href": urls.relative(urls.dataset_about(dataset.name), page),
        "citation": citation_block_data(dataset, site, page),
        "gallery": _gallery(entry, page),
        "tables": _tables(entry, page),
        "downloads": _downloads(entry, page),
        "snippets": _snippets(entry, site),
        "reuse_href": urls.relative("reutiliser/", page),
    }


def dataset_page(entry: Entry, site: Site) -> str:
    return render("dataset.md.j2", **dataset_data(entry, site))


def _demoted(html: str) -> str:
    """Headings one level down, for package Markdown placed under a heading of the page (notes'
    "## Sources" under "Notes de transcription"). Every tag here was made by the renderer: the
    package's own HTML was escaped (markdown_block), so no "<h2" of the package's can match."""
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def about_data(entry: Entry, site: Site) -> dict[str, Any]:
    """The dataset's about page: where its figures come from and how far to trust them."""
    dataset = entry.dataset
    page = urls.dataset_about(dataset.name)
    title = f"Sources, méthode et qualité — {dataset.title}"
    description = f"D'où viennent les données du jeu « {dataset.title} », comment elles ont été relevées et contrôlées."
    return {
        "front_matter": _front_matter(_meta(title, _plain(description), page, site)),
        "title": title,
        "dataset_title": dataset.title,
        "dataset_href": urls.relative(urls.dataset_page(dataset.name), page),
        "facts": _facts(entry, site),
        "sources": _sources(dataset),
        "methodology": _methodology(dataset),
        "checklist": _checklist(entry),
        "checks_href": urls.relative("reference/controles/", page),
        "notes": Markup(_demoted(markdown_block(dataset.get("notes")))) if dataset.get("notes") else None,
    }


def about_page(entry: Entry, site: Site) -> str:
    return render("about.md.j2", **about_data(entry, site))


# --- catalogue and dashboard ---------------------------------------------------------------


def title_key(title: str) -> tuple[str, str]:
    """The catalogue's alphabetical order, as catalogue.js sorts too: case and accents aside, so
    "Études" sorts with the E's and "démocratie" finds "Démocratie"."""
    folded = unicodedata.normalize("NFD", title).lower()
    return "".join(c for c in folded if not unicodedata.combining(c)), title


def catalogue_record(entry: Entry, site: Site) -> dict[str, Any]:
    """One dataset in catalogue/index.json: what its card shows and what the search and the facets
    read, no more (a few hundred bytes, so that 10,000 datasets stay a few megabytes)."""
    dataset = entry.dataset
    last = metadata.modified(dataset)
    fresh = metadata.freshness(dataset, site.today)
    edition = metadata.edition(dataset)
    return {
        "name": dataset.name,
        "title": dataset.title,
        "url": urls.dataset_page(dataset.name),
        "summary": _plain(dataset.get("description"), 220),
        "publisher": metadata.publisher_name(dataset),
        "themes": metadata.theme_labels(dataset),
        "keywords": metadata.keywords(dataset),
        "edition": edition,
        "year": metadata.edition_year(edition),
        "modified": last.isoformat() if last else None,
        "freshness": fresh.label,
        "status": fresh.status,
        "score": entry.report.score,
    }


def catalogue_index(entries: list[Entry], site: Site) -> list[dict[str, Any]]:
    """catalogue/index.json, in the catalogue's order: the records of every dataset."""
    records = [catalogue_record(e, site) for e in entries]
    return sorted(records, key=lambda r: (title_key(r["title"]), r["name"]))


def _card(record: dict[str, Any], page: str) -> dict[str, Any]:
    modified = record["modified"]
    return {
        "href": urls.relative(record["url"], page),
        "title": record["title"],
        "publisher": record["publisher"],
        "themes": ", ".join(record["themes"]),
        "summary": record["summary"],
        "fresh": {"status": record["status"], "label": record["freshness"]},
        "last": formats.day(date.fromisoformat(modified)) if modified else "—",
        "score": record["score"],
    }


def paginate(items: list, size: int = PAGE_SIZE) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def page_url(root: str, number: int) -> str:
    return root if number == 1 else f"{root}page-{number}/"


def _pager(root: str, number: int, total: int, page: str) -> list[dict[str, Any]]:
    if total <= 1:
        return []
    return [
        {"href": urls.relative(page_url(root, n), page), "number": n, "current": n == number}
        for n in range(1, total + 1)
    ]


# The catalogue's facets: (URL parameter and checkbox name, record field, label). catalogue.js
# fills them from the index, with counts: the pages do not grow with the number of keywords.
FACETS = (
    ("theme", "themes", "Thème"),
    ("mot-cle", "keywords", "Mot-clé"),
    ("editeur", "publisher", "Éditeur"),
    ("edition", "year", "Édition"),
)


def catalogue_pages(entries: list[Entry], site: Site) -> dict[str, str]:
    """catalogue/ (and catalogue/page-N/ beyond PAGE_SIZE datasets): every card, paginated, for
    readers without JavaScript; with it, catalogue.js searches and filters the whole index."""
    chunks = paginate(catalogue_index(entries, site))
    pages = {}
    for number, chunk in enumerate(chunks, 1):
        page = page_url("catalogue/", number)
        title = "Catalogue des jeux de données" + (f" (page {number})" if number > 1 else "")
        description = f"{len(entries)} jeux de données ouverts sur la démocratie locale numérique."
        # No table of contents: the cards change with the search, a table of contents would not follow.
        meta = _meta(title, description, page, site, styles=("assets/css/catalogue.css",), hide=("toc",))
        pages[page] = render(
            "catalogue.md.j2",
            front_matter=_front_matter(meta),
            title=title,
            count=formats.number(len(entries)),
            root_href=urls.relative("catalogue/", page),
            index_href=urls.relative("catalogue/index.json", page),
            page_size=PAGE_SIZE,
            facets=FACETS,
            cards=[_card(record, page) for record in chunk],
            pages=_pager("catalogue/", number, len(chunks), page),
            script_href=urls.relative("assets/js/catalogue.js", page),
        )
    return pages


def _quality_row(entry: Entry, site: Site, page: str) -> dict[str, Any]:
    return {
        "href": urls.relative(urls.dataset_page(entry.name), page),
        "title": entry.dataset.title,
        "score": entry.report.score,
        "state": "valide" if entry.report.valid else "erreurs",
        "fresh": metadata.freshness(entry.dataset, site.today),
        "errors": formats.number(len(entry.report.errors)),
        "warnings": formats.number(len(entry.report.warnings)),
        "failed": ", ".join(r.criterion.label for r in entry.report.checklist if not r.passed) or "—",
    }


def quality_pages(entries: list[Entry], site: Site) -> dict[str, str]:
    ordered = sorted(entries, key=lambda e: (e.report.score, e.name))
    chunks = paginate(ordered)
    pages = {}
    valid = sum(e.report.valid for e in entries)
    for number, chunk in enumerate(chunks, 1):
        page = page_url("qualite/", number)
        title = "Qualité des jeux de données" + (f" (page {number})" if number > 1 else "")
        description = "La checklist open data de chaque jeu : score, état et fraîcheur."
        pages[page] = render(
            "quality.md.j2",
            front_matter=_front_matter(_meta(title, description, page, site)),
            title=title,
            valid=formats.number(valid),
            count=formats.number(len(entries)),
            checked=formats.day(site.today),
            checks_href=urls.relative("reference/controles/", page),
            caption="Checklist open data, jeu par jeu, du score le plus bas au plus haut",
            headers=["jeu", "score", "état", "fraîcheur", "erreurs", "avertissements", "critères manquants"],
            numeric=["score", "erreurs", "avertissements"],
            rows=[_quality_row(entry, site, page) for entry in chunk],
            pages=_pager("qualite/", number, len(chunks), page),
        )
    return pages


FEATURED = 3  # charts on the home page


def _recency(entry: Entry) -> int:
    """The year a dataset speaks of: its edition's, else the end of the period it covers (0 if none)."""
    temporal = entry.dataset.get("temporal")
    end = temporal.get("end") if isinstance(temporal, dict) else None
    years = re.findall(r"\b(?:19|20)\d\d\b", f"{metadata.edition(entry.dataset) or ''} {end or ''}")
    return max(map(int, years), default=0)


def featured_charts(entries: list[Entry], count: int = FEATURED) -> list[tuple[Entry, Chart]]:
    """The home page's charts: the first chart of each dataset, the most recent datasets first (then by
    name), then their second charts, and so on; the same datasets always give the same charts."""
    ordered = sorted((e for e in entries if e.charts), key=lambda e: (-_recency(e), e.name))
    picked: list[tuple[Entry, Chart]] = []
    for rank in range(max((len(e.charts) for e in ordered), default=0)):
        picked += [(e, e.charts[rank]) for e in ordered if rank < len(e.charts)]
    return picked[:count]


def _featured(entry: Entry, chart: Chart, page: str) -> dict[str, str]:
    name, view = entry.name, chart.view.name
    return {
        "href": urls.relative(urls.chart_page(name, view), page),
        "title": chart.view.title,
        "svg": urls.relative(urls.chart(name, view, "svg"), page),
        "alt": chart.summary,
        "dataset": entry.dataset.title,
    }


def home_page(entries: list[Entry], site: Site) -> str:
    page = ""
    rows = sum(t.row_count for e in entries for t in e.tables.values())
    charts = sum(len(e.charts) for e in entries)
    publishers = {metadata.publisher_name(e.dataset) for e in entries}
    counts = [
        (len(entries), "jeu de données", "jeux de données"),
        (sum(len(e.dataset.resources) for e in entries), "table", "tables"),
        (rows, "ligne de données", "lignes de données"),
        (charts, "graphique", "graphiques"),
        (len(publishers), "éditeur", "éditeurs"),
    ]
    # French: the plural from 2 on ("0 graphique", "1 table", "2 tables").
    figures = [(formats.number(n), plural if n >= 2 else one) for n, one, plural in counts]
    dated = [e for e in entries if metadata.modified(e.dataset)]
    latest = sorted(dated, key=lambda e: (metadata.modified(e.dataset), e.name), reverse=True)[:5]
    # The portal's own words (site_description in mkdocs.yml); the package says nothing of any one portal.
    description = site.description or f"{site.title} : des jeux de données ouverts, vérifiés, documentés et citables."
    return render(
        "home.md.j2",
        front_matter=_front_matter(_meta(site.title, description, page, site)),
        title=site.title,
        lead=description,
        figures=figures,
        featured=[_featured(entry, chart, page) for entry, chart in featured_charts(entries)],
        latest=[
            {
                "href": urls.relative(urls.dataset_page(e.name), page),
                "title": e.dataset.title,
                "day": formats.day(metadata.modified(e.dataset)),
            }
            for e in latest
        ],
        links={
            "catalogue": urls.relative("catalogue/", page),
            # Only a portal with surveys has survey results to point to.
            "evolution": urls.relative("enquetes/evolution/", page) if any(map(is_survey, entries)) else None,
            "open": urls.relative("guide/ouvrir-ses-donnees/", page),
            "validate": urls.relative("guide/valider-ses-donnees/", page),
            "reuse": urls.relative("reutiliser/", page),
        },
    )
