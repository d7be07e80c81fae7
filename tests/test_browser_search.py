"""The search (Pagefind) and the 404, in real Chromium, on a portal served under a sub-path as on
GitHub Pages (https://…github.io/portail/): unknown addresses get the site's 404.html, status 404.

A page downloads nothing of the search until someone searches; a query returns links with a title
and an excerpt, stems French words, reaches dataset, survey and documentation pages but not the
navigation; the page is usable from the keyboard and accessible at 1280 and 320 px. A large index
is split: a query fetches a few small chunks of it.
"""

from __future__ import annotations

import re
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.site.search import index_site
from tests.browser_support import WIDTHS, QuietHandler, horizontal_overflow, open_page, serious_violations, serving
from tests.portal_fixture import make_portal, mkdocs_build

PREFIX = "/portail/"


class SubPathHandler(QuietHandler):
    """The site at PREFIX, and its 404.html (status 404) for any other address, as GitHub Pages does."""

    def translate_path(self, path):
        if not urlsplit(path).path.startswith(PREFIX):
            return str(Path(self.directory) / "\0absent")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """(base URL with its /portail/ path, site folder) of the fixture portal built for that address."""
    folder = tmp_path_factory.mktemp("recherche") / "portail"
    site = folder / "site"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, directory=str(site)))
    base = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    make_portal(folder, ["complet", "graphiques"], site_url=base)
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr[-3000:]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base, site
    httpd.shutdown()


ANSWERED = re.compile("résultat|Aucun")


def results_of(page) -> list[dict]:
    """The results the search page shows, once it has answered."""
    page.locator("[data-portal-search-status]", has_text=ANSWERED).wait_for(timeout=15000)
    return page.locator(".portal-search__result").evaluate_all(
        """items => items.map(item => ({
            href: item.querySelector('h2 a').href,
            title: item.querySelector('h2 a').textContent,
            kind: item.querySelector('.portal-search__kind')?.textContent,
            excerpt: item.querySelector('.portal-search__excerpt').innerHTML,
        }))"""
    )


def search(page, words: str) -> list[dict]:
    """Type ``words`` in the header's field and submit: the search page's results."""
    page.fill("form.portal-search-box input[name=q]", words)
    with page.expect_navigation():
        page.press("form.portal-search-box input[name=q]", "Enter")
    return results_of(page)


def paths(results: list[dict], base: str) -> list[str]:
    return [r["href"].removeprefix(base) for r in results]


@pytest.mark.parametrize("path", ["", "reutiliser/", "jeux/graphiques/", "enquetes/graphiques/", "recherche/"])
def test_a_page_downloads_nothing_of_the_search_before_someone_searches(browser, portal, path):
    base, _ = portal
    page, response, errors, requests = open_page(browser, base + path)
    assert response.status == 200 and errors == []
    assert [url for url in requests if "pagefind" in url or "search_index" in url] == []
    page.context.close()


def test_a_query_from_the_header_lists_linked_results_with_excerpts(browser, portal):
    base, _ = portal
    page, _, errors, requests = open_page(browser, base + "reutiliser/")
    results = search(page, "participation citoyenne")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["participation citoyenne"]}  # a shareable address
    assert page.url.startswith(base + "recherche/")
    assert "jeux/complet/" in paths(results, base)
    first = next(r for r in results if r["href"] == base + "jeux/complet/")
    assert first["title"] == "Participation citoyenne à Exempleville"
    assert first["kind"] == "Jeu de données"
    assert "<mark>" in first["excerpt"] and len(first["excerpt"]) > 40
    assert "résultat" in page.inner_text("[data-portal-search-status]")
    for result in results:  # every link is a page of the site, under its path
        assert result["href"].startswith(base)
        assert page.request.get(result["href"]).status == 200
    assert any(url.endswith("wasm.fr.pagefind") for url in requests)  # the French index
    assert errors == []
    page.context.close()


def test_a_plural_finds_the_singular(browser, portal):
    base, _ = portal
    page, _, _, _ = open_page(browser, base + "recherche/?q=d%C3%A9monstrations")
    assert page.input_value("#portal-search-q") == "démonstrations"  # the query read from the address
    results = results_of(page)
    assert "jeux/graphiques/" in paths(results, base)  # "Graphiques de démonstration"
    assert any("<mark>démonstration</mark>" in r["excerpt"].lower() for r in results)
    page.context.close()


