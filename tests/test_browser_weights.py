"""What each page type weighs before any interaction, in Chromium, on the portal built from this
repository's datasets: the sum of the bodies of every response the page loads (networkidle).

A text page at most 300 KB, any other page (the heaviest dataset page included) at most 800 KB
(issue 14, item 11). The pages are found in the site's sitemap.xml and sorted into types by their
address, so pages added later (charts, tables) are weighed too; a page of no known type is
weighed as a text page.
"""

from __future__ import annotations

import re
from urllib.request import urlopen

import pytest

TEXT_BUDGET = 300_000
PAGE_BUDGET = 800_000
MOST_PER_TYPE = 12  # of a numerous type, the pages with the largest HTML

# (type, pattern of the address under the site, budget); the first that matches.
TYPES = [
    ("accueil", r"", PAGE_BUDGET),
    ("catalogue", r"catalogue/.*", PAGE_BUDGET),
    ("qualite", r"qualite/.*", PAGE_BUDGET),
    ("graphique-integre", r"jeux/[^/]+/graphiques/[^/]+/integrer/", PAGE_BUDGET),
    ("graphique", r"jeux/[^/]+/graphiques/[^/]+/", PAGE_BUDGET),
    ("table", r"jeux/[^/]+/tables/[^/]+/", PAGE_BUDGET),
    ("jeu", r"jeux/[^/]+/(?:[^/]+/)?", PAGE_BUDGET),  # the dataset page and its own pages (a-propos/)
    ("enquete", r"enquetes/.*", PAGE_BUDGET),
    ("texte", r".*", TEXT_BUDGET),  # documentation, guides, recherche/, the 404
]


def page_type(path: str) -> str:
    return next(name for name, pattern, _ in TYPES if re.fullmatch(pattern, path))


def test_page_types_follow_the_addresses():
    assert page_type("") == "accueil"
    assert page_type("reutiliser/") == page_type("guide/ouvrir-ses-donnees/") == page_type("404.html") == "texte"
    assert page_type("jeux/barometre-2018/") == page_type("jeux/barometre-2018/a-propos/") == "jeu"
    assert page_type("jeux/graphiques/") == "jeu"  # a dataset named "graphiques"
    assert page_type("jeux/x/graphiques/type-collectivite/") == "graphique"
    assert page_type("jeux/x/graphiques/v/integrer/") == "graphique-integre"
    assert page_type("jeux/x/tables/reponses/") == "table"
    assert page_type("enquetes/barometre-2018/") == "enquete"


@pytest.fixture(scope="module")
def pages_by_type(real_site) -> dict[str, list[str]]:
    sitemap = urlopen(real_site + "sitemap.xml").read().decode("utf-8")
    # The sitemap names pages at site_url, which is where the site is served.
    paths = [url.removeprefix(real_site) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert paths and all(not p.startswith("http") for p in paths), paths[:3]
    found: dict[str, list[str]] = {}
    # The embed pages are files served as they are, not in the sitemap: one per chart page.
    embeds = [p + "integrer/" for p in paths if re.fullmatch(r"jeux/[^/]+/graphiques/[^/]+/", p)]
    for path in [*paths, *embeds, "404.html"]:
        found.setdefault(page_type(path), []).append(path)
    return found


def weight(browser, url: str) -> dict[str, int]:
    """{address: bytes} of every response the page loads before any interaction."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    sizes = {}
    for response in responses:
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # noqa: BLE001 — a redirect has no body
            sizes[response.url] = 0
    context.close()
    return sizes


def html_size(url: str) -> int:
    with urlopen(url) as response:
        return len(response.read())


@pytest.mark.parametrize("kind", [name for name, _, _ in TYPES])
def test_each_page_type_fits_its_budget_before_any_interaction(browser, real_site, pages_by_type, kind):
    paths = pages_by_type.get(kind)
    assert paths, f"no page of type {kind} in the real site"  # every type is weighed, none skipped
    budget = next(b for name, _, b in TYPES if name == kind)
    if len(paths) > MOST_PER_TYPE:
        paths = sorted(paths, key=lambda p: -html_size(real_site + p))[:MOST_PER_TYPE]
    weights = {path: weight(browser, real_site + path) for path in paths}
    heaviest = max(weights, key=lambda p: sum(weights[p].values()))
    total = sum(weights[heaviest].values())
    largest = sorted(weights[heaviest].items(), key=lambda item: -item[1])[:5]
    for path, sizes in sorted(weights.items(), key=lambda item: -sum(item[1].values())):
        print(f"{kind}: {path or '/'} {sum(sizes.values()):,} bytes")
    assert total <= budget, f"{heaviest or '/'} weighs {total:,} bytes (budget {budget:,}); largest: " + ", ".join(
        f"{url.removeprefix(real_site)} {size:,}" for url, size in largest
    )
