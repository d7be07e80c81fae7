"""The guide « Publier vos données » in a real Chromium: its screenshots and its sample file load."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from tests.browser_support import WIDTHS, horizontal_overflow, open_page, serious_violations

GUIDE = "guide/publier-vos-donnees/"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_guide_shows_its_screenshots_links_its_sample_and_is_accessible(browser, fixture_site, width):
    page, response, errors, requests = open_page(browser, fixture_site + GUIDE, width=width)
    try:
        assert response.status == 200
        # The screenshots load lazily: none before the reader scrolls to them, each once there.
        assert page.eval_on_selector_all(".md-content img", "imgs => imgs.map(i => i.loading)") == ["lazy", "lazy"]
        for image in page.locator(".md-content img").all():
            image.scroll_into_view_if_needed()
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
        images = page.eval_on_selector_all(
            ".md-content img", "imgs => imgs.map(i => [i.getAttribute('src'), i.alt, i.naturalWidth])"
        )
        assert len(images) >= 2
        for src, alt, natural_width in images:
            assert natural_width > 0, f"{src} ne se charge pas"
            assert alt, src
        sample = page.get_attribute("a[href$='subventions-exemple.csv']", "href")
        with urllib.request.urlopen(urllib.parse.urljoin(page.url, sample)) as download:
            assert download.read().startswith(b"nomAttribuant;idAttribuant;dateConvention")
        assert not errors
        assert all(url.startswith("http://127.0.0.1:") for url in requests), requests
        assert serious_violations(page) == []
        if width == 320:
            assert horizontal_overflow(page) == 0
    finally:
        page.context.close()
