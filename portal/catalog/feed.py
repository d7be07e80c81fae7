"""An Atom feed of dataset updates (one entry per dataset, updated = modified) and robots.txt."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from portal import metadata, urls
from portal.dataset import Dataset
from portal.text import clean

ATOM = "http://www.w3.org/2005/Atom"


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(datasets: list[Dataset], base_url: str, title: str, today: date) -> str:
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"xml:lang": "fr"})

    def child(parent, tag, text=None, **attributes):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attributes.items()})
        if text is not None:
            element.text = clean(text)  # XML 1.0 cannot hold control characters, even escaped
        return element

    dated = sorted(datasets, key=lambda d: (metadata.modified(d) or date.min, d.name), reverse=True)
    latest = max((metadata.modified(d) for d in datasets if metadata.modified(d)), default=today)
    child(feed, "id", urls.absolute(base_url, urls.FEED))
    child(feed, "title", f"{title} : mises à jour des jeux de données")
    child(feed, "updated", _timestamp(latest))
    child(feed, "link", href=urls.absolute(base_url, urls.FEED), rel="self", type="application/atom+xml")
    child(feed, "link", href=base_url, rel="alternate", type="text/html")
    author = child(feed, "author")
    child(author, "name", title)
    for dataset in dated:
        page = urls.absolute(base_url, urls.dataset_page(dataset.name))
        entry = child(feed, "entry")
        child(entry, "id", page)
        child(entry, "title", dataset.title)
        child(entry, "updated", _timestamp(metadata.modified(dataset) or latest))
        child(entry, "link", href=page, rel="alternate", type="text/html")
        child(
            entry,
            "link",
            href=urls.absolute(base_url, urls.descriptor(dataset.name)),
            rel="enclosure",
            type="application/json",
        )
        publisher = child(entry, "author")
        child(publisher, "name", metadata.publisher_name(dataset))
        summary = str(dataset.get("description") or dataset.title)
        child(entry, "summary", summary[:1000])
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode") + "\n"


def robots_txt(base_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(base_url, 'sitemap.xml')}\n"
