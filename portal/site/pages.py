"""The portal's pages, as Markdown with HTML blocks: pure functions of the datasets, their
validation reports, data and charts. MkDocs only turns them into HTML, so the site engine stays
replaceable; golden tests pin the output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal import citation, formats, metadata, urls
from portal.charts.render import Chart
from portal.dataset import Dataset, resource_schema
from portal.downloads import Download
from portal.site.html import compact, esc, front_matter, json_for_script, markdown_block, markdown_inline, table
from portal.tables import TableData
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


def _link(target: str, page: str) -> str:
    return esc(urls.relative(target, page))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{formats.number(round(size / 1024, 1))} ko"
    return f"{formats.number(round(size / 1024 / 1024, 1))} Mo"


def _plain(text: object, limit: int = 300) -> str:
    """A one-line plain-text summary of package Markdown, for meta tags and cards."""
    import re

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


def _meta(title: str, description: str, page: str, site: Site, jsonld: dict | None = None) -> dict[str, Any]:
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
    return meta


# --- dataset page --------------------------------------------------------------------------


def _badge(entry: Entry, site: Site) -> str:
    fresh = metadata.freshness(entry.dataset, site.today)
    return f'<span class="badge badge-{fresh.status}">{esc(fresh.label)}</span>'


def _facts(entry: Entry, site: Site) -> str:
    dataset = entry.dataset
    licence = metadata.licence_of(dataset)
    licence_html = (
        f'<a href="{esc(licence.url)}">{esc(licence.title)}</a>' if licence and licence.url else "non reconnue"
    )
    last = metadata.modified(dataset)
    rows = [
        ("Éditeur", esc(metadata.publisher_name(dataset))),
        ("Licence", licence_html),
        (
            "Mise à jour",
            f"{_badge(entry, site)} dernière mise à jour le {esc(formats.day(last)) if last else 'non renseignée'}"
            f" · fréquence {esc(metadata.frequency_label(dataset))}",
        ),
        ("Période couverte", esc(metadata.period_label(dataset))),
        ("Territoire", esc(metadata.spatial_label(dataset))),
        ("Thèmes", esc(", ".join(metadata.theme_labels(dataset)) or "non renseignés")),
        ("Mots-clés", esc(", ".join(metadata.keywords(dataset)) or "aucun")),
        ("Version", esc(dataset.get("version") or "non renseignée")),
        ("Score qualité", f"{entry.report.score}/100"),
    ]
    items = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="facts">\n{items}\n</dl>'


def _sources(dataset: Dataset) -> str:
    items = []
    for source in dataset.objects("sources"):
        title = esc(source.get("title"))
        path = web_url(source.get("path"))
        if path:
            title = f'<a href="{esc(path)}">{title}</a>'
        details = [esc(source[k]) for k in ("edition", "publisher", "published", "section") if source.get(k)]
        items.append(f"<li>{title}{' — ' + ', '.join(details) if details else ''}</li>")
    return f"<ul>\n{chr(10).join(items)}\n</ul>" if items else "<p>Aucune source citée.</p>"


def _methodology(dataset: Dataset) -> str | None:
    method = dataset.get("methodology")
    if not isinstance(method, dict):
        return None
    rows = []
    fieldwork = method.get("fieldwork")
    if isinstance(fieldwork, dict) and (fieldwork.get("start") or fieldwork.get("end")):
        rows.append(("Terrain", f"du {esc(fieldwork.get('start'))} au {esc(fieldwork.get('end'))}"))
    if method.get("method"):
        rows.append(("Méthode", esc(method["method"])))
    if method.get("respondents") is not None:
        rows.append(("Répondants", esc(formats.number(method["respondents"]))))
    items = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    caveats = method.get("caveats") if isinstance(method.get("caveats"), list) else []
    caveat_html = ""
    if caveats:
        caveat_html = (
            "<p><strong>Précautions de lecture</strong></p>\n<ul>\n"
            + "\n".join(f"<li>{esc(c)}</li>" for c in caveats)
            + "\n</ul>"
        )
    return f'<dl class="facts">\n{items}\n</dl>\n{caveat_html}'


def _checklist(entry: Entry) -> str:
    rows = [
        [("✓ rempli" if r.passed else "✗ manquant"), r.criterion.label, r.criterion.origin]
        for r in entry.report.checklist
    ]
    html = table(["état", "critère", "origine"], rows, f"Checklist open data : score {entry.report.score}/100")
    if entry.report.problems:
        problems = "\n".join(
            f"<li><code>{esc(p.code)}</code> ({'erreur' if p.severity == 'error' else 'avertissement'}) : {esc(p.message)} {esc(p.fix)}</li>"
            for p in entry.report.problems[:20]
        )
        html += f"\n<p>Problèmes relevés par <code>portal validate</code> :</p>\n<ul>\n{problems}\n</ul>"
    return html


def chart_figure(chart: Chart, page: str) -> str:
    """A chart readable with no JavaScript: the static SVG with its text alternative, its data table,
    and its downloads. charts.js may replace the image by an interactive view."""
    name, view = chart.dataset, chart.view.name
    alternative = json.loads(chart.path("json").read_text("utf-8"))
    table_id = f"tableau-{name}-{view}"
    links = " · ".join(
        f'<a href="{_link(urls.chart(name, view, suffix), page)}" download>{label}</a>'
        for suffix, label in (("png", "PNG"), ("svg", "SVG"), ("csv", "données (CSV)"), ("vl.json", "Vega-Lite"))
    )
    data_table = table(alternative["headers"], alternative["rows"], f"Données du graphique : {chart.view.title}")
    return compact(
        f'<figure class="portal-chart" id="graphique-{esc(name)}-{esc(view)}" data-spec="{_link(urls.chart(name, view, "vl.json"), page)}">\n'
        f'<img src="{_link(urls.chart(name, view, "svg"), page)}" alt="{esc(chart.summary)}" loading="lazy">\n'
        f'<figcaption><span class="chart-summary">{esc(chart.summary)}</span>\n'
        f'<span class="chart-links"><a href="#{esc(table_id)}">Tableau de données</a> · Télécharger : {links}</span></figcaption>\n'
        f'<details id="{esc(table_id)}"><summary>Tableau de données du graphique</summary>\n{data_table}\n</details>\n'
        f"</figure>"
    )


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


def _conformity(resource: dict[str, Any]) -> str:
    """ "Conforme au schéma SCDL …" for a resource that follows a national schema."""
    from portal.scdl import TITLES, VERSIONS, published_url, schema_name

    name = schema_name(resource.get("schema"))
    if name is None:
        return ""
    return (
        f'<p class="conformity">Conforme au schéma national <a href="{esc(published_url(name))}">SCDL « {esc(TITLES[name])} »</a>, '
        f"version {esc(VERSIONS[name])} (Socle commun des données locales) : contrôlé par <code>portal validate</code>.</p>\n"
    )


def _dictionary(resource: dict[str, Any], data: TableData | None) -> str:
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
                field_spec.get("description", ""),
                _constraints(field_spec),
                example[:80],
            ]
        )
    headers = ["champ", "titre", "type", "unité", "description", "contraintes", "exemple"]
    return table(headers, rows, f"Dictionnaire des données de {resource.get('name')}.csv", "portal-table dictionary")


def _preview(resource: dict[str, Any], data: TableData | None) -> str:
    if not data:
        return "<p>Aperçu indisponible.</p>"
    shown = data.preview
    caption = f"Les {len(shown)} premières lignes sur {formats.number(data.row_count)} de {resource.get('name')}.csv"
    return table(data.header, shown, caption, "portal-table preview")


def _downloads(entry: Entry, page: str) -> str:
    rows = []
    for download in entry.downloads:
        rows.append(
            f'<tr><td><a href="{_link(download.url, page)}">{esc(download.label)}</a></td>'
            f"<td>{esc(download.format.upper())}</td><td>{esc(_size(download.size))}</td></tr>"
        )
    return (
        '<div class="table-wrap"><table class="portal-table downloads">\n<caption>Fichiers à télécharger</caption>\n'
        '<thead><tr><th scope="col">fichier</th><th scope="col">format</th><th scope="col">taille</th></tr></thead>\n'
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table></div>"
    )


def _snippets(entry: Entry, site: Site) -> str:
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
    return "\n".join(
        f"<p><strong>{esc(label)}</strong></p>\n<pre><code>{esc(code).replace(chr(10) + chr(10), chr(10))}</code></pre>"
        for label, code in blocks
    )


def dataset_page(entry: Entry, site: Site) -> str:
    dataset = entry.dataset
    page = urls.dataset_page(dataset.name)
    page_url = urls.absolute(site.base_url, page)
    description = _plain(dataset.get("description"), 300) or dataset.title
    parts = [
        front_matter(_meta(dataset.title, description, page, site, dataset_jsonld(entry, site))),
        f"# {markdown_inline(dataset.title)}\n",
        _facts(entry, site) + "\n",
        '<div class="description">\n' + markdown_block(dataset.get("description")) + "\n</div>\n",
    ]
    if any(r.get("name") in {"questions"} for r in dataset.resources) and any(
        r.get("name") == "reponses" for r in dataset.resources
    ):
        parts.append(
            f'<p class="see-also">Résultats question par question : <a href="{_link(urls.survey_page(dataset.name), page)}">voir l\'enquête</a>.</p>\n'
        )
    parts += ["## Sources\n", _sources(dataset) + "\n"]
    methodology = _methodology(dataset)
    if methodology:
        parts += ["## Méthodologie de l'enquête\n", methodology + "\n"]
    if entry.charts:
        parts.append("## Graphiques\n")
        parts += [chart_figure(chart, page) + "\n" for chart in entry.charts]
        parts.append(f'<script src="{_link("assets/js/charts.js", page)}" defer></script>\n')
    parts += ["## Télécharger\n", _downloads(entry, page) + "\n"]
    parts.append("## Dictionnaire des données\n")
    for resource in dataset.resources:
        title = resource.get("title") or resource.get("name")
        parts.append(f"### {markdown_inline(title)} ({markdown_inline(resource.get('name'))}.csv)\n")
        if resource.get("description"):
            parts.append(f"<p>{esc(resource['description'])}</p>\n")
        if conformity := _conformity(resource):
            parts.append(conformity)
        data = entry.tables.get(resource.get("name"))
        parts.append(_dictionary(resource, data) + "\n")
        parts.append(
            f"<details><summary>Aperçu des premières lignes</summary>\n{_preview(resource, data)}\n</details>\n"
        )
    parts += ["## Qualité\n", _checklist(entry) + "\n"]
    parts += [
        "## Citer ce jeu de données\n",
        f'<p class="citation">{esc(citation.citation_text(dataset, page_url))}</p>\n',
        f"<pre><code>{esc(citation.bibtex(dataset, page_url))}</code></pre>\n",
        "## Réutiliser\n",
        _snippets(entry, site) + "\n",
    ]
    if dataset.get("notes"):
        parts += [
            "## Notes de transcription\n",
            '<div class="notes">\n' + markdown_block(dataset.get("notes")) + "\n</div>\n",
        ]
    return "\n".join(parts)


# --- catalogue and dashboard ---------------------------------------------------------------


def catalogue_record(entry: Entry, site: Site) -> dict[str, Any]:
    """One dataset in catalogue/index.json, the index the catalogue filters read."""
    dataset = entry.dataset
    last = metadata.modified(dataset)
    return {
        "name": dataset.name,
        "title": dataset.title,
        "url": urls.dataset_page(dataset.name),
        "publisher": metadata.publisher_name(dataset),
        "themes": metadata.theme_labels(dataset),
        "keywords": metadata.keywords(dataset),
        "edition": metadata.edition(dataset),
        "modified": last.isoformat() if last else None,
        "freshness": metadata.freshness(dataset, site.today).label,
        "score": entry.report.score,
    }


def _card(entry: Entry, site: Site, page: str) -> str:
    record = catalogue_record(entry, site)
    last = metadata.modified(entry.dataset)
    attributes = " ".join(
        f'data-{key}="{esc(value)}"'
        for key, value in (
            ("themes", "|".join(record["themes"])),
            ("keywords", "|".join(record["keywords"])),
            ("publisher", record["publisher"]),
            ("edition", record["edition"] or ""),
        )
    )
    return compact(
        f'<article class="card" {attributes}>\n'
        f'<h2><a href="{_link(urls.dataset_page(entry.name), page)}">{esc(entry.dataset.title)}</a></h2>\n'
        f'<p class="card-meta">{esc(record["publisher"])} · {esc(", ".join(record["themes"]))}</p>\n'
        f"<p>{esc(_plain(entry.dataset.get('description'), 220))}</p>\n"
        f'<p class="card-meta">{_badge(entry, site)} mis à jour le {esc(formats.day(last)) if last else "—"}'
        f" · score {entry.report.score}/100</p>\n</article>"
    )


def paginate(items: list, size: int = PAGE_SIZE) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def page_url(root: str, number: int) -> str:
    return root if number == 1 else f"{root}page-{number}/"


def _pager(root: str, number: int, total: int, page: str) -> str:
    if total <= 1:
        return ""
    links = []
    for n in range(1, total + 1):
        current = ' aria-current="page"' if n == number else ""
        links.append(f'<li><a href="{_link(page_url(root, n), page)}"{current}>{n}</a></li>')
    return f'<nav class="pager" aria-label="Pages">\n<ul>\n{chr(10).join(links)}\n</ul>\n</nav>'


def _filters(entries: list[Entry], site: Site, page: str) -> str:
    def options(values: set[str]) -> str:
        return "\n".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in sorted(values))

    themes = {t for e in entries for t in metadata.theme_labels(e.dataset)}
    keywords = {k for e in entries for k in metadata.keywords(e.dataset)}
    publishers = {metadata.publisher_name(e.dataset) for e in entries}
    editions = {metadata.edition(e.dataset) for e in entries} - {None}
    selects = []
    for key, label, values in (
        ("themes", "Thème", themes),
        ("keywords", "Mot-clé", keywords),
        ("publisher", "Éditeur", publishers),
        ("edition", "Édition", editions),
    ):
        selects.append(
            f'<label>{label}<select name="{key}">\n<option value="">tous</option>\n{options(values)}\n</select></label>'
        )
    return compact(
        f'<form class="catalogue-filters" data-index="{_link("catalogue/index.json", page)}" hidden>\n'
        f"{chr(10).join(selects)}\n"
        '<p class="filter-count" role="status" aria-live="polite"></p>\n</form>'
    )


def catalogue_pages(entries: list[Entry], site: Site) -> dict[str, str]:
    """catalogue/ (and catalogue/page-N/ beyond PAGE_SIZE datasets): cards, filters and the theme's search."""
    ordered = sorted(entries, key=lambda e: e.dataset.title.lower())
    chunks = paginate(ordered)
    pages = {}
    for number, chunk in enumerate(chunks, 1):
        page = page_url("catalogue/", number)
        title = "Catalogue des jeux de données" + (f" (page {number})" if number > 1 else "")
        intro = (
            f"<p>{formats.number(len(entries))} jeux de données, du plus ancien chiffre des baromètres "
            "aux données des collectivités. Filtrez par thème, mot-clé, éditeur ou édition, ou cherchez "
            "avec la recherche du site.</p>"
        )
        cards = "\n".join(_card(e, site, page) for e in chunk)
        pages[page] = "\n".join(
            [
                front_matter(
                    _meta(
                        title, f"{len(entries)} jeux de données ouverts sur la démocratie locale numérique.", page, site
                    )
                ),
                f"# {title}\n",
                intro + "\n",
                _filters(entries, site, page) + "\n",
                f'<div class="cards" id="catalogue-results">\n{cards}\n</div>\n',
                _pager("catalogue/", number, len(chunks), page) + "\n",
                f'<script src="{_link("assets/js/catalogue.js", page)}" defer></script>\n',
            ]
        )
    return pages


