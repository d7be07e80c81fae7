"""Write the catalogue files for a list of datasets and their downloads."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from portal import urls
from portal.catalog.dcat import CatalogueInfo, catalogue_graph
from portal.catalog.feed import atom_feed, robots_txt
from portal.checks.base import Options
from portal.citation import citation_text
from portal.dataset import Dataset
from portal.downloads import Download, write_downloads
from portal.paths import UnsafePath, inside, shown_name
from portal.tables import TableError
from portal.validate import validate_paths

# When mkdocs.yml says neither (site_description; publisher, an option of the plugin): words true of
# any portal, never those of one portal (the package is shared by every collectivity's portal).
DEFAULT_DESCRIPTION = "Les jeux de données ouverts du portail, vérifiés, documentés et citables."
DEFAULT_PUBLISHER = "L'éditeur du portail"


def write_catalogue(
    out: Path, info: CatalogueInfo, datasets: list[tuple[Dataset, list[Download]]], today: date
) -> None:
    graph = catalogue_graph(info, datasets)
    inside(out, urls.CATALOGUE_TURTLE).write_text(graph.serialize(format="turtle"), "utf-8")
    inside(out, urls.CATALOGUE_JSONLD).write_text(graph.serialize(format="json-ld", indent=1), "utf-8")
    inside(out, urls.FEED).write_text(atom_feed([d for d, _ in datasets], info.base_url, info.title, today), "utf-8")
    inside(out, "robots.txt").write_text(robots_txt(info.base_url), "utf-8")


def mkdocs_settings(config_file: Path) -> dict:
    """The portal's settings in mkdocs.yml, read as plain YAML (its hooks and tags are not needed)."""
    import yaml

    class Lenient(yaml.SafeLoader):
        pass

    Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    if not config_file.is_file():
        return {}
    config = yaml.load(config_file.read_text("utf-8"), Loader=Lenient) or {}
    portal = plugin_options(config.get("plugins"))
    return {
        "base_url": config.get("site_url") or None,
        "title": config.get("site_name"),
        "description": config.get("site_description"),
        "publisher": portal.get("publisher"),
    }


def plugin_options(plugins) -> dict:
    """The options of ``plugins: - portal: {…}`` in mkdocs.yml (a list, or a mapping of names)."""
    items = (
        plugins.items()
        if isinstance(plugins, dict)
        else [next(iter(p.items())) if isinstance(p, dict) and p else (p, None) for p in plugins or []]
    )
    for name, options in items:
        if name == "portal":
            return options if isinstance(options, dict) else {}
    return {}


class CatalogueError(ValueError):
    """The catalogue cannot be exported: the message names the dataset and the fix."""


def export_dcat(datasets_root: Path, base_url: str, fmt: str, settings: dict | None = None) -> str:
    """The DCAT catalogue of the datasets under ``datasets_root``, without building the site."""
    report = validate_paths([datasets_root], Options())
    # A name that cannot be a file or URL name would list addresses the site never serves.
    refused = [p for d in report.datasets for p in d.problems if p.code == "name-unsafe"]
    if refused:
        more = f" (et {len(refused) - 1} autre(s) nom(s) refusé(s))" if len(refused) > 1 else ""
        raise CatalogueError(f"{refused[0].message} {refused[0].fix}{more}")
    listed = []
    with tempfile.TemporaryDirectory() as scratch:
        for dataset_report in report.datasets:
            dataset = dataset_report.dataset
            if not dataset.loaded:
                continue
            page = urls.absolute(base_url, urls.dataset_page(dataset.name))
            try:
                downloads = write_downloads(dataset, Path(scratch), base_url, citation_text(dataset, page))
            except UnsafePath as error:
                raise CatalogueError(f"{shown_name(dataset.name)} : catalogue refusé, {error}.") from None
            except TableError as error:  # a table the build could not publish either: said, not listed
                raise CatalogueError(str(error)) from None
            listed.append((dataset, downloads))
    settings = settings or {}
    info = CatalogueInfo(
        base_url,
        settings.get("title") or "Portail open data",
        settings.get("description") or DEFAULT_DESCRIPTION,
        settings.get("publisher") or settings.get("title") or DEFAULT_PUBLISHER,
    )
    return catalogue_graph(info, listed).serialize(format=fmt)
