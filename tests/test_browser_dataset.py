"""The dataset page and its about page in a real Chromium (issue 14, items 2 and 9): short enough to
read at a glance, its parts in order, the citation copied by its button, no dead control without
JavaScript, accessible and reflowing at 1280 and 320 px."""

from __future__ import annotations

import json

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations
from tests.portal_fixture import ROOT

REAL_DATASETS = sorted(p.name for p in (ROOT / "datasets").iterdir() if (p / "datapackage.json").exists())
MAX_HEIGHT = 6000  # px at 1280 px: the tallest dataset page was 23,740 px before issue 14


def _clean_visit(browser, url: str, width: int, javascript: bool = True):
    page, response, errors, requests = open_page(browser, url, width=width, javascript=javascript)
    assert response.status == 200, url
    assert errors == [], (url, errors)
    assert [r for r in requests if not r.startswith("http://127.0.0.1")] == [], "a request left 127.0.0.1"
    return page


@pytest.mark.parametrize("name", REAL_DATASETS)
def test_every_dataset_page_of_the_repository_fits_in_a_few_screens(browser, real_site, name):
    page = _clean_visit(browser, real_site + f"jeux/{name}/", 1280)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"jeux/{name}/ is {height} px tall at 1280 px"
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["jeux/barometre-2018/", "jeux/barometre-2018/a-propos/"])
def test_dataset_and_about_pages_are_accessible_and_reflow(browser, real_site, path, width):
    page = _clean_visit(browser, real_site + path, width)
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["jeux/graphiques/", "jeux/graphiques/a-propos/", "jeux/complet/"])
def test_fixture_dataset_pages_are_accessible_and_reflow(browser, fixture_site, path, width):
    page = _clean_visit(browser, fixture_site + path, width)
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    page.context.close()


def test_the_page_reads_in_order_with_a_meaningful_table_of_contents(browser, real_site):
    page = _clean_visit(browser, real_site + "jeux/barometre-2018/", 1280)
    headings = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.id)")
    assert headings == ["citer", "graphiques", "tables", "telecharger", "reutiliser"]
    toc = page.eval_on_selector_all(
        ".md-sidebar--secondary .md-nav__link", "links => links.map(a => a.textContent.trim())"
    )
    for entry in ("Citer ce jeu de données", "Graphiques", "Tables", "Télécharger"):
        assert entry in toc, toc
    # The key facts first, then the description, then the citation: all near the top.
    citation_top = page.locator(".citation-text").bounding_box()["y"]
    assert page.locator("dl.key-facts").bounding_box()["y"] < page.locator(".description").bounding_box()["y"]
    assert citation_top < 1500, citation_top
    # What moved to the about page is not here, and the about page has it.
    text = page.locator("article").inner_text()
    assert "Dictionnaire des données" not in text and "Notes de transcription" not in text
    page.click("text=Sources, méthode, qualité et notes de transcription")
    page.wait_for_load_state()
    assert page.url == real_site + "jeux/barometre-2018/a-propos/"
    about = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.id)")
    assert about == ["sources", "methode", "qualite", "notes"]
    assert page.locator("#notes ~ .notes h3").count() > 0  # the notes' own headings sit below "Notes"
    page.context.close()


