"""From the wheel to a collectivity's portal, as a user would: no checkout, no editable install.

The wheel is built from this tree and installed with its ``docs`` extra in a fresh virtual
environment (dependencies from the package registries, or the pip cache). Then, in an empty folder:
``portal init``, ``portal new`` from a messy spreadsheet export, ``mkdocs build --strict``, and the
built site is read (its home, the dataset's page, no observatory content, nothing from another host)
and visited in Chromium. Slow (a virtual environment and its installs): one test, one module fixture.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "tests" / "fixtures" / "exports" / "Subventions 2018.csv"
TEMPLATE = ROOT / "portal" / "init" / "template"
# The observatory's own words and dataset names; « baromètre » alone is a kind of survey any portal may publish.
OBSERVATORY = re.compile(
    r"observatoire des civic tech|décider ensemble|barom[eè]tres? de la démocratie locale|barometre-\d{4}",
    re.IGNORECASE,
)
NAME = "Données ouvertes de Poitiers"


def run(command: list, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


# Not copied: what a checkout accumulates. At the top only (portal/site/ is a package, site/ a build).
TOP_LEVEL = {".git", ".venv", "node_modules", "site", "site.en-cours", "site.precedent", ".cache", "build", ".ckan"}
ANYWHERE = shutil.ignore_patterns("*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache")


def _not_sources(folder: str, names: list[str]) -> set[str]:
    return ANYWHERE(folder, names) | (TOP_LEVEL & set(names) if Path(folder) == ROOT else set())


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh virtual environment where the wheel is installed, not editable."""
    work = tmp_path_factory.mktemp("installation")
    # The wheel from a copy of the tree: an in-tree build would leave build/ behind in the checkout.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_not_sources)
    started = time.monotonic()
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(work / "dist")], work)
    [wheel] = (work / "dist").glob("portal-*.whl")
    run([sys.executable, "-m", "venv", str(work / "venv")], work)
    bin_dir = work / "venv" / "bin"
    run([str(bin_dir / "python"), "-m", "pip", "install", "-q", f"{wheel}[docs]"], work)
    print(f"\nwheel + virtual environment + install: {time.monotonic() - started:.0f} s")
    return bin_dir


def test_from_the_wheel_to_a_collectivity_portal(installed, tmp_path, browser):
    from tests.browser_support import open_page, serving

    started = time.monotonic()
    # Installed, not from the checkout: the package and its template come from site-packages.
    where = run([str(installed / "python"), "-c", "import portal.init as i; print(i.TEMPLATE)"], tmp_path).stdout
    template = Path(where.strip())
    assert "site-packages" in template.parts and ROOT not in template.parents
    shipped = sorted(p.relative_to(template).as_posix() for p in template.rglob("*") if p.is_file())
    assert shipped == sorted(p.relative_to(TEMPLATE).as_posix() for p in TEMPLATE.rglob("*") if p.is_file())

    portal, mkdocs = str(installed / "portal"), str(installed / "mkdocs")
    folder = tmp_path / "portail"
    with serving(folder / "site") as base:
        run([portal, "init", str(folder), "--name", NAME, "--url", base, "--publisher", "Ville de Poitiers"], tmp_path)
        run([mkdocs, "build", "--strict"], folder)  # right after init: an empty catalogue builds
        assert NAME in (folder / "site" / "index.html").read_text("utf-8")

        new = run([portal, "new", "subventions-2018", "--from", str(EXPORT), "--schema", "scdl/subventions",
                   "--frequency", "annual"], folder)  # fmt: skip
        assert "Ce qui reste à faire" in new.stdout
        run([portal, "validate", "--format", "github"], folder)
        run([mkdocs, "build", "--strict"], folder)
        site = folder / "site"

        home = (site / "index.html").read_text("utf-8")
        assert NAME in home
        page = (site / "jeux" / "subventions-2018" / "index.html").read_text("utf-8")
        assert "Subventions 2018" in page and "Ville de Poitiers" in page
        assert (site / "jeux" / "subventions-2018").is_dir()

        texts = [p for p in site.rglob("*") if p.suffix in {".html", ".xml", ".json", ".jsonld", ".ttl", ".txt"}]
        assert not [p.relative_to(site).as_posix() for p in texts if OBSERVATORY.search(p.read_text("utf-8"))]

        foreign = {
            f"{p.relative_to(site).as_posix()}: {url}"
            for p in site.rglob("*.html")
            for url in loaded_urls(p.read_text("utf-8"), urljoin(base, p.relative_to(site).as_posix()))
            if urlsplit(url).hostname not in {None, "127.0.0.1"}
        }
        assert not foreign, sorted(foreign)[:10]

        for url in (base, f"{base}jeux/subventions-2018/"):
            view, response, errors, requests = open_page(browser, url)
            try:
                assert response.status == 200 and not errors, errors
                assert all(urlsplit(r).hostname == "127.0.0.1" for r in requests if r.startswith("http")), requests
            finally:
                view.context.close()
    print(f"\ninit + new + two builds + checks: {time.monotonic() - started:.0f} s")


LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
           "embed": "src", "object": "data", "link": "href"}  # fmt: skip


class _Loaded(HTMLParser):
    """What a browser loads by itself from a page: scripts, styles, images, frames (not the links one follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(
            (attributes.get("rel") or "").split()
        ):
            return  # canonical, alternate…: addresses, not loads
        if (url := attributes.get(LOADING.get(tag, ""))) is not None:
            self.urls.append(url)
        if tag in {"img", "source"} and attributes.get("srcset"):
            self.urls += [part.split()[0] for part in attributes["srcset"].split(",") if part.strip()]


def loaded_urls(text: str, page_url: str) -> list[str]:
    parser = _Loaded()
    parser.feed(text)
    return [urljoin(page_url, url) for url in parser.urls]
