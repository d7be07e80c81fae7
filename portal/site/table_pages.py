"""A page per table (jeux/<name>/tables/<resource>/): what the table is, its downloads, its data
dictionary, its first rows as HTML, and the explorer that sorts, filters, searches and downloads
the filtered rows (portal/site/assets/js/explorer.js, over the ``lignes.json`` portal.site.explorer writes).

Pure functions of the dataset, one of its resources and what the streamed pass kept of its rows.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from portal import formats, urls
from portal.dataset import resource_schema
from portal.scdl import published_url, schema_name
from portal.site.explorer import ExplorerTable
from portal.site.html import markdown_block
from portal.site.pages import Entry, Site, _conformity, _dictionary, _front_matter, _meta, _plain, _size
from portal.site.templates import render

DATA_FILE = "lignes.json"  # beside the page: loaded by the explorer once its script starts


def fields_of(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schema = resource_schema(resource)
    return {f["name"]: f for f in schema.get("fields") or [] if isinstance(f, dict) and "name" in f}


def data_url(name: str, resource: str) -> str:
    return urls.table_page(name, resource) + DATA_FILE


def shown_cell(text: str, kind: str) -> str:
    """A cell as the page shows it: numbers in French ("1 234,5"), years as years, text as it is."""
    if kind != "number" or not text:
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value or value in (float("inf"), float("-inf")):
        return text
    return formats.number(int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value)


def _downloads(entry: Entry, resource: dict[str, Any], page: str) -> list[dict[str, str]]:
    name = resource.get("name")
    links = [
        {
            "href": urls.relative(d.url, page),
            "label": d.label,
            "format": d.format.upper(),
            "size": _size(d.size),
        }
        for d in entry.downloads
        if d.resource == name
    ]
    schema = resource.get("schema")
    if isinstance(schema, dict):
        links.append(
            {
                "href": urls.relative(urls.resource_schema(entry.name, name), page),
                "label": f"{name}.schema.json — schéma (Table Schema)",
                "format": "JSON",
                "size": "",
            }
        )
    elif schema_name(schema):
        links.append(
            {
                "href": published_url(schema_name(schema)),
                "label": "schéma national (Table Schema, schema.data.gouv.fr)",
                "format": "JSON",
                "size": "",
            }
        )
    return links


def _columns(table: ExplorerTable, fields: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"name": name, "title": fields.get(name, {}).get("title") or name, "kind": kind}
        for name, kind in zip(table.header, table.kinds, strict=True)
    ]


def table_data(entry: Entry, resource: dict[str, Any], table: ExplorerTable, site: Site) -> dict[str, Any]:
    dataset = entry.dataset
    name = resource.get("name")
    page = urls.table_page(dataset.name, name)
    title = resource.get("title") or name
    fields = fields_of(resource)
    rows = formats.number(table.row_count)
    summary = _plain(resource.get("description"), 300) or f"{title} : {rows} lignes, à trier, filtrer et télécharger."
    columns = _columns(table, fields)
    shown = [[shown_cell(c, k) for c, k in zip(row, table.kinds, strict=False)] for row in table.first_rows]
    csv_href = urls.relative(urls.resource_csv(dataset.name, name), page)
    return {
        "front_matter": _front_matter(
            _meta(f"{title} — {dataset.title}", summary, page, site, styles=("assets/css/explorer.css",), hide=("toc",))
        ),
        "title": title,
        "name": name,
        "dataset_title": dataset.title,
        "dataset_href": urls.relative(urls.dataset_page(dataset.name), page),
        "description": Markup(markdown_block(resource.get("description"))) if resource.get("description") else None,
        "rows": rows,
        "row_count": table.row_count,
        "column_count": formats.number(len(table.header)),
        "conformity": _conformity(resource),
        "downloads": _downloads(entry, resource, page),
        "dictionary": _dictionary(resource, entry.tables.get(name)),
        "columns": columns,
        "first_rows": [list(zip(row, table.kinds, strict=False)) for row in shown],
        "caption": (
            f"Les {formats.number(len(shown))} premières lignes sur {rows} de {name}.csv"
            if len(shown) < table.row_count
            else f"Les {rows} lignes de {name}.csv"
        ),
        "csv_href": csv_href,
        "explorer": {"data": DATA_FILE, "script": urls.relative("assets/js/explorer.js", page)}
        if table.written
        else None,
    }


def table_page(entry: Entry, resource: dict[str, Any], table: ExplorerTable, site: Site) -> str:
    return render("table.md.j2", **table_data(entry, resource, table, site))