def test_the_gallery_shows_each_chart_as_a_thumbnail_linking_to_its_page(browser, real_site):
    page = _clean_visit(browser, real_site + "jeux/barometre-2018/", 1280)
    views = json.loads((ROOT / "datasets" / "barometre-2018" / "datapackage.json").read_text("utf-8"))["views"]
    links = page.locator("ul.chart-gallery a")
    assert links.count() == len(views)
    first = links.first
    assert first.get_attribute("href") == f"graphiques/{views[0]['name']}/"
    image = first.locator("img")
    assert image.get_attribute("src") == f"../../graphiques/barometre-2018/{views[0]['name']}.svg"
    assert len(image.get_attribute("alt")) > 40  # the chart's text alternative
    assert first.inner_text().strip() == views[0]["title"]
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=image.element_handle())
    # Several thumbnails a row on a desktop.
    boxes = [links.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    page.context.close()


def test_each_table_gives_its_rows_its_page_and_its_downloads(browser, real_site):
    page = _clean_visit(browser, real_site + "jeux/observatoire-activite-2019/", 1280)
    tables = page.locator("ul.dataset-tables > li")
    assert tables.count() == 6
    first = tables.first
    assert first.locator("a").first.get_attribute("href") == "tables/activites/"
    assert " lignes" in first.locator(".dataset-table-title").inner_text()
    downloads = first.locator(".table-downloads a")
    assert [downloads.nth(i).inner_text() for i in range(3)] == ["CSV", "CSV pour Excel", "JSON"]
    for i in range(3):
        assert page.request.get(downloads.nth(i).evaluate("a => a.href")).status == 200
    package = page.eval_on_selector_all(".package-downloads a", "links => links.map(a => a.href)")
    assert [link.rsplit("/", 1)[1] for link in package] == ["datapackage.json", "observatoire-activite-2019.zip"]
    page.context.close()


def test_the_copy_button_copies_the_citation_and_says_so(browser, real_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=real_site.rstrip("/"))
    page = context.new_page()
    page.goto(real_site + "jeux/barometre-2018/", wait_until="networkidle")
    button = page.get_by_role("button", name="Copier la citation")
    assert button.is_visible()
    button.click()
    status = page.locator(".citation-text + .copy-bar [role=status]")
    status.filter(has_text="Copié").wait_for(timeout=5000)
    assert status.get_attribute("aria-live") == "polite"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator(".citation-text").inner_text().strip()
    assert copied.startswith("Décider ensemble") and "(2018)" in copied and "version 1.0.0 du 22/11/2026" in copied
    # The BibTeX has its own button, inside a <details> that does not clip it.
    page.locator("details.citation-format summary", has_text="BibTeX").click()
    page.get_by_role("button", name="Copier le BibTeX").click()
    page.locator(".citation-code + .copy-bar [role=status]").first.filter(has_text="Copié").wait_for(timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()").startswith("@misc{barometre2018_2018,")
    region = page.get_by_role("region", name="Citation au format BibTeX")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")  # wrapped, nothing hidden sideways
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Citation au format BibTeX"
    context.close()


def test_without_javascript_no_copy_button_shows(browser, real_site):
    page = _clean_visit(browser, real_site + "jeux/barometre-2018/", 320, javascript=False)
    assert page.locator(".citation-block button, .copy-bar").count() == 0
    assert page.locator(".citation-text").is_visible()
    page.locator("details.citation-format summary", has_text="RIS").click()
    assert page.get_by_role("region", name="Citation au format RIS").inner_text().startswith("TY  - DATA")
    page.context.close()


def test_the_citation_files_download_and_parse(browser, real_site):
    from pybtex.database import parse_string

    page = _clean_visit(browser, real_site + "jeux/barometre-2018/", 1280)
    links = page.eval_on_selector_all(".citation-files a", "links => links.map(a => a.href)")
    assert [link.rsplit("/", 1)[1] for link in links] == [
        "barometre-2018.bib",
        "barometre-2018.ris",
        "barometre-2018.json",
    ]
    bib, ris, csl = (page.request.get(link) for link in links)
    assert all(r.status == 200 for r in (bib, ris, csl))
    [entry] = parse_string(bib.text(), "bibtex").entries.values()
    assert entry.fields["year"] == "2018" and entry.fields["url"] == real_site + "jeux/barometre-2018/"
    assert ris.text().startswith("TY  - DATA\n") and "\nPY  - 2018\n" in ris.text()
    assert json.loads(csl.text())[0]["type"] == "dataset"
    page.context.close()


def test_the_head_keeps_schema_org_and_open_graph(browser, real_site):
    page = _clean_visit(browser, real_site + "jeux/barometre-2018/", 1280)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Dataset" and data["url"] == real_site + "jeux/barometre-2018/"
    assert page.locator('meta[property="og:url"]').get_attribute("content") == real_site + "jeux/barometre-2018/"
    page.context.close()
