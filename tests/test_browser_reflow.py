"""Phones, tables, the home page and the évolution page, in a real Chromium (issue 14, items 7, 8, 10).

Every page of both built portals, found in their sitemap, must reflow at 320 px (WCAG 1.4.10);
one page of each type also gets axe-core and the touch-target check (WCAG 2.5.8). One browser
context per width, reused for every page, keeps the run short.
"""

from __future__ import annotations

import re
import urllib.request
from xml.etree import ElementTree

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations

# Pages the issue names: always checked whole, even when a type holds several pages.
ALWAYS = ("", "catalogue/", "qualite/", "enquetes/evolution/")

# Table cells squeezed until they hold fewer than 3 characters a line (the quality page's titles
# broke one letter per line): a table that is too wide must scroll in its region instead.
SQUEEZED_CELLS = """() => [...document.querySelectorAll('.md-content table td, .md-content table th')]
  .filter(c => c.checkVisibility() && c.innerText.trim().length > 8)
  .map(c => {
    const range = document.createRange();
    range.selectNodeContents(c);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom))).size;
    return [c.innerText.trim().slice(0, 40), c.innerText.trim().length / Math.max(lines, 1)];
  })
  .filter(([, perLine]) => perLine < 3)"""

# WCAG 2.5.8: a target is 24 × 24 px, or a 24-px circle centred on it meets no other target
# (nor another small target's circle). Links inside a sentence are exempt (inline), so links in
# paragraphs are left out; links in tables and lists, pager links, selects, buttons are in.
SMALL_TARGETS = """() => {
  const root = document.querySelector('.md-content') || document.body;
  const items = [...root.querySelectorAll('a[href], button, select, input:not([type=hidden]), summary')]
    .filter(e => e.checkVisibility() && !e.closest('p, pre, .md-clipboard'))
    .map(e => { const r = e.getBoundingClientRect(); return {e, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; })
    .filter(i => i.w > 0 && i.h > 0);
  const small = i => i.w < 24 || i.h < 24;
  const cx = i => i.x + i.w / 2, cy = i => i.y + i.h / 2;
  const toBox = (px, py, b) => Math.hypot(Math.max(b.x - px, 0, px - b.x - b.w), Math.max(b.y - py, 0, py - b.y - b.h));
  const failures = [];
  for (const a of items.filter(small)) {
    const near = items.find(b => b !== a && !a.e.contains(b.e) && !b.e.contains(a.e)
      && (small(b) ? Math.hypot(cx(a) - cx(b), cy(a) - cy(b)) < 24 : toBox(cx(a), cy(a), b) < 12));
    if (near) failures.push([a.e.tagName, (a.e.innerText || a.e.getAttribute('aria-label') || '').trim().slice(0, 30),
      Math.round(a.w), Math.round(a.h), (near.e.innerText || '').trim().slice(0, 30)]);
  }
  return failures;
}"""


def site_pages(base: str) -> list[str]:
    """Every page of a built portal, as paths relative to its base, from its sitemap."""
    with urllib.request.urlopen(base + "sitemap.xml") as response:
        tree = ElementTree.fromstring(response.read())
    locations = [element.text or "" for element in tree.iter() if element.tag.endswith("loc")]
    pages = sorted({loc.removeprefix(base) for loc in locations if loc.startswith(base)})
    assert len(pages) >= 10, pages
    return pages


def page_type(path: str) -> tuple:
    """home, catalogue, a dataset, a chart page, a table page, a survey, a docs page…: one of each."""
    if path in ALWAYS:
        return (path,)
    parts = [p for p in path.split("/") if p]
    return (parts[0], len(parts), parts[2] if len(parts) > 2 else None)


def representatives(pages: list[str]) -> list[str]:
    chosen: dict[tuple, str] = {}
    for path in pages:
        chosen.setdefault(page_type(path), path)
    return sorted(chosen.values())


