"""What the browser tests share: a real headless Chromium (Debian's), driven by Playwright, and the
built portals they visit, served over HTTP on 127.0.0.1.

The fixtures (``browser``, ``fixture_site``, ``real_site``) are session-wide, in tests/conftest.py:
each portal is built once per test run, however many test modules visit it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.portal_fixture import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 320)  # a desktop and the narrowest phone WCAG 1.4.10 asks pages to reflow at
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".csv": "text/csv",
        ".json": "application/json",
        ".wasm": "application/wasm",
    }

    def log_message(self, *args):
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served on a free port of 127.0.0.1; yields its base URL (ending with /)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


@contextmanager
def served_portal(folder: Path, datasets: Callable[[Path], None]) -> Iterator[str]:
    """A portal project in ``folder`` whose datasets/ ``datasets`` writes, built by ``mkdocs build
    --strict`` with its site_url at the address it is served from; yields that base URL."""
    from tests.portal_fixture import make_portal, mkdocs_build

    with serving(folder / "site") as base:
        make_portal(folder, [], site_url=base)
        datasets(folder / "datasets")
        result = mkdocs_build(folder)
        assert result.returncode == 0, result.stderr
        yield base


@contextmanager
def launched_browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: make test installs Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, width: int = 1280, javascript: bool = True):
    """A new page at ``url``, in its own context of ``width`` px; returns (page, response, errors, requests).

    Close it with ``page.context.close()``."""
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until="networkidle")
    return page, response, errors, requests


def serious_violations(page) -> list[tuple]:
    """axe-core's serious and critical violations on the page as it is now."""
    # Evaluated rather than added as a <script>: the page's Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE.read_text("utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page) -> int:
    """How many px the page scrolls sideways (0 when it reflows, WCAG 1.4.10)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
