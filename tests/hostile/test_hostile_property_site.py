"""Hostile strings through the whole pipeline (hypothesis): a real ``mkdocs build``, then real Chromium.

Each example puts hostile strings (markup, script and data URLs, addresses of a canary server on
this machine, path parts, control characters, lone surrogates, very long strings) into text fields
of a descriptor and cells of its CSV, then builds a portal over it. Whatever the package:

- the build never shows a traceback, and writes nothing outside its project folder;
- nothing asks the canary for anything, neither during the build nor in the browser;
- the built pages, feed and sitemap are well-formed, with no control character;
- in the browser: no dialog, no script error, no request to another host, no CSP violation.

Few examples (each is a real build), so the cheaper in-process strategies of
``test_hostile_property.py`` cover the breadth.
"""

from __future__ import annotations

import shutil
import threading
import xml.etree.ElementTree as ElementTree
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.browser_support import QuietHandler
from tests.hostile.canary import running_canary
from tests.hostile.conftest import assert_no_traceback, portal_with
from tests.hostile.test_hostile_pages import visit
from tests.hostile.test_hostile_property import FORBIDDEN, NASTY, TEXT_FIELDS, write_package
from tests.portal_fixture import mkdocs_build

# "CANARY/" becomes the canary's address in each example: anything the build or a page fetches
# from these would be logged by it.
TOWARDS_CANARY = [
    "![image](CANARY/image.png)",
    "[lien](CANARY/lien) et <CANARY/auto>",
    '<img src="CANARY/brut.png"> <iframe src="CANARY/cadre"></iframe>',
    '<link rel="stylesheet" href="CANARY/style.css"><script src="CANARY/script.js"></script>',
    "<style>@import 'CANARY/import.css'; body{background:url(CANARY/fond.png)}</style>",
    "CANARY/accueil",
    "<svg onload=\"fetch('CANARY/svg')\"></svg>",
    "[x](javascript:fetch('CANARY/js'))",
]
FIELDS = sorted(set(TEXT_FIELDS) - {"field.title"})
text = st.sampled_from([*TOWARDS_CANARY, *NASTY, "x" * 20_000]) | st.builds(
    " ".join, st.lists(st.sampled_from([*TOWARDS_CANARY, *NASTY]), min_size=2, max_size=3)
)
edits = st.dictionaries(st.sampled_from(FIELDS), text, min_size=2, max_size=6)
cells = st.dictionaries(st.integers(0, 3).map(lambda row: row * 4 + 1), st.sampled_from(TOWARDS_CANARY), max_size=3)


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    with running_canary(tmp_path_factory.mktemp("canari"), lifetime=900) as server:
        yield server


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """A folder for the examples, served over HTTP as a site would be."""
    root = tmp_path_factory.mktemp("exemples")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def snapshot(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=edits, new_cells=cells)
@example(
    changes={"description": TOWARDS_CANARY[0] + " " + TOWARDS_CANARY[2], "homepage": TOWARDS_CANARY[5]},
    new_cells={1: TOWARDS_CANARY[3]},
)
def test_hostile_packages_build_into_pages_that_load_nothing_from_elsewhere(
    browser,  # noqa: F811
    canary,
    examples,
    changes,
    new_cells,
):
    root, served = examples
    example = root / f"exemple-{len(list(root.iterdir()))}"
    elsewhere = root / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    point = lambda value: value.replace("CANARY/", canary.base)  # noqa: E731
    package = example / "paquets" / "jeu"
    package.parent.mkdir(parents=True)
    write_package(package, {k: point(v) for k, v in changes.items()}, {k: point(v) for k, v in new_cells.items()})
    project = portal_with(example / "portail", [package])
    before = snapshot(root)

    result = mkdocs_build(project)

    assert_no_traceback(result)
    written = snapshot(root) - before
    assert all(project in path.parents for path in written), sorted(written - set(project.rglob("*")))[:5]
    assert list(elsewhere.iterdir()) == []
    assert canary.requests() == [], "the build fetched from the canary"
    event("construit" if result.returncode == 0 else "refusé")
    if result.returncode != 0:
        assert "Des jeux de données ont des erreurs" in result.stderr or "erreur" in result.stderr.lower()
        return
    site = project / "site"
    ElementTree.parse(site / "feed.xml")
    ElementTree.parse(site / "sitemap.xml")
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        assert not FORBIDDEN.search(html), page
        assert '<meta http-equiv="Content-Security-Policy"' in html, page
    base = served + site.relative_to(root).as_posix() + "/"
    for path in ("", "jeux/jeu/", "catalogue/"):
        page, response, seen = visit(browser, base + path, served)
        page.close()
        assert response.status == 200, path
        assert seen["dialogs"] == [] and seen["violations"] == [] and seen["foreign"] == [], (path, seen)
        assert seen["errors"] == [], (path, seen["errors"])
    assert canary.requests() == [], "a page fetched from the canary"
    shutil.rmtree(example)  # the next example starts from a clean folder