@pytest.fixture(scope="module")
def phone(browser):
    """One 320-px context for every page of the module (a new page per site, the same context)."""
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("site", ["real_site", "fixture_site"])
def test_every_page_reflows_at_320_px(request, phone, site):
    base = request.getfixturevalue(site)
    pages = site_pages(base)
    types = {page_type(p) for p in pages}
    assert {("",), ("catalogue/",), ("qualite/",), ("enquetes/evolution/",)} <= types
    assert {("jeux", 2, None), ("enquetes", 2, None), ("reference", 2, None), ("guide", 2, None)} <= types
    overflowing, squeezed = {}, {}
    for path in pages:
        response = phone.goto(base + path, wait_until="load")
        assert response.ok, path
        if overflow := horizontal_overflow(phone):
            overflowing[path] = overflow
        if cells := phone.evaluate(SQUEEZED_CELLS):
            squeezed[path] = cells[:3]
    assert not overflowing, f"pages wider than 320 px (px of sideways scroll): {overflowing}"
    assert not squeezed, f"table cells squeezed below 3 characters a line: {squeezed}"


@pytest.mark.parametrize("site", ["real_site", "fixture_site"])
def test_one_page_of_each_type_at_320_px_is_accessible_with_large_enough_targets(request, phone, site):
    base = request.getfixturevalue(site)
    failures = {}
    for path in representatives(site_pages(base)):
        phone.goto(base + path, wait_until="networkidle")
        if small := phone.evaluate(SMALL_TARGETS):
            failures[f"{path} targets"] = small[:4]
        if violations := serious_violations(phone):
            failures[f"{path} axe"] = violations
    assert not failures, failures


def test_one_page_of_each_type_at_1280_px_is_accessible(browser, real_site):
    # The same representatives at a desktop's width: axe finds no serious or critical violation.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    failures = {}
    for path in representatives(site_pages(real_site)):
        desktop.goto(real_site + path, wait_until="networkidle")
        if violations := serious_violations(desktop):
            failures[path] = violations
    context.close()
    assert not failures, failures


def test_the_quality_table_scrolls_in_a_labelled_focusable_region_instead_of_squeezing(browser, real_site):
    heights = {}
    for width in WIDTHS:
        page, _, errors, _ = open_page(browser, real_site + "qualite/", width)
        heights[width] = page.evaluate("document.documentElement.scrollHeight")
        if width == 320:
            region = page.locator(".table-wrap").first
            assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
            caption = region.locator("caption").inner_text()
            assert region.get_attribute("aria-label") == caption and caption
            assert region.evaluate("e => e.scrollWidth > e.clientWidth + 50")  # it scrolls, inside
            assert horizontal_overflow(page) == 0  # and the page does not
            page.keyboard.press("Tab")  # keyboard modality, then the region takes the focus
            region.focus()
            outline = region.evaluate(
                "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
            )
            assert outline[0] != "none" and outline[1] >= 2, outline
        assert not errors
        page.context.close()
    assert heights[320] < 2.5 * heights[1280], heights


def _styles(page, selector: str, prop: str) -> list[str]:
    return page.eval_on_selector_all(selector, f"els => els.map(e => getComputedStyle(e).{prop})")


def test_tables_look_like_the_theme_numbers_right_aligned_in_french_years_as_years(browser, fixture_site):
    # A table's page shows its first rows in the HTML (without JavaScript as with it).
    page, _, errors, _ = open_page(browser, fixture_site + "jeux/complet/tables/participation/", javascript=False)
    first = page.locator("table.explorer-table")
    assert set(_styles(page, "table.explorer-table thead th:not(.num)", "textAlign")) <= {"left", "start"}
    assert first.locator("tbody tr").first.locator("td").all_inner_texts() == [
        "2024",
        "Budget participatif",
        "1\u202f250",
        "150\u202f000",
    ]
    assert set(_styles(page, "table.explorer-table td.num", "textAlign")) == {"right"}
    assert _styles(page, "table.dictionary", "borderTopStyle") == ["solid"]  # framed as the theme's tables
    page.context.close()
    # A chart's data table, on the chart's page.
    page, _, errors2, _ = open_page(browser, fixture_site + "jeux/graphiques/graphiques/type-groupes/")
    table = page.locator("#donnees ~ .table-wrap table").first
    cells = table.locator("tbody td").all_inner_texts()
    assert {"2017", "2018"} <= set(cells) and not [c for c in cells if c in ("2\u202f017", "2\u202f018")]
    assert set(table.locator("td.num").evaluate_all("els => els.map(e => getComputedStyle(e).textAlign)")) == {"right"}
    page.context.close()
    assert not errors and not errors2


