"""Chart pages, embed pages and the static charts, in a real Chromium (issue 14, items 3, 7, 8, 11).

A chart page shows the chart, its data, sources, downloads, permalink, citation and embed code; the
embed page holds the chart alone. Charts are static SVG: the Vega runtime is fetched only when a
reader asks for interaction. On a 375-px phone, chart text is drawn at 11 px or more.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations

CHART = "jeux/graphiques/graphiques/type-2018/"
CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv", "json": "application/json"}
# The smallest drawn text, in CSS px, of every chart image of the page (font size × displayed/natural scale).
SMALLEST_TEXT = """async () => {
  const images = [...document.querySelectorAll('figure.portal-chart img')];
  const sizes = [];
  for (const img of images) {
    img.scrollIntoView();
    await img.decode().catch(() => {});
    const svg = await (await fetch(img.currentSrc)).text();
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const scale = img.getBoundingClientRect().width / img.naturalWidth;
    const fonts = [...doc.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')));
    sizes.push({src: img.currentSrc, smallest: Math.min(...fonts) * scale, scale});
  }
  return sizes;
}"""


def foreign(requests: list[str], base: str) -> list[str]:
    return [url for url in requests if not url.startswith(base) and not url.startswith("data:")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [CHART, CHART + "integrer/", "jeux/graphiques/graphiques/brut/"])
def test_chart_and_embed_pages_load_cleanly(browser, fixture_site, path, width):
    page, response, errors, requests = open_page(browser, fixture_site + path, width=width)
    assert response.status == 200
    assert errors == []
    assert foreign(requests, fixture_site) == []
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    assert serious_violations(page) == []
    if width == 320:
        assert horizontal_overflow(page) == 0
    page.context.close()


def test_chart_page_has_its_parts(browser, fixture_site):
    page, _, _, _ = open_page(browser, fixture_site + CHART)
    assert page.locator("h1").inner_text().startswith("Les répondants en 2018")
    figure = page.locator("figure.portal-chart img")
    assert figure.get_attribute("alt").startswith("Diagramme en barres horizontales")
    # The data table: only the charted fields, the value in French.
    headers = page.locator("#donnees ~ .table-wrap th").all_inner_texts()
    assert headers == ["reponse", "valeur"]
    assert page.locator("#donnees ~ .table-wrap td").nth(1).inner_text() == "71\u202f%"
    assert "Enquête fictive" in page.locator("#sources ~ ul").first.inner_text()
    assert "70 répondants" in page.locator("#sources ~ dl").first.inner_text()
    permalink = page.locator("#lien-permanent").input_value()
    assert permalink == fixture_site + CHART
    embed = page.locator("#code-integration").input_value()
    assert embed.startswith(f'<iframe src="{fixture_site}{CHART}integrer/"')
    assert fixture_site + CHART in page.locator(".citation-text").inner_text()
    back = page.locator(".chart-back a").get_attribute("href")
    assert page.evaluate("href => new URL(href, location.href).href", back) == fixture_site + "jeux/graphiques/"
    # Copy buttons, added by copy.js, put the link on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copier le lien permanent").click()
    assert page.evaluate("navigator.clipboard.readText()") == permalink
    page.context.close()


def test_downloads_answer_with_their_type_and_portal_unique_names(browser, real_site):
    page, _, _, _ = open_page(browser, real_site + "jeux/barometre-2018/graphiques/type-collectivite/")
    links = page.eval_on_selector_all(
        ".chart-downloads a", "links => links.map(a => [a.href, a.getAttribute('download')])"
    )
    assert [name for _, name in links] == [
        "barometre-2018--type-collectivite.png",
        "barometre-2018--type-collectivite.svg",
        "barometre-2018--type-collectivite.csv",
        "barometre-2018--type-collectivite.vl.json",
    ]
    for href, name in links:
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith(CONTENT_TYPES[name.rsplit(".", 1)[1]]), href
    page.context.close()


def test_every_download_name_is_unique_across_the_real_site(real_site):
    # Every chart page names its downloads: one name, one file, across the portal.
    import urllib.request

    seen: dict[str, str] = {}
    index = urllib.request.urlopen(real_site + "catalogue/").read().decode()
    datasets = sorted(set(re.findall(r'href="\.\./jeux/([a-z0-9._-]+)/"', index)))
    assert "barometre-2017" in datasets and "barometre-2018" in datasets
    for name in datasets:
        dataset = urllib.request.urlopen(f"{real_site}jeux/{name}/").read().decode()
        # The dataset page's gallery links to each chart's page, which names its downloads.
        for view in sorted(set(re.findall(r'<a href="graphiques/([a-z0-9._-]+)/"', dataset))):
            html = urllib.request.urlopen(f"{real_site}jeux/{name}/graphiques/{view}/").read().decode()
            for href, download in re.findall(r'<a href="([^"]+)" download="([^"]+)"', html):
                target = href.split("graphiques/", 1)[-1]
                assert seen.setdefault(download, target) == target, f"{download}: {seen[download]} and {target}"
    assert "barometre-2017--type-collectivite.png" in seen and "barometre-2018--type-collectivite.png" in seen


def test_embed_page_holds_the_chart_alone(browser, fixture_site):
    page, _, errors, requests = open_page(browser, fixture_site + CHART + "integrer/")
    assert page.locator("header, nav, .md-header").count() == 0
    assert page.locator("img").get_attribute("alt").startswith("Diagramme en barres horizontales")
    caption = page.locator("figcaption").inner_text()
    assert "Source : Enquête fictive, 2018" in caption and "Licence Ouverte" in caption
    back = page.locator("figcaption a", has_text="Données et téléchargements").get_attribute("href")
    assert page.evaluate("href => new URL(href, location.href).href", back) == fixture_site + CHART
    assert not any("vega-bundle" in url or "stylesheets" in url for url in requests)
    page.context.close()


def test_a_page_of_charts_downloads_no_runtime_until_asked(browser, fixture_site):
    page, _, errors, requests = open_page(browser, fixture_site + "enquetes/graphiques/")
    figures = page.locator("figure.portal-chart")
    assert figures.count() == 8
    assert not [url for url in requests if "vega-bundle" in url]
    assert page.locator("figure.portal-chart .portal-chart-interactive").count() == 0
    buttons = page.get_by_role("button", name=re.compile("^Rendre interactif"))
    assert buttons.count() == 8
    buttons.first.click()
    page.wait_for_selector("figure.portal-chart .portal-chart-interactive svg", timeout=15000)
    assert [url for url in requests if url.endswith("vega-bundle.js")] == [
        fixture_site + "assets/vendor/vega-bundle.js"
    ]
    svg = page.locator("figure.portal-chart .portal-chart-interactive svg").first
    assert svg.get_attribute("aria-label").startswith("Diagramme en barres horizontales")
    assert page.locator("figure.portal-chart img").count() == 7  # the others stay static
    assert errors == []
    page.context.close()


def test_without_javascript_no_dead_control(browser, fixture_site):
    page, _, _, requests = open_page(browser, fixture_site + CHART, javascript=False)
    assert page.locator(".chart-interactive-button, .copy-button").count() == 0
    assert page.locator("figure.portal-chart img").count() == 1
    assert not [url for url in requests if "vega-bundle" in url]
    page.context.close()


@pytest.mark.parametrize("path", ["enquetes/graphiques/", CHART])
def test_chart_text_is_at_least_11_px_on_a_375_px_phone(browser, fixture_site, path):
    page, _, _, _ = open_page(browser, fixture_site + path, width=375)
    sizes = page.evaluate(SMALLEST_TEXT)
    assert sizes and all(s["src"].endswith(".narrow.svg") for s in sizes), sizes
    assert min(s["smallest"] for s in sizes) >= 11, sizes
    assert horizontal_overflow(page) == 0
    page.context.close()


def test_real_chart_text_is_at_least_11_px_on_a_375_px_phone(browser, real_site):
    import urllib.request

    # Every chart of the barometer 2018, on its own page, as a phone shows it.
    dataset = urllib.request.urlopen(real_site + "jeux/barometre-2018/").read().decode()
    views = sorted(set(re.findall(r'<a href="graphiques/([a-z0-9._-]+)/"', dataset)))
    assert len(views) == 14
    sizes = []
    for view in views:
        page, _, _, _ = open_page(browser, f"{real_site}jeux/barometre-2018/graphiques/{view}/", width=375)
        sizes += page.evaluate(SMALLEST_TEXT)
        assert horizontal_overflow(page) == 0, view
        page.context.close()
    assert len(sizes) == 14
    assert min(s["smallest"] for s in sizes) >= 11, sizes


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    ["jeux/barometre-2018/graphiques/type-collectivite/", "jeux/barometre-2018/graphiques/type-collectivite/integrer/"],
)
def test_real_chart_and_embed_pages(browser, real_site, path, width, tmp_path):
    page, response, errors, requests = open_page(browser, real_site + path, width=width)
    assert response.status == 200 and errors == []
    assert foreign(requests, real_site) == []
    assert serious_violations(page) == []
    if width == 320:
        assert horizontal_overflow(page) == 0
    page.context.close()
