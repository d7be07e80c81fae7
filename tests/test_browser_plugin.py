"""A portal of another collectivity, built from nothing but `plugins: - portal`, in a real Chromium.

Its pages get the shared theme, assets and search from the installed package: no console error, no
request leaving the site, no serious axe violation, and reflow at 320 px."""

from __future__ import annotations

import shutil

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations, serving
from tests.portal_fixture import PACKAGES, mkdocs_build

PAGES = ["", "jeux/complet/", "recherche/?q=budget", "page-absente/", "guide/publier-vos-donnees/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collectivite")
    with serving(folder / "site") as base:
        (folder / "docs").mkdir()
        (folder / "mkdocs.yml").write_text(
            f"site_name: Portail de Test-sur-Mer\nsite_url: {base}\ntheme:\n  name: material\nplugins:\n  - portal\n",
            "utf-8",
        )
        shutil.copytree(PACKAGES / "complet", folder / "datasets" / "complet")
        result = mkdocs_build(folder)
        assert result.returncode == 0, result.stderr[-3000:]
        yield base


def page_url(base: str, path: str) -> str:
    return base + path if path != "page-absente/" else base + "404.html"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_a_plugin_only_portal_page_is_accessible_and_self_contained(browser, site, path, width):
    page, response, errors, requests = open_page(browser, page_url(site, path), width=width)
    try:
        assert response.status == 200
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert not errors, errors
        assert all(url.startswith("http://127.0.0.1") for url in requests), requests
        assert serious_violations(page) == []
        if width == 320:
            assert horizontal_overflow(page) == 0
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).display") != "none"
        # portal.css is applied: the header's search form is the portal's own, styled by it.
        assert page.locator("form.portal-search-box").count() == 1
    finally:
        page.context.close()
