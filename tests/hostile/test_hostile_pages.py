"""Hostile pages: a built page loads nothing from another host and runs no script it did not ship.

Descriptions: a remote image becomes a link (and ``portal validate`` says so), a ``javascript:``
or ``data:`` link in any encoding becomes text. Every page carries a Content-Security-Policy
(``default-src 'self'``, inline scripts only by hash); in real Chromium no page of any type
violates it, search and charts still work, and a remote load slipped into a built page is
blocked: the canary server hears nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import material
import pytest

from portal.links import safe_link
from portal.site.csp import theme_scripts, with_policy
from portal.site.html import markdown_block
from tests.browser_support import QuietHandler
from tests.hostile.canary import running_canary
from tests.hostile.conftest import assert_no_traceback, build_package, portal_with, run_portal
from tests.portal_fixture import PACKAGES, ROOT, mkdocs_build

SCRIPT_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java&Tab;script:alert(1)",
    "jav&#x61;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&amp;#58;alert(1)",
    "%6Aavascript:alert(1)",
    "java%0Ascript:alert(1)",
    "\x01javascript:alert(1)",
    " \x0cjavascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "livescript:alert(1)",
]


@pytest.mark.parametrize("url", SCRIPT_LINKS)
def test_a_script_link_in_any_encoding_is_not_a_link(url):
    html = markdown_block(f"Voir [ici]({url}) et [là][r].\n\n[r]: {url}")
    assert "<a " not in html, html
    assert "ici" in html and "là" in html  # the text stays
    assert safe_link(url) is None


@pytest.mark.parametrize(
    "url", ["https://www.insee.fr/fr/statistiques?a=1&b=2", "http://exemple.fr", "mailto:a@b.fr", "../autre/", "#x"]
)
def test_web_links_stay_links(url):
    html = markdown_block(f"[ici]({url})")
    assert re.search(r'<a href="[^"]+">ici</a>', html), html


@pytest.mark.parametrize(
    "markdown",
    [
        "![logo](https://elsewhere.example/x.png)",
        "![logo](//elsewhere.example/x.png)",
        '![logo][i]\n\n[i]: https://elsewhere.example/x.png "titre"',
        "![logo](HTTPS://elsewhere.example/x.png)",
    ],
)
def test_a_remote_image_becomes_a_link(markdown):
    html = markdown_block(markdown)
    assert "<img" not in html
    assert re.search(r'<a href="(https:)?//elsewhere\.example/x\.png">Image : logo</a>', html, re.IGNORECASE), html


@pytest.mark.parametrize("markdown", ["![x](data:image/svg+xml;base64,PHN2Zz4=)", "![x](javascript:alert(1))"])
def test_an_image_with_a_script_or_data_address_leaves_only_its_text(markdown):
    assert markdown_block(markdown) == "<p><span>x</span></p>"


@pytest.mark.parametrize(
    "markup",
    [
        "<img src=https://elsewhere.example/x.png>",
        "<iframe src=https://elsewhere.example/></iframe>",
        '<object data="https://elsewhere.example/x"></object>',
        "<video src=https://elsewhere.example/v.mp4></video>",
        '<link rel="stylesheet" href="https://elsewhere.example/x.css">',
        "<svg><image href=https://elsewhere.example/x.png /></svg>",
        "<script src=https://elsewhere.example/x.js></script>",
    ],
)
def test_raw_markup_in_a_description_is_text(markup):
    html = markdown_block(markup)
    assert "<" + markup[1:4] not in html and "&lt;" in html


THEME_DIRS = [ROOT / "portal" / "site" / "theme", Path(material.__file__).parent / "templates"]


@pytest.mark.parametrize(
    "markdown",
    ["1. " * 3000, "[" * 20_000, "[a](" * 2_000, "x" * 25_000],
    ids=["listes-imbriquees", "crochets", "liens-ouverts", "tres-long"],
)
def test_a_description_too_nested_or_too_long_for_markdown_is_plain_text(markdown):
    """Python-Markdown recurses once per nested list (a RecursionError) and is quadratic in '['."""
    import time

    from portal.links import render_markdown

    started = time.perf_counter()
    rendered = render_markdown(markdown)
    assert time.perf_counter() - started < 2
    assert rendered.plain and rendered.html.startswith("<p>") and "<ol>" not in rendered.html


def test_validate_says_a_description_is_shown_as_plain_text_and_the_build_passes(tmp_path):
    package = build_package(tmp_path / "paquets" / "imbrique", descriptor=lambda d: d.update(description="1. " * 3000))
    result = run_portal("validate", str(package), "--format", "json")
    assert_no_traceback(result)
    codes = [p["code"] for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    assert "description-plain-text" in codes
    folder = portal_with(tmp_path / "portail", [package])
    built = mkdocs_build(folder)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "1. 1. 1. 1." in (folder / "site" / "jeux" / "imbrique" / "index.html").read_text("utf-8")


def test_the_policy_hashes_the_theme_scripts_only_and_not_data_blocks():
    theme = '__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}'
    page = (
        f'<html><head><meta charset="utf-8"><script>{theme}</script>'
        '<script id="__config" type="application/json">{"a": 1}</script>'
        '<script type="application/ld+json">{}</script><script src="x.js"></script></head><body></body></html>'
    )
    digest = base64.b64encode(hashlib.sha256(theme.encode()).digest()).decode()
    built, blocked = with_policy(page, theme_scripts(THEME_DIRS))
    assert blocked == []
    assert built.startswith('<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"')
    assert re.search(r"script-src ([^;]*);", built).group(1) == f"'self' 'wasm-unsafe-eval' 'sha256-{digest}'"
    assert with_policy(built, [])[0] == built


@pytest.mark.parametrize(
    "script",
    [
        "alert(1)",
        '__md_scope=new URL("javascript:alert(1)",location)',
        'window.location.replace(["javascript:alert(1)",window.location.search,window.location.hash].join(""))',
        'window.location.replace(["//elsewhere.example",window.location.search,window.location.hash].join(""))',
    ],
)
def test_an_inline_script_that_is_not_the_theme_s_gets_no_hash(script):
    page = f'<html><head><meta charset="utf-8"></head><body><script>{script}</script></body></html>'
    built, blocked = with_policy(page, theme_scripts(THEME_DIRS))
    assert blocked == [script]
    assert re.search(r"script-src ([^;]*);", built).group(1) == "'self' 'wasm-unsafe-eval'"


def test_a_script_tag_inside_an_attribute_value_is_text_not_a_script():
    # The HTML minifier writes attribute values with "<" unescaped (valid HTML: only text there).
    # A package title "<script>…" in og:title must neither count as a script nor fail the build.
    page = (
        '<html><head><meta charset="utf-8"><meta property="og:title" content="Titre <script>alert(1)</script>">'
        "</head><body><p>&lt;script&gt;alert(2)&lt;/script&gt;</p></body></html>"
    )
    built, blocked = with_policy(page, theme_scripts(THEME_DIRS))
    assert blocked == []
    assert re.search(r"script-src ([^;]*);", built).group(1) == "'self' 'wasm-unsafe-eval'"


def test_a_page_with_an_inline_script_of_its_own_fails_the_strict_build(tmp_path):
    portal = portal_with(tmp_path / "portail", [PACKAGES / "complet"])
    (portal / "docs" / "injecte.md").write_text('# Injecté\n\n<script>alert("injecte")</script>\n', "utf-8")
    result = mkdocs_build(portal)
    assert result.returncode == 1
    assert "injecte/index.html contient 1 script(s) en ligne qui ne sont pas ceux du thème" in result.stderr


def hostile_description(canary_base: str) -> str:
    # Control characters are another check's business (they may be refused): printable ones only here.
    printable = [url for url in SCRIPT_LINKS if url.isprintable() and " " not in url]
    links = " ".join(f"[lien {i}]({url})" for i, url in enumerate(printable))
    return (
        "Un jeu hostile dont la description essaie de charger des ressources d'ailleurs et de "
        f"glisser des scripts. ![pixel]({canary_base}description.png) ![proto](//127.0.0.1:1/x.png) "
        f"<img src={canary_base}raw.png> <iframe src={canary_base}frame></iframe> "
        f'<script>alert("description")</script> {links}'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A built fixture portal (complet, graphiques and a hostile package) served on localhost, and a
    canary that the hostile package and the tampered pages point at."""
    folder = tmp_path_factory.mktemp("csp")
    with running_canary(folder, lifetime=600) as canary:
        hostile = build_package(
            folder / "paquets" / "hostile",
            "complet",
            descriptor=lambda d: d.update(
                description=hostile_description(canary.base), notes=f"![n]({canary.base}notes.png)"
            ),
        )
        portal = portal_with(folder / "portail", [PACKAGES / "complet", PACKAGES / "graphiques", hostile])
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(portal / "site")))
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        config = portal / "mkdocs.yml"
        config.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {base}", config.read_text("utf-8")), "utf-8")
        result = mkdocs_build(portal)
        assert result.returncode == 0, result.stderr[-3000:]
        tamper(portal / "site", canary.base)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield base, canary, portal / "site"
        httpd.shutdown()