def quality_pages(entries: list[Entry], site: Site) -> dict[str, str]:
    ordered = sorted(entries, key=lambda e: (e.report.score, e.name))
    chunks = paginate(ordered)
    pages = {}
    valid = sum(e.report.valid for e in entries)
    for number, chunk in enumerate(chunks, 1):
        page = page_url("qualite/", number)
        rows = []
        for entry in chunk:
            fresh = metadata.freshness(entry.dataset, site.today)
            failed = [r.criterion.label for r in entry.report.checklist if not r.passed]
            rows.append(
                f'<tr><th scope="row"><a href="{_link(urls.dataset_page(entry.name), page)}">{esc(entry.dataset.title)}</a></th>'
                f"<td>{entry.report.score}/100</td><td>{'valide' if entry.report.valid else 'erreurs'}</td>"
                f'<td><span class="badge badge-{fresh.status}">{esc(fresh.label)}</span></td>'
                f"<td>{len(entry.report.errors)}</td><td>{len(entry.report.warnings)}</td>"
                f"<td>{esc(', '.join(failed) or '—')}</td></tr>"
            )
        headers = "".join(
            f'<th scope="col">{h}</th>'
            for h in ("jeu", "score", "état", "fraîcheur", "erreurs", "avertissements", "critères manquants")
        )
        title = "Qualité des jeux de données" + (f" (page {number})" if number > 1 else "")
        pages[page] = "\n".join(
            [
                front_matter(
                    _meta(title, "La checklist open data de chaque jeu : score, état et fraîcheur.", page, site)
                ),
                f"# {title}\n",
                f"<p>{formats.number(valid)} jeux sur {formats.number(len(entries))} passent la checklist sans erreur, "
                f"contrôlée le {formats.day(site.today)} par <code>portal validate</code>. "
                f'<a href="{_link("reference/controles/", page)}">Les contrôles et le score</a>.</p>\n',
                '<div class="table-wrap"><table class="portal-table">\n<caption>Checklist open data, jeu par jeu, du score le plus bas au plus haut</caption>\n'
                f"<thead><tr>{headers}</tr></thead>\n<tbody>\n{chr(10).join(rows)}\n</tbody></table></div>\n",
                _pager("qualite/", number, len(chunks), page) + "\n",
            ]
        )
    return pages


