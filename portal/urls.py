"""The portal's stable URLs, relative to the site root. Documented in portal/site/docs/reutiliser.md: do not change."""

from __future__ import annotations

import posixpath


def dataset_page(name: str) -> str:
    return f"jeux/{name}/"


def survey_page(name: str) -> str:
    return f"enquetes/{name}/"


def data_folder(name: str) -> str:
    return f"donnees/{name}/"


def resource_csv(name: str, resource: str) -> str:
    return f"donnees/{name}/{resource}.csv"


def resource_excel(name: str, resource: str) -> str:
    return f"donnees/{name}/{resource}-excel.csv"


def resource_json(name: str, resource: str) -> str:
    return f"donnees/{name}/{resource}.json"


def resource_schema(name: str, resource: str) -> str:
    return f"donnees/{name}/{resource}.schema.json"


def descriptor(name: str) -> str:
    return f"donnees/{name}/datapackage.json"


def archive(name: str) -> str:
    return f"donnees/{name}/{name}.zip"


CATALOGUE_TURTLE = "catalog.ttl"
CATALOGUE_JSONLD = "catalog.jsonld"
FEED = "feed.xml"


def chart(name: str, view: str, suffix: str) -> str:
    return f"graphiques/{name}/{view}.{suffix}"


def relative(target: str, page: str) -> str:
    """The link from the page at URL ``page`` (a directory URL ending with /) to ``target``."""
    start = page.rstrip("/") or "."
    link = posixpath.relpath(target, start)
    return link + ("/" if target.endswith("/") and not link.endswith("/") else "")


def absolute(base_url: str, target: str) -> str:
    return base_url.rstrip("/") + "/" + target


# The pages a dataset's page links to (issue 14): one per chart, its embeddable view, one per table.
def chart_page(name: str, view: str) -> str:
    return f"jeux/{name}/graphiques/{view}/"


def chart_embed(name: str, view: str) -> str:
    return chart_page(name, view) + "integrer/"


def table_page(name: str, resource: str) -> str:
    return f"jeux/{name}/tables/{resource}/"


def dataset_about(name: str) -> str:
    """Sources, method, quality and transcription notes: what the dataset page links to, not shows."""
    return f"jeux/{name}/a-propos/"


# The citation of a dataset as files to import (issue 14; their formats: portal.citation.FORMATS).
# In a folder of their own, so that no resource's download (<resource>.json…) can take their name.
def citation_file(name: str, suffix: str) -> str:
    return f"donnees/{name}/citation/{name}.{suffix}"
