"""The catalogue's search in a real Chromium: text (case and accents aside), facets with counts,
the edition's year, sort, pages, the state in the URL (reload, back), complete cards, and the full
paginated list without JavaScript. Over a portal of 60 datasets (two catalogue pages), made of
copies of the fixture package ``complet`` under other names, titles, editions and themes."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.metadata import edition_year
from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations, served_portal
from tests.portal_fixture import build_package

COUNT = 60  # two catalogue pages of 50
TITLES = ("Études de cas n° {:02d}", "Budget participatif n° {:02d}", "Participation citoyenne n° {:02d}")
EDITIONS = ("mai 2018", "2018", "2017-2018", "2019")


def spec(i: int) -> dict:
    """What dataset number ``i`` declares: each trait varies with its own period, so they combine."""
    return {
        "name": f"jeu-{i:02d}",
        "title": TITLES[i % 3].format(i),
        "description": f"Jeu numéro {i}. "
        + ("La démocratie locale à l'épreuve des chiffres." if i % 5 == 0 else "Des chiffres de participation."),
        "theme": ["GOVE"] if i % 2 == 0 else ["SOCI", "TECH"],
        "keywords": ["participation", f"mot {i % 12:02d}"],
        "edition": EDITIONS[(i // 2) % 4],
        "publisher": "Commune d'Exempleville" if i % 3 == 0 else "Département de l'Exemple",
        "modified": (date(2026, 1, 1) + timedelta(days=(i * 37) % 270)).isoformat(),
    }


SPECS = [spec(i) for i in range(COUNT)]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text).lower() if not unicodedata.combining(c))


def write_datasets(target: Path) -> None:
    for s in SPECS:

        def edit(data: dict, s=s) -> None:
            data.update({k: s[k] for k in ("title", "description", "theme", "keywords", "modified")})
            data["contributors"][0]["title"] = s["publisher"]
            data["sources"][0]["edition"] = s["edition"]

        build_package(target / s["name"], "complet", descriptor=edit)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_portal(tmp_path_factory.mktemp("catalogue-60"), write_datasets) as base:
        yield base


def titles(page) -> list[str]:
    return page.locator("#catalogue-results article h2").all_inner_texts()


def status(page) -> str:
    return page.locator(".catalogue-count").inner_text()


def ready(page) -> None:
    page.set_default_timeout(5000)
    page.wait_for_selector("form.catalogue-search:not([hidden])")


THEMES = {"GOVE": "Gouvernement et secteur public", "SOCI": "Population et société", "TECH": "Science et technologie"}


def box(page, facet: str, value: str):
    return page.locator(f'fieldset[data-facet="{facet}"] input[value="{value}"]')


def count_of(page, facet: str, value: str) -> int:
    has = page.locator(f'input[value="{value}"]')
    text = page.locator(f'fieldset[data-facet="{facet}"] li', has=has).inner_text()
    return int(re.search(r"\((\d+)\)", text).group(1))


def expected(*conditions) -> list[str]:
    kept = [s for s in SPECS if all(c(s) for c in conditions)]
    return [s["title"] for s in sorted(kept, key=lambda s: (fold(s["title"]), s["name"]))]


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def says(n: int) -> str:
    return f"{n} jeux de données correspondent" if n > 1 else f"{n} jeu de données correspond"


def test_text_search_ignores_case_and_accents_and_reads_keywords(browser, site):
    page, _, errors, _ = open_page(browser, site + "catalogue/")
    ready(page)
    page.fill("#catalogue-q", "DEMOCRATIE")
    page.press("#catalogue-q", "Enter")
    democracy = expected(lambda s: "démocratie" in s["description"])
    assert len(democracy) == 12
    page.wait_for_function("n => document.querySelectorAll('#catalogue-results article').length === n", arg=12)
    assert titles(page) == democracy and status(page) == says(12)
    assert params(page) == {"recherche": ["DEMOCRATIE"]}
    page.fill("#catalogue-q", "études mot 03")  # two words: both must be found (a title, a keyword)
    page.press("#catalogue-q", "Enter")
    assert titles(page) == expected(lambda s: s["title"].startswith("Études"), lambda s: s["keywords"][1] == "mot 03")
    assert errors == []
    page.context.close()


def test_facets_count_combine_and_group_editions_by_year(browser, site):
    page, _, errors, _ = open_page(browser, site + "catalogue/")
    ready(page)
    in_2018 = [s for s in SPECS if edition_year(s["edition"]) == 2018]
    assert {s["edition"] for s in in_2018} == {"mai 2018", "2018", "2017-2018"}
    in_2019 = [s for s in SPECS if edition_year(s["edition"]) == 2019]
    assert count_of(page, "edition", "2018") == len(in_2018) and count_of(page, "edition", "2019") == len(in_2019)
    assert count_of(page, "theme", THEMES["SOCI"]) == 30
    box(page, "edition", "2018").check()
    assert titles(page) == expected(lambda s: edition_year(s["edition"]) == 2018)
    assert status(page) == says(len(in_2018))
    # The other facets count within the 2018 editions; the edition facet still offers 2019.
    assert count_of(page, "theme", THEMES["SOCI"]) == len([s for s in in_2018 if "SOCI" in s["theme"]])
    assert count_of(page, "edition", "2019") == len(in_2019)
    box(page, "theme", THEMES["SOCI"]).check()
    both = expected(lambda s: edition_year(s["edition"]) == 2018, lambda s: "SOCI" in s["theme"])
    assert titles(page) == both and status(page) == says(len(both))
    publisher = "Commune d'Exempleville"
    assert count_of(page, "editeur", publisher) == len(
        [
            s
            for s in SPECS
            if s["publisher"] == publisher and "SOCI" in s["theme"] and edition_year(s["edition"]) == 2018
        ]
    )
    # Two values of one facet: either will do.
    box(page, "edition", "2019").check()
    assert status(page) == says(30)
    assert sorted(params(page)["edition"]) == ["2018", "2019"] and params(page)["theme"] == [THEMES["SOCI"]]
    assert errors == []
    page.context.close()


def test_a_facet_with_many_values_shows_the_first_and_the_rest_on_demand(browser, site):
    page, _, _, _ = open_page(browser, site + "catalogue/")
    ready(page)
    keywords = page.locator('fieldset[data-facet="mot-cle"] li')
    assert keywords.count() == 13
    more = page.locator('fieldset[data-facet="mot-cle"] button.facet-more')
    assert more.get_attribute("aria-expanded") == "false" and more.inner_text() == "Voir les 5 autres"
    assert len([i for i in range(13) if keywords.nth(i).is_visible()]) == 8
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert all(keywords.nth(i).is_visible() for i in range(13))
    page.context.close()


def test_sort_by_last_update(browser, site):
    page, _, _, _ = open_page(browser, site + "catalogue/")
    ready(page)
    page.select_option("#catalogue-tri", "maj")
    latest = sorted(SPECS, key=lambda s: (s["modified"], [-ord(c) for c in fold(s["title"])]), reverse=True)
    assert titles(page) == [s["title"] for s in latest[:50]]
    assert params(page) == {"tri": ["maj"]}
    assert "page 1 sur 2" in status(page)
    page.context.close()


def test_on_a_phone_the_filters_fold_away_below_the_search(browser, site):
    page, _, _, _ = open_page(browser, site + "catalogue/", 320)
    ready(page)
    assert page.locator("#catalogue-q").is_visible() and not box(page, "edition", "2019").is_visible()
    page.locator("details.catalogue-facets summary").click()
    box(page, "edition", "2019").check()
    assert box(page, "edition", "2019").is_visible() and params(page) == {"edition": ["2019"]}
    page.context.close()


def test_results_are_paginated_across_the_whole_catalogue(browser, site):
    page, _, _, _ = open_page(browser, site + "catalogue/page-2/")
    ready(page)
    box(page, "mot-cle", "participation").check()  # every dataset: 60 results, two pages
    assert urlsplit(page.url).path == "/catalogue/" and status(page) == says(60) + ", page 1 sur 2"
    everything = expected()
    assert titles(page) == everything[:50]
    page.locator("#catalogue nav.pager:visible a", has_text="2").click()
    assert titles(page) == everything[50:] and params(page)["page"] == ["2"]
    assert page.evaluate("document.activeElement.className") == "catalogue-count"
    page.go_back()
    assert titles(page) == everything[:50]
    page.context.close()


def test_the_state_is_in_the_url_restored_on_reload_and_by_back(browser, site):
    link = site + "catalogue/?recherche=d%C3%A9mocratie&edition=2018&tri=maj"
    page, _, errors, _ = open_page(browser, link)
    ready(page)
    restored = [
        s
        for s in sorted(SPECS, key=lambda s: s["modified"], reverse=True)
        if "démocratie" in s["description"] and edition_year(s["edition"]) == 2018
    ]
    assert titles(page) == [s["title"] for s in restored]
    assert page.input_value("#catalogue-q") == "démocratie" and page.input_value("#catalogue-tri") == "maj"
    assert box(page, "edition", "2018").is_checked() and not box(page, "edition", "2019").is_checked()
    box(page, "theme", THEMES["GOVE"]).check()
    narrowed = [s["title"] for s in restored if "GOVE" in s["theme"]]
    assert titles(page) == narrowed and params(page)["theme"] == [THEMES["GOVE"]]
    page.reload(wait_until="networkidle")
    ready(page)
    assert titles(page) == narrowed and box(page, "theme", THEMES["GOVE"]).is_checked()
    page.go_back()
    assert titles(page) == [s["title"] for s in restored] and not box(page, "theme", THEMES["GOVE"]).is_checked()
    assert errors == []
    page.context.close()


def card_texts(page) -> dict[str, str]:
    return dict(
        zip(
            titles(page),
            page.locator("#catalogue-results article").all_inner_texts(),
            strict=True,
        )
    )


def test_filtered_cards_are_the_cards_the_pages_serve(browser, site):
    served = {}
    for path in ("catalogue/", "catalogue/page-2/"):
        page, _, _, _ = open_page(browser, site + path, javascript=False)
        served.update(card_texts(page))
        page.context.close()
    page, _, _, _ = open_page(browser, site + "catalogue/?theme=" + THEMES["SOCI"] + "&tri=maj")
    ready(page)
    filtered = card_texts(page)
    assert len(filtered) == 30
    for title, text in filtered.items():
        assert text == served[title]  # title, publisher, themes, summary, badge, last update, score
        assert re.search(r"mis à jour le \d\d/\d\d/2026 · score \d+/100", text) and "Jeu numéro" in text
    first = page.locator("#catalogue-results article").first
    assert first.locator(".badge").get_attribute("class").startswith("badge badge-")
    assert page.request.get(first.locator("h2 a").get_attribute("href")).status == 200
    page.context.close()


def test_without_javascript_the_full_list_its_pager_and_no_dead_control(browser, site):
    page, _, _, _ = open_page(browser, site + "catalogue/", javascript=False)
    assert titles(page) == expected()[:50]
    assert page.locator("nav.pager a").count() == 2 and page.locator("nav.pager a").nth(1).is_visible()
    assert not page.locator("form.catalogue-search").is_visible()
    assert page.locator("#catalogue input:visible, #catalogue select:visible, #catalogue button:visible").count() == 0
    page.locator("nav.pager a", has_text="2").click()
    assert titles(page) == expected()[50:]
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_catalogue_search_is_accessible_and_reflows(browser, site, width):
    page, response, errors, requests = open_page(browser, site + "catalogue/?edition=2019", width)
    ready(page)
    assert response.status == 200
    # On phones the filters fold away, unless one is in use, as here.
    assert page.evaluate("document.querySelector('details.catalogue-facets').open")
    page.locator('fieldset[data-facet="mot-cle"] button.facet-more').click()
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    assert page.evaluate("document.querySelector('#catalogue').scrollWidth") <= width
    targets = page.locator(
        "#catalogue .facet-values label, #catalogue input[type=search], #catalogue select, #catalogue button, #catalogue nav.pager a"
    )
    small = [
        box["height"]
        for box in (targets.nth(i).bounding_box() for i in range(targets.count()))
        if box and box["height"] < 24
    ]
    assert small == []
    assert errors == []
    assert [url for url in requests if not url.startswith(site)] == []
    page.context.close()


def test_on_the_real_catalogue_2018_finds_the_may_2018_editions(browser, real_site):
    page, _, errors, _ = open_page(browser, real_site + "catalogue/")
    ready(page)
    box(page, "edition", "2018").check()
    found = titles(page)
    root = Path(__file__).resolve().parents[1] / "datasets"
    may = [
        json.loads(p.read_text("utf-8"))["title"]
        for p in sorted(root.glob("*/datapackage.json"))
        if json.loads(p.read_text("utf-8"))["sources"][0].get("edition") == "mai 2018"
    ]
    assert len(may) >= 3 and set(may) <= set(found)
    assert status(page) == says(len(found))
    assert errors == []
    page.context.close()