def test_the_index_holds_pages_of_every_kind_but_no_navigation(browser, portal):
    base, _ = portal
    page, _, _, _ = open_page(browser, base)
    kinds = {r["kind"] for r in search(page, "graphiques")}
    kinds |= {r["kind"] for r in search(page, "contrôles")}
    kinds |= {r["kind"] for r in search(page, "participants budget")}
    # The results reach the pages of each chart and each table, not only the datasets'.
    assert {"Jeu de données", "Enquête", "Référence", "Graphique", "Tableau"} <= kinds
    # "Mentions légales" is in every page's navigation; only the pages that speak of it are found.
    found = paths(search(page, "mentions légales"), base)
    assert "mentions-legales/" in found and len(found) <= 3
    nothing = search(page, "zzzzinconnu")
    assert nothing == [] and "Aucun résultat" in page.inner_text("[data-portal-search-status]")
    page.context.close()


def test_the_search_page_is_not_a_result_nor_the_404(portal):
    _, site = portal
    marked = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text("utf-8")]
    assert site / "recherche" / "index.html" not in marked and site / "404.html" not in marked
    assert site / "catalogue" / "index.html" not in marked  # the dataset pages are the results
    assert site / "jeux" / "complet" / "index.html" in marked
    assert len(list((site / "pagefind" / "fragment").iterdir())) == len(marked)  # one fragment a page


def test_the_search_works_from_the_keyboard(browser, portal):
    base, _ = portal
    page, _, errors, _ = open_page(browser, base + "recherche/")
    page.focus("#portal-search-q")
    page.keyboard.type("participants", delay=20)
    page.keyboard.press("Enter")
    results_of(page)
    page.keyboard.press("Tab")  # from the field: the button, then the first result
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.portal-search__result') !== null")
    assert focused, page.evaluate("document.activeElement.outerHTML")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not page.url.startswith(base + "recherche/")
    assert errors == []
    page.context.close()


def test_more_results_come_ten_at_a_time_and_take_the_focus(browser, portal):
    base, _ = portal
    page, _, _, _ = open_page(browser, base + "recherche/?q=le")
    results_of(page)
    assert page.locator(".portal-search__result").count() == 10
    more = page.locator("[data-portal-search-more]")
    assert more.is_visible()
    more.press("Enter")
    page.locator(".portal-search__result").nth(10).wait_for()
    assert page.evaluate(
        "document.activeElement.closest('li') === document.querySelectorAll('.portal-search__result')[10]"
    )
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_page_with_results_is_accessible_and_reflows(browser, portal, width, tmp_path):
    base, _ = portal
    page, _, errors, requests = open_page(browser, base + "recherche/?q=participation", width=width)
    assert results_of(page)
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    assert errors == [] and [u for u in requests if not u.startswith(base)] == []
    page.context.close()


def test_the_header_search_is_one_button_on_a_phone(browser, portal):
    base, _ = portal
    page, _, _, _ = open_page(browser, base + "reutiliser/", width=320)
    assert not page.locator("form.portal-search-box input[name=q]").is_visible()
    page.click("form.portal-search-box button")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == PREFIX + "recherche/"
    assert page.locator("#portal-search-q").is_visible()
    page.context.close()


# --- the 404 ---------------------------------------------------------------------------------


def test_the_built_404_is_french_with_search_and_links_home_and_to_the_catalogue(portal):
    _, site = portal
    html = (site / "404.html").read_text("utf-8")
    assert '<html lang="fr"' in html and "Not found" not in html
    assert "<title>Page introuvable - " in html and "<h1>Page introuvable</h1>" in html
    assert f'action="{PREFIX}recherche/"' in html  # the page's search form, absolute from site_url
    assert f'href="{PREFIX}catalogue/"' in html
    assert f'href="{PREFIX}."' in html or f'href="{PREFIX}"' in html