def tamper(site: Path, canary_base: str) -> None:
    """Pages a package would have to slip past the generator: remote loads injected after the build."""
    page = (site / "jeux" / "complet" / "index.html").read_text("utf-8")
    injected = (
        f'<img src="{canary_base}injected.png" alt="">'
        f"<script>fetch('{canary_base}inline-fetch'); alert('inline');</script>"
        f'<script src="{canary_base}remote.js"></script>'
        f'<link rel="stylesheet" href="{canary_base}remote.css">'
        f'<iframe src="{canary_base}frame"></iframe>'
        f'<div style="background: url({canary_base}style.png)">x</div>'
    )
    (site / "jeux" / "altere").mkdir()
    (site / "jeux" / "altere" / "index.html").write_text(page.replace("</h1>", "</h1>" + injected, 1), "utf-8")
    # A chart whose specification was replaced after validation: remote data and a remote image.
    # The survey page, at the same depth, shows the interactive figures (the dataset page, thumbnails).
    shutil.copytree(site / "enquetes" / "graphiques", site / "jeux" / "graphiques-altere")
    charts = site / "graphiques" / "graphiques"
    spec = {
        "data": {"url": f"{canary_base}data.json"},
        "layer": [
            {"mark": "point", "encoding": {"x": {"field": "b", "type": "quantitative"}}},
            {"mark": "image", "encoding": {"url": {"value": f"{canary_base}image.png"}}},
        ],
        "usermeta": {"embedOptions": {"loader": {"baseURL": canary_base}}},
    }
    (charts / "brut-altere.vl.json").write_text(json.dumps(spec), "utf-8")
    altered = site / "jeux" / "graphiques-altere" / "index.html"
    text = altered.read_text("utf-8").replace("brut.vl.json", "brut-altere.vl.json")
    # Without its policy, so that the page shows what charts.js itself refuses (its loader).
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    altered.write_text(text, "utf-8")


WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def visit(browser, url: str, base: str):  # noqa: F811
    page = browser.new_page()
    page.add_init_script(WATCH)
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    response = page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    seen["violations"] = page.evaluate("window.__violations")
    seen["foreign"] = [u for u in seen["requests"] if not u.startswith(base) and not u.startswith("data:")]
    return page, response, seen


PAGE_TYPES = [
    "",
    "catalogue/",
    "jeux/complet/",
    "jeux/graphiques/",
    "jeux/hostile/",
    "jeux/hostile/a-propos/",
    "enquetes/",
    "enquetes/graphiques/",
    "enquetes/evolution/",
    "qualite/",
    "guide/ouvrir-ses-donnees/",
    "reference/controles/",
    "reutiliser/",
    "recherche/?q=participation",  # the query runs on load: Pagefind's module, worker and wasm
    "404.html",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_page_type_violates_its_policy(browser, site, path):  # noqa: F811
    base, canary, _ = site
    page, response, seen = visit(browser, base + path, base)
    assert response.status == 200
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]')
    assert csp.count() == 1 and "default-src 'self'" in csp.get_attribute("content")
    assert seen["violations"] == []
    assert seen["errors"] == []
    assert seen["dialogs"] == []
    assert seen["foreign"] == []
    assert canary.requests() == []
    page.close()


