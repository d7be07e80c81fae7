"""The issue's "done when", walked in real Chromium on the portal built from this repository's datasets.

- A journalist reaches a chart, its data, its PNG and its citation in three clicks from the home
  page, on a chart page that fits in a few screens.
- A citizen does the same on a 320-px phone: no page on the way scrolls sideways.
- A researcher filters a table, shares the link, and whoever opens it sees the same rows.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import horizontal_overflow, open_page

A_FEW_SCREENS = 4  # screens of 900 px: a chart page holds its chart, data, downloads and citation


def click(page, locator) -> None:
    with page.expect_navigation(wait_until="networkidle"):
        locator.click()


@pytest.mark.parametrize("width", [1280, 320])
def test_three_clicks_from_home_to_a_chart_its_data_png_and_citation(browser, real_site, width):
    page, _, errors, requests = open_page(browser, real_site, width)
    seen = [horizontal_overflow(page)]
    # 1. the home page's link to the catalogue (in the text, so a phone reaches it without the menu)
    click(page, page.locator("article a[href$='catalogue/']").first)
    seen.append(horizontal_overflow(page))
    # 2. a dataset's card
    click(page, page.locator("article.card h2 a", has_text="2018").first)
    assert "/jeux/" in page.url
    seen.append(horizontal_overflow(page))
    # 3. a chart of its gallery
    click(page, page.locator("ul.chart-gallery a").first)
    assert re.search(r"/jeux/[^/]+/graphiques/[^/]+/$", page.url), page.url
    seen.append(horizontal_overflow(page))
    assert seen == [0, 0, 0, 0], seen

    chart = page.locator("figure.portal-chart img").first
    assert chart.is_visible() and len(chart.get_attribute("alt")) > 40
    assert page.locator("#donnees ~ .table-wrap table tbody tr").count() > 0
    png = page.locator("a[download$='.png']").first
    assert png.is_visible()
    response = page.request.get(png.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    citation = page.locator(".citation-text").first.inner_text()
    assert "2018" in citation and page.url in citation
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= A_FEW_SCREENS * 900 * (2 if width < 400 else 1), height
    assert errors == []
    assert [url for url in requests if not url.startswith(real_site)] == []
    page.context.close()


def test_a_filtered_table_is_shared_by_its_link(browser, real_site):
    page, _, errors, _ = open_page(browser, real_site + "jeux/outils-participation-numerique/tables/outils/")
    page.wait_for_selector(".explorer-controls")
    before = page.locator(".explorer-status").inner_text()
    page.locator(".explorer-search input").fill("budget")
    page.wait_for_function("before => document.querySelector('.explorer-status').innerText !== before", arg=before)
    shown = page.locator(".explorer-table tbody tr").all_inner_texts()
    link = page.url
    assert "budget" in link and shown and all("budget" in row.lower() for row in shown)
    page.context.close()

    shared, _, errors2, _ = open_page(browser, link)
    shared.wait_for_selector(".explorer-controls")
    assert shared.locator(".explorer-search input").input_value() == "budget"
    assert shared.locator(".explorer-table tbody tr").all_inner_texts() == shown
    shared.context.close()
    assert errors == [] and errors2 == []
