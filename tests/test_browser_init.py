"""The pages ``portal init`` writes, built and visited in Chromium at 1280 and 320 px: no serious
axe-core violation, no console error, nothing from another host, no sideways scroll."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations, serving

BIN = Path(sys.executable).parent
PAGES = ["", "a-propos/", "mentions-legales/", "accessibilite/"]


@pytest.fixture(scope="module")
def new_portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init-browser") / "portail"
    with serving(folder / "site") as base:
        for command in (
            [BIN / "portal", "init", folder, "--name", "Données de Poitiers", "--url", base, "--publisher", "Ville de Poitiers"],
            [BIN / "mkdocs", "build", "--strict"],
        ):  # fmt: skip
            result = subprocess.run(command, cwd=folder if folder.exists() else folder.parent, capture_output=True,
                                    text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)  # fmt: skip
            assert result.returncode == 0, result.stderr[-3000:]
        yield base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_the_pages_of_a_new_portal_are_accessible(browser, new_portal, path, width):
    page, response, errors, requests = open_page(browser, new_portal + path, width=width)
    try:
        assert response.status == 200
        assert not errors, errors
        assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests if url.startswith("http")), requests
        assert serious_violations(page) == []
        if width == 320:
            assert horizontal_overflow(page) == 0
        if path:  # the collectivity's page, visibly unfinished
            assert page.locator(".admonition.warning .admonition-title").first.inner_text() == "À COMPLÉTER"
    finally:
        page.context.close()
