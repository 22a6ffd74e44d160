"""A citizen's search journey in headless Chromium: a Thai query, a facet, a result, the map."""

import re

import pytest

from tests.test_browser import _shot, browser, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_thai_query_facet_result_and_map(server, page):  # noqa: F811
    page.goto(f"{server}/khon-kaen/search/")
    page.fill("#search-q", "ห้องสมุด")
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"q=%E0%B8%AB"))
    heading = page.locator("#results-heading").inner_text()
    total = int(re.sub(r"\D", "", heading))
    assert total > 1
    assert page.locator(".hit mark").count() > 0  # the matched Thai word is highlighted
    _shot(page, "search-th")

    # A facet narrows the results through HTMX (no full page load) and lands in the URL.
    page.evaluate("window.__samePage = true")
    page.check("#f-type-space")
    page.wait_for_url(re.compile(r"type=space"))
    page.wait_for_function("document.querySelectorAll('.hit--opportunity').length === 0")
    assert page.evaluate("window.__samePage") is True
    spaces = page.locator(".hit--space")
    assert 0 < spaces.count() < total
    assert page.locator("#f-type-space").is_checked()

    # Open the first result: a learning space page.
    title = spaces.first.locator("h3").inner_text()
    spaces.first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/khon-kaen/spaces/[\w-]+/$"))
    assert title.strip() in page.locator("h1").inner_text()

    # And the map, with markers even though tests run without map tiles.
    page.locator("nav.site-nav a[href$='/map/']").click()
    page.wait_for_url(re.compile(r"/map/"))
    page.wait_for_selector(".leaflet-marker-icon, .leaflet-interactive", timeout=15000)
    assert page.locator(".leaflet-marker-icon, .leaflet-interactive").count() > 0


def test_a_typo_is_corrected_in_english(server, page):  # noqa: F811
    page.goto(f"{server}/en/khon-kaen/search/?q=libary")
    message = page.locator("#results .message").first.inner_text()
    assert "library" in message
    assert page.locator(".hit").count() > 0
    _shot(page, "search-en-correction")
