"""The table pages' explorer in a real headless Chromium: sort, facets with counts, text search,
pages, the state in the URL, the filtered CSV download, the first rows without JavaScript, and
filtering a 20,000-row table within 500 ms. The long table is generated here (tests/table_fixture.py).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations, served_portal
from tests.portal_fixture import PACKAGES
from tests.table_fixture import HEADER, REGIONS, long_table_package, rows

ROWS = 20_000
PAGE = "jeux/grande-table/tables/lignes/"
DATA = rows(ROWS)
REGION = HEADER.index("region")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    def datasets(target: Path) -> None:
        shutil.copytree(PACKAGES / "complet", target / "complet")
        long_table_package(target / "grande-table", ROWS)

    with served_portal(tmp_path_factory.mktemp("portail-explorateur"), datasets) as base:
        yield base


def explorer(browser, url: str, width: int = 1280):
    page, response, errors, requests = open_page(browser, url, width)
    assert response.status == 200
    page.wait_for_selector(".explorer-controls")
    return page, errors, requests


def status(page) -> int:
    return int(re.sub(r"\D", "", page.locator(".explorer-status").inner_text().split(" sur ")[0]))


def column(page, index: int) -> list[str]:
    return page.locator(f".explorer-table tbody tr td:nth-child({index + 1})").all_inner_texts()


def facet(page, title: str):
    details = page.locator("details.explorer-facet", has=page.locator("summary", has_text=title))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def choice(details, value: str):
    return details.locator("label.explorer-choice").filter(has=details.page.get_by_text(value, exact=True))


def counted(details, value: str) -> str:
    return choice(details, value).locator(".explorer-count").inner_text().strip()


def fr(n: int) -> str:
    return f"({n:,})".replace(",", "\u202f")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def test_first_rows_are_in_the_html_for_readers_without_javascript(browser, site):
    page, response, errors, _ = open_page(browser, site + PAGE, javascript=False)
    region = page.locator("div.table-wrap[role=region]").first
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    assert page.locator(".explorer-table tbody tr").count() == 20
    assert column(page, 0)[:2] == ["L00001", "L00002"]
    assert (
        page.locator(".explorer-table caption").inner_text() == "Les 20 premières lignes sur 20\u202f000 de lignes.csv"
    )
    link = page.get_by_role("link", name=re.compile("Télécharger toute la table"))
    assert link.get_attribute("href") == "../../../../donnees/grande-table/lignes.csv"
    assert page.locator(".explorer-controls, .explorer-pager, .explorer button").count() == 0  # no dead control
    assert page.locator(".explorer[data-src='lignes.json']").count() == 1  # the rows are fetched, not inlined
    assert page.content().count("L00021") == 0
    page.context.close()


def test_sort_by_keyboard_on_a_header_button_announced_by_aria_sort(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    button = page.locator("th[data-column=participants] button")
    button.focus()
    page.keyboard.press("Enter")
    header = page.locator("th[data-column=participants]")
    assert header.get_attribute("aria-sort") == "ascending"
    smallest = sorted(int(r[5]) for r in DATA)[:20]
    assert [int(v.replace("\u202f", "")) for v in column(page, 5)] == smallest
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    largest = sorted((int(r[5]) for r in DATA), reverse=True)[:20]
    assert [int(v.replace("\u202f", "")) for v in column(page, 5)] == largest
    assert "triées par Participants, ordre décroissant" in page.locator(".explorer-table caption").inner_text()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") is None and column(page, 0)[0] == "L00001"
    # Text sorts in French order, accents folded: "Île-de-France" among the I, not after Z.
    page.locator("th[data-column=region] button").click()
    assert column(page, REGION)[0] == "Auvergne-Rhône-Alpes"
    assert errors == []
    page.context.close()


def test_facets_count_the_rows_each_value_would_give(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    titles = page.locator("details.explorer-facet > summary").all_inner_texts()
    assert titles == ["Année", "Région", "Dispositif", "Remarque"]  # not the 20,000 ids nor the numbers
    regions = facet(page, "Région")
    expected = Counter(r[REGION] for r in DATA)
    for region in REGIONS:
        assert counted(regions, region) == fr(expected[region])
    choice(regions, "Bretagne").locator("input").check()
    assert status(page) == expected["Bretagne"]
    # The other facets now count within Bretagne; the region facet still counts every region.
    years = facet(page, "Année")
    in_brittany = Counter(r[1] for r in DATA if r[REGION] == "Bretagne")
    assert counted(years, "2016") == fr(in_brittany["2016"])
    assert counted(regions, "Corse") == fr(expected["Corse"])
    choice(regions, "Corse").locator("input").check()  # two values of one facet: either
    assert status(page) == expected["Bretagne"] + expected["Corse"]
    choice(years, "2016").locator("input").check()  # and another facet: both
    assert status(page) == sum(1 for r in DATA if r[REGION] in {"Bretagne", "Corse"} and r[1] == "2016")
    assert set(column(page, REGION)) <= {"Bretagne", "Corse"} and set(column(page, 1)) == {"2016"}
    assert errors == []
    page.context.close()


def test_text_search_ignores_case_and_accents(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    page.get_by_label("Rechercher dans la table").fill("ile-de")
    page.wait_for_function("() => !document.querySelector('.explorer-status').textContent.startsWith('20')")
    assert status(page) == sum(1 for r in DATA if "ile-de" in fold(" ".join(r)))
    assert set(column(page, REGION)) == {"Île-de-France"}
    page.get_by_label("Rechercher dans la table").fill("aucune ligne ne dit ça")
    page.wait_for_function("() => document.querySelector('.explorer-status').textContent.startsWith('0 ligne')")
    assert page.locator(".explorer-table tbody tr").count() == 0
    assert page.get_by_role("button", name="Télécharger ces lignes (CSV)").is_disabled()
    assert errors == []
    page.context.close()


def test_pages_of_twenty_rows(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    assert page.locator(".explorer-where").inner_text() == "Page 1 sur 1\u202f000"
    assert page.get_by_role("button", name="‹ Précédente").is_disabled()
    page.get_by_role("button", name="Suivante ›").click()
    assert column(page, 0)[0] == "L00021" and len(column(page, 0)) == 20
    assert page.locator(".explorer-table caption").inner_text().startswith("Lignes 21 à 40 sur 20\u202f000")
    page.get_by_role("button", name="Dernière »").click()
    assert column(page, 0)[-1] == "L20000" and page.get_by_role("button", name="Suivante ›").is_disabled()
    assert "page=1000" in page.url
    assert errors == []
    page.context.close()


def test_the_state_is_in_the_url_and_a_shared_link_restores_it(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    choice(facet(page, "Dispositif"), "Pétition").locator("input").check()
    page.get_by_label("Rechercher dans la table").fill("bretagne")
    page.wait_for_function("() => location.search.includes('q=bretagne')")
    page.locator("th[data-column=budget] button").click()
    page.locator("th[data-column=budget] button").click()
    page.get_by_role("button", name="Suivante ›").click()
    shared = page.url
    assert "f.dispositif=P%C3%A9tition" in shared and "tri=budget" in shared and "ordre=desc" in shared
    assert "page=2" in shared
    before = (column(page, 0), page.locator(".explorer-status").inner_text())
    page.context.close()

    page, errors, _ = explorer(browser, shared)  # a reader opening the shared link
    assert (column(page, 0), page.locator(".explorer-status").inner_text()) == before
    assert page.get_by_label("Rechercher dans la table").input_value() == "bretagne"
    assert page.locator("th[data-column=budget]").get_attribute("aria-sort") == "descending"
    assert choice(facet(page, "Dispositif"), "Pétition").locator("input").is_checked()
    assert page.locator(".explorer-where").inner_text().startswith("Page 2 sur")
    assert errors == []
    page.context.close()


def test_the_filtered_rows_download_as_a_csv_for_french_spreadsheets(browser, site, tmp_path):
    page, errors, _ = explorer(browser, site + PAGE)
    choice(facet(page, "Remarque"), '=HYPERLINK("http://exemple.invalid","clic")').locator("input").check()
    choice(facet(page, "Remarque"), "@SUM(A1)").locator("input").check()
    choice(facet(page, "Remarque"), "-12,5").locator("input").check()
    assert status(page) == 3
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger ces lignes (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "lignes-filtre.csv"
    path = tmp_path / "filtre.csv"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # a BOM, so that Excel reads UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[0] == HEADER
    assert [r[0] for r in table[1:]] == ["L00001", "L00002", "L00003"]
    assert table[1][7] == '\'=HYPERLINK("http://exemple.invalid","clic")'  # shown, never run
    assert table[2][7] == "'@SUM(A1)"
    assert table[3][7] == "-12,5"  # a plain number stays a number
    assert table[1][6] == "6,5"  # decimal comma for French spreadsheets
    # The same cells as the site's own Excel CSV, row for row.
    excel = page.request.get(site + "donnees/grande-table/lignes-excel.csv").body().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(excel, newline=""), delimiter=";"))[:4] == table
    assert errors == []
    page.context.close()


def test_filtering_twenty_thousand_rows_answers_within_500_ms(browser, site):
    page, errors, _ = explorer(browser, site + PAGE)
    facet(page, "Région")
    page.locator("th[data-column=commune] button").click()  # sorted as well, by text
    timings = page.evaluate(
        """async () => {
          const boxes = [...document.querySelectorAll('details.explorer-facet input[type=checkbox]')].slice(10, 15);
          const times = [];
          for (const box of boxes) {
            const before = document.querySelector('.explorer-status').textContent;
            const start = performance.now();
            box.click();
            // Until the updated table is painted.
            await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
            if (document.querySelector('.explorer-status').textContent === before) throw new Error('no update');
            times.push(performance.now() - start);
          }
          return times;
        }"""
    )
    assert max(timings) < 500, timings
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_table_page_is_accessible_reflows_and_stays_local(browser, site, width):
    page, errors, requests = explorer(browser, site + PAGE, width)
    facet(page, "Région")  # with a facet open
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    foreign = [url for url in requests if not url.startswith(site) and not url.startswith(("data:", "blob:"))]
    assert foreign == []
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path", ["jeux/barometre-2018/tables/reponses/", "jeux/outils-participation-numerique/tables/outils/"]
)
def test_real_table_pages(browser, real_site, path, width):
    page, errors, requests = explorer(browser, real_site + path, width)
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    assert [url for url in requests if not url.startswith(real_site) and not url.startswith("data:")] == []
    assert errors == []
    page.context.close()