@pytest.mark.parametrize("width", WIDTHS)
def test_the_served_404_works_at_a_deep_address(browser, portal, width):
    base, _ = portal
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    failed, errors = [], []
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None,
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    response = page.goto(base + "jeux/inconnu/graphiques/x/y/", wait_until="networkidle")
    assert response.status == 404
    assert page.title().startswith("Page introuvable")
    assert failed == [] and errors == []  # every stylesheet and script found from this depth
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert serious_violations(page) == []
    assert horizontal_overflow(page) == 0
    page.click("text=Parcourir le catalogue des jeux de données")
    page.wait_for_load_state("networkidle")
    assert page.url == base + "catalogue/"
    page.go_back()
    page.fill("main input[name=q]", "participation")
    with page.expect_navigation():
        page.press("main input[name=q]", "Enter")
    assert results_of(page)
    assert urlsplit(page.url).path == PREFIX + "recherche/"
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.click("text=Revenir à l'accueil")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path in (PREFIX, PREFIX + ".")
    context.close()


# --- a large index: a query fetches a few small chunks ---------------------------------------

SYLLABLES = ["ba", "cou", "di", "fé", "ga", "lo", "mi", "nu", "pa", "ré", "si", "ta", "vo", "zé", "chan", "tron"]


def word(number: int) -> str:
    """A distinct French-looking word for each number: a vocabulary as large as a real portal's."""
    letters = ""
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        letters += SYLLABLES[digit]
        if number == 0:
            return letters + "ment"


def synthetic_site(folder: Path, count: int) -> Path:
    """``count`` dataset pages as the portal writes them (French, main content marked), each with
    words of its own and words shared with others, and a search page."""
    for index in range(count):
        page = folder / "jeux" / f"jeu-{index:05d}" / "index.html"
        page.parent.mkdir(parents=True)
        words = " ".join(word((index * 37 + k * 101) % (count * 20)) for k in range(60))
        page.write_text(
            f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Jeu {index}</title></head>'
            f"<body><nav>Accueil Catalogue</nav><div data-pagefind-body><h1>Jeu synthétique n° {index}</h1>"
            f"<p>Enquête sur la commune {word(index)} : {words}.</p></div></body></html>",
            "utf-8",
        )
    search_page = folder / "recherche" / "index.html"
    search_page.parent.mkdir(parents=True)
    search_page.write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>'
        "<body></body></html>"
    )
    return folder


def fetched_for_a_query(browser, site: Path, words: str) -> tuple[int, dict[str, int]]:
    """(results, {URL: bytes} of every file the query fetched), in Chromium."""
    with serving(site) as base:
        page, _, errors, _ = open_page(browser, base + "recherche/")
        responses = []
        page.on("response", lambda r: responses.append(r))
        count = page.evaluate(
            """async (words) => {
                const pagefind = await import('/pagefind/pagefind.js');
                await pagefind.init();
                const found = await pagefind.search(words);
                await Promise.all(found.results.slice(0, 10).map(r => r.data()));
                return found.results.length;
            }""",
            words,
        )
        fetched = {r.url.removeprefix(base): len(r.body()) for r in responses}
        assert errors == []
        page.context.close()
    return count, fetched


@pytest.mark.parametrize("pages", [300, 3000])
def test_a_query_fetches_a_few_small_chunks_of_a_large_index(browser, tmp_path, pages):
    """The index grows with the portal; what a query fetches does not (Pagefind's chunks are ~50 KB)."""
    site = synthetic_site(tmp_path / "site", pages)
    assert index_site(site) == pages
    index = {p.name: p.stat().st_size for p in (site / "pagefind" / "index").iterdir()}
    count, fetched = fetched_for_a_query(browser, site, f"commune {word(421)}")
    chunks = {url: size for url, size in fetched.items() if url.endswith(".pf_index")}
    print(
        f"{pages} pages: index of {len(index)} chunks, {sum(index.values()):,} bytes; a query with {count} results "
        f"fetched {len(fetched)} files, {sum(fetched.values()):,} bytes, of which {len(chunks)} index chunks, "
        f"{sum(chunks.values()):,} bytes"
    )
    assert count >= 1
    assert 1 <= len(chunks) <= 2  # one chunk per word, at most
    assert max(chunks.values()) < 80_000
    if pages >= 3000:
        assert len(index) >= 10 and sum(chunks.values()) < sum(index.values()) / 5


def test_an_index_that_cannot_be_built_says_so_in_french(tmp_path):
    """The hook raises this before the swap (on_post_build), so the previous site stays in place."""
    from portal.site.search import SearchIndexError

    (tmp_path / "vide").mkdir()
    with pytest.raises(SearchIndexError, match="l'index de recherche n'a pas pu être construit"):
        index_site(tmp_path / "vide")