def test_markdown_in_field_descriptions_is_rendered_not_shown_raw(browser, real_site):
    import re
    import urllib.request

    dataset = urllib.request.urlopen(real_site + "jeux/barometre-2017/").read().decode()
    tables = sorted(set(re.findall(r'<a href="tables/([a-z0-9._-]+)/"', dataset)))
    assert tables
    cells, code = [], 0
    for name in tables:
        page, _, errors, _ = open_page(browser, f"{real_site}jeux/barometre-2017/tables/{name}/")
        cells += page.locator("table.dictionary td").all_inner_texts()
        code += page.locator("table.dictionary td code").count()
        page.context.close()
        assert not errors
    assert cells and not [c for c in cells if "`" in c]
    assert code > 5


@pytest.mark.parametrize("width", WIDTHS)
def test_home_key_figures_are_tiles_and_featured_charts_link_to_their_pages(browser, real_site, width):
    page, _, errors, requests = open_page(browser, real_site, width)
    tiles = page.locator("ul.key-figures > li")
    assert tiles.count() == 5
    assert _styles(page, "ul.key-figures", "display") == ["grid"]
    assert set(_styles(page, "ul.key-figures > li", "listStyleType")) == {"none"}
    big, label = (
        float(page.locator(f"ul.key-figures {s}").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        for s in (".figure", ".figure-label")
    )
    assert big >= 1.5 * label
    boxes = [tiles.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"]  # side by side, even at 320 px
    cards = page.locator("ul.featured-charts > li")
    assert cards.count() == 3
    for i in range(3):
        card = cards.nth(i)
        image, link = card.locator("img"), card.locator("a")
        assert len(image.get_attribute("alt") or "") > 20
        assert re.fullmatch(r"jeux/[a-z0-9-]+/graphiques/[a-z0-9-]+/", link.get_attribute("href")), link.get_attribute(
            "href"
        )
        assert image.evaluate("e => e.complete && e.naturalWidth > 0")
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    assert not errors and all(r.startswith("http://127.0.0.1") for r in requests)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_evolution_charts_what_is_comparable_with_alt_text_and_data_table(browser, fixture_site, width):
    page, _, errors, requests = open_page(browser, fixture_site + "enquetes/evolution/", width)
    figures = page.locator("figure.portal-chart")
    assert figures.count() == 2
    image = figures.first.locator("img")
    assert image.evaluate("e => e.complete && e.naturalWidth > 0")
    assert (image.get_attribute("alt") or "").startswith("Diagramme en barres groupées")
    table = page.locator("table", has=page.locator("caption", has_text="Données du graphique : Type de collectivité"))
    assert table.locator("tbody tr").count() == 6
    assert "66,3\u202f%" in table.inner_text()  # as published, French format, not recomputed
    assert page.locator(".comparison-verdict.not-comparable").count() == 0
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    assert not errors and all(r.startswith("http://127.0.0.1") for r in requests)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_evolution_says_plainly_why_the_barometers_do_not_compare(browser, real_site, width):
    page, _, errors, _ = open_page(browser, real_site + "enquetes/evolution/", width)
    verdicts = page.locator(".comparison-verdict.not-comparable")
    assert verdicts.count() == page.locator("h2").count() and verdicts.count() >= 5
    text = page.locator("#les-repondants ~ .comparison-verdict").first.inner_text()
    assert "Unités différentes" in text and "effectifs" in text and "pourcentages" in text
    assert page.locator("figure.portal-chart").count() == 0
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    assert not errors
    page.context.close()
