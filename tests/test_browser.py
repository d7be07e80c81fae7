"""The built portal in a real headless Chromium (Debian's), driven by Playwright.

One page of each type: no console error, no request leaving localhost, charts visible,
download links answering 200 with the right content type, and axe-core reporting no serious
or critical accessibility violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import open_page, serious_violations

PAGES = [
    "",
    "catalogue/",
    "jeux/graphiques/",
    "enquetes/graphiques/",
    "enquetes/evolution/",
    "qualite/",
    "guide/ouvrir-ses-donnees/",
    "reutiliser/",
    "accessibilite/",
]
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@pytest.fixture(scope="module")
def server(fixture_site):
    return fixture_site


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline_and_accessibly(browser, server, path):
    page, response, errors, requests = open_page(browser, server + path)
    assert response.status == 200
    assert errors == []
    foreign = [url for url in requests if not url.startswith(server) and not url.startswith("data:")]
    assert foreign == [], "requests left localhost"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert serious_violations(page) == []
    page.context.close()


# The dataset page shows thumbnails (tests/test_browser_dataset.py); the survey page the figures.
def test_charts_are_visible_and_become_interactive(browser, server):
    page, _, errors, _ = open_page(browser, server + "enquetes/graphiques/")
    figures = page.locator("figure.portal-chart")
    assert figures.count() == 8
    # Static until asked: no runtime downloaded, then one button makes its chart interactive.
    assert page.locator("figure.portal-chart .portal-chart-interactive").count() == 0
    page.get_by_role("button", name="Rendre interactif : Les répondants en 2018", exact=True).click()
    page.wait_for_selector("figure.portal-chart .portal-chart-interactive svg", timeout=15000)
    for index in range(figures.count()):
        box = figures.nth(index).bounding_box()
        assert box and box["height"] > 100
    # The interactive view keeps the text alternative as its accessible name.
    label = page.locator("figure.portal-chart .portal-chart-interactive svg").first.get_attribute("aria-label")
    assert label.startswith("Diagramme en barres horizontales")
    assert errors == []
    page.context.close()


def test_charts_read_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "enquetes/graphiques/")
    image = page.locator("figure.portal-chart img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=image.element_handle())
    assert image.get_attribute("alt").startswith("Diagramme en barres horizontales : Les répondants en 2018.")
    assert page.locator("figure.portal-chart details table caption").count() == 8
    context.close()


def test_download_links_answer_with_the_right_content_type(browser, server):
    page, _, _, _ = open_page(browser, server + "jeux/graphiques/")
    links = page.eval_on_selector_all(".table-downloads a, .package-downloads a", "links => links.map(a => a.href)")
    assert len(links) == 2 * 3 + 2
    page.goto(server + "enquetes/graphiques/")
    links += page.eval_on_selector_all(".chart-links a[download]", "links => links.map(a => a.href)")
    assert len(links) >= 2 * 3 + 2 + 8 * 4
    for link in links:
        response = page.request.get(link)
        suffix = ".vl.json" if link.endswith(".vl.json") else Path(link).suffix
        assert response.status == 200, link
        assert response.headers["content-type"].startswith(
            CONTENT_TYPES[".json" if suffix == ".vl.json" else suffix]
        ), link
    page.context.close()


def test_catalogue_filters_with_javascript(browser, server):
    page, _, errors, _ = open_page(browser, server + "catalogue/")
    form = page.locator("form.catalogue-search")
    form.wait_for(state="visible")
    page.check('fieldset[data-facet="mot-cle"] input[value="test"]')
    assert page.locator("#catalogue-results article").count() == 1
    assert "1 jeu de données correspond" in page.locator(".catalogue-count").inner_text()
    assert errors == []
    page.context.close()