def home_page(entries: list[Entry], site: Site) -> str:
    page = ""
    rows = sum(t.row_count for e in entries for t in e.tables.values())
    charts = sum(len(e.charts) for e in entries)
    publishers = {metadata.publisher_name(e.dataset) for e in entries}
    figures = [
        (formats.number(len(entries)), "jeux de données"),
        (formats.number(sum(len(e.dataset.resources) for e in entries)), "tables"),
        (formats.number(rows), "lignes de données"),
        (formats.number(charts), "graphiques"),
        (formats.number(len(publishers)), "éditeur" + ("s" if len(publishers) > 1 else "")),
    ]
    figure_html = "\n".join(f'<li><span class="figure">{esc(v)}</span> {esc(label)}</li>' for v, label in figures)
    dated = [e for e in entries if metadata.modified(e.dataset)]
    latest = sorted(dated, key=lambda e: (metadata.modified(e.dataset), e.name), reverse=True)[:5]
    latest_html = "\n".join(
        f'<li><a href="{_link(urls.dataset_page(e.name), page)}">{esc(e.dataset.title)}</a> — {esc(formats.day(metadata.modified(e.dataset)))}</li>'
        for e in latest
    )
    return "\n".join(
        [
            front_matter(
                _meta(site.title, "Les chiffres de la démocratie locale numérique en données ouvertes.", page, site)
            ),
            f"# {site.title}\n",
            '<p class="lead">Les chiffres de l\'Observatoire des civic tech et de la démocratie numérique — '
            "baromètres de la démocratie locale numérique 2017 et 2018, rapport d'activité 2019, guide des outils "
            "numériques de participation de la Caisse des Dépôts — étaient enfermés dans des PDF. Les voici en "
            "données ouvertes, vérifiées, citables, sous Licence Ouverte.</p>\n",
            "## Chiffres clés\n",
            f'<ul class="key-figures">\n{figure_html}\n</ul>\n',
            "## Dernières mises à jour\n",
            f"<ul>\n{latest_html}\n</ul>\n",
            "## Par où commencer\n",
            '<div class="audiences">\n'
            f'<section><h3>Citoyens et journalistes</h3><p>Parcourez le <a href="{_link("catalogue/", page)}">catalogue</a> '
            f'et les résultats des <a href="{_link("enquetes/evolution/", page)}">baromètres</a>, graphiques et tableaux compris.</p></section>\n'
            f'<section><h3>Collectivités</h3><p><a href="{_link("guide/ouvrir-ses-donnees/", page)}">Ouvrir ses données</a> pas à pas, '
            f'puis <a href="{_link("guide/valider-ses-donnees/", page)}">les valider</a> avec la checklist open data.</p></section>\n'
            f"<section><h3>Chercheurs et développeurs</h3><p>Téléchargez CSV, JSON et data packages à des "
            f'<a href="{_link("reutiliser/", page)}">adresses stables</a>, ou moissonnez le catalogue.</p></section>\n'
            "</div>\n",
        ]
    )