def test_search_still_works_under_the_policy(browser, site):  # noqa: F811
    """Pagefind's module, its worker and its WebAssembly run under the policy ('wasm-unsafe-eval'), and
    the hostile package's description, searched for, shows as text: no script, no remote load."""
    base, canary, _ = site
    page, _, seen = visit(browser, base, base)
    page.fill("form.portal-search-box input[name=q]", "hostile description")
    page.press("form.portal-search-box input[name=q]", "Enter")
    page.wait_for_selector(".portal-search__result", timeout=15000)
    assert any(
        "/jeux/hostile/" in url
        for url in page.locator(".portal-search__result h2 a").evaluate_all("links => links.map(a => a.href)")
    )
    excerpts = page.locator(".portal-search__excerpt")
    assert excerpts.locator("*:not(mark)").count() == 0  # text and marks only
    page.wait_for_timeout(300)
    assert any(url.endswith(".pagefind") for url in seen["requests"])  # the wasm did load
    assert page.evaluate("window.__violations") == [] and seen["errors"] == []
    assert seen["dialogs"] == [] and seen["foreign"] == [] and canary.requests() == []
    page.close()


def test_charts_become_interactive_under_the_policy(browser, site):  # noqa: F811
    base, _, _ = site
    page, _, seen = visit(browser, base + "enquetes/graphiques/", base)
    # Each button is removed once its chart is interactive: press them all at once.
    page.evaluate("document.querySelectorAll('button.chart-interactive-button').forEach(b => b.click())")
    page.locator("figure.portal-chart .portal-chart-interactive svg").nth(7).wait_for(timeout=15000)
    assert page.locator("figure.portal-chart .portal-chart-interactive svg").count() == 8
    mark = page.locator("figure.portal-chart .portal-chart-interactive svg .mark-rect path").first
    mark.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
    assert page.evaluate("window.__violations") == [] and seen["errors"] == []
    page.close()


def test_the_policy_blocks_remote_loads_slipped_into_a_page(browser, site):  # noqa: F811
    base, canary, _ = site
    page, _, seen = visit(browser, base + "jeux/altere/", base)
    assert canary.requests() == [], "the canary was reached"
    assert seen["dialogs"] == []  # the injected inline script did not run
    blocked = " ".join(seen["violations"])
    for directive in ("img-src", "script-src", "style-src", "frame-src"):
        assert directive in blocked, seen["violations"]
    page.close()


def test_a_tampered_chart_spec_loads_nothing_even_without_the_policy(browser, site):  # noqa: F811
    """charts.js gives vega a loader that refuses every load, and drops the spec's usermeta."""
    base, canary, _ = site
    page, _, seen = visit(browser, base + "jeux/graphiques-altere/", base)
    # Each button is removed once its chart is interactive: press them all at once.
    page.evaluate("document.querySelectorAll('button.chart-interactive-button').forEach(b => b.click())")
    page.wait_for_selector("figure.portal-chart .portal-chart-interactive svg", timeout=15000)
    page.wait_for_timeout(1000)
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 0
    assert canary.requests() == []
    assert seen["foreign"] == []
    page.close()


def test_the_hostile_description_links_only_to_the_web(browser, site):  # noqa: F811
    base, canary, built = site
    page, _, seen = visit(browser, base + "jeux/hostile/", base)
    hrefs = page.eval_on_selector_all(".description a", "links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert f"{canary.base}description.png" in hrefs  # the remote image, as a link
    assert page.locator(".description img, .description iframe").count() == 0
    for link in page.locator(".description span").all():  # each neutralised link: no dialog on click
        link.click()
    assert seen["dialogs"] == [] and canary.requests() == []
    page.close()
    # The notes are on the about page: their remote image is a link there too.
    page, _, seen = visit(browser, base + "jeux/hostile/a-propos/", base)
    assert page.eval_on_selector_all(".notes a", "links => links.map(a => a.href)") == [f"{canary.base}notes.png"]
    assert page.locator(".notes img").count() == 0
    assert seen["dialogs"] == [] and canary.requests() == []
    page.close()


def test_validate_says_a_description_loads_a_remote_image(tmp_path):
    folder = build_package(
        tmp_path / "image",
        "complet",
        descriptor=lambda d: d.update(
            description=d["description"] + " ![carte](https://elsewhere.example/carte.png) [x](javascript:alert(1))"
        ),
    )
    result = run_portal("validate", str(folder), "--format", "json")
    assert_no_traceback(result)
    problems = [p for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    found = {p["code"]: p for p in problems}
    assert found["description-remote-image"]["severity"] == "warning"
    assert "https://elsewhere.example/carte.png" in found["description-remote-image"]["message"]
    assert "description-unsafe-link" in found
