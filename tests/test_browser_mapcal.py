"""The map and the calendar in headless Chromium, against a real `rianru serve` with map tiles switched off.

With RIANRU_MAP_TILE_URL empty the page must not fetch anything from outside (the `page` fixture fails the
test if it does), and the markers and the list must still work. Screenshots as in tests/test_browser.py.
"""

import pytest

# The shared server runs with RIANRU_MAP_TILE_URL empty: no tiles.
from tests.test_browser import _shot, browser, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

KHON_KAEN_CENTRE = {"latitude": 16.4322, "longitude": 102.8236}


def test_map_shows_markers_and_the_list_without_tiles(server, page):  # noqa: F811
    response = page.goto(f"{server}/khon-kaen/map/")
    assert response.status == 200
    page.wait_for_selector(".leaflet-marker-icon")
    markers = page.locator(".leaflet-marker-icon").count()
    items = page.locator("#results .map-list__item").count()
    assert markers > 0 and items > 0
    assert markers == items  # one marker per listed space
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator("#map").is_visible()
    # A marker opens a popup that links to the space's page, from the keyboard too.
    page.locator(".leaflet-marker-icon.map-pin--busy").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-popup a[href*='/khon-kaen/spaces/']").first.is_visible()
    page.keyboard.press("Escape")
    page.locator(".leaflet-marker-icon.map-pin--busy").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    page.evaluate("window.scrollTo(0, document.querySelector('#map').offsetTop - 240)")
    page.wait_for_timeout(300)  # the popup's fade-in
    _shot(page, "map")


def test_choosing_a_community_lists_spaces_by_distance(server, page):  # noqa: F811
    page.goto(f"{server}/en/khon-kaen/map/")
    page.wait_for_selector(".leaflet-marker-icon")
    everything = page.locator(".leaflet-marker-icon").count()
    page.select_option("#id_radius_km", "1")
    page.select_option("#id_community", index=1)  # the first community of the first zone
    page.wait_for_selector("#results .badge--distance")
    assert "community=" in page.url and "radius_km=1" in page.url  # HTMX pushed the filters to the address
    distances = [
        float(text.split()[0]) for text in page.locator("#results .badge--distance").all_inner_texts()
    ]
    assert distances == sorted(distances) and all(d <= 1 for d in distances)
    # the markers follow the list
    page.wait_for_function(
        "n => document.querySelectorAll('.leaflet-marker-icon').length === n", arg=len(distances)
    )
    assert len(distances) < everything


def test_near_me_uses_the_browsers_location(server, browser):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB",
        geolocation=KHON_KAEN_CENTRE, permissions=["geolocation"],
    )  # fmt: skip
    phone = context.new_page()
    phone.goto(f"{server}/en/khon-kaen/map/")
    button = phone.locator("#near-me")
    assert button.is_visible()  # shown only when scripts and geolocation are available
    button.click()
    phone.wait_for_selector("#results .badge--distance")
    assert "lat=16.432200" in phone.url
    assert "km of you" in phone.locator("#results-heading").inner_text()
    context.close()


def test_calendar_week_view_and_htmx_navigation(server, page):  # noqa: F811
    response = page.goto(f"{server}/khon-kaen/calendar/?view=week")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "th"
    assert "25" in page.locator("#calendar-heading").inner_text()  # Buddhist-era year
    page.locator(".calendar__nav a[rel=next]").click()
    page.wait_for_url("**/khon-kaen/calendar/?*view=week*")
    page.wait_for_selector(".calendar-days .calendar-session")
    assert page.locator(".calendar-days .calendar-session").count() > 0  # the demo's busy week ahead
    assert page.locator("h1").count() == 1  # HTMX swapped the calendar only
    page.goto(f"{server}/khon-kaen/calendar/?view=month")
    page.locator(".calendar__nav a[rel=next]").click()  # next month: the demo's sessions start today
    page.wait_for_url("**date=*")
    assert page.locator(".month-grid__day").count() >= 28
    assert page.locator(".month-grid__day .calendar-session").count() > 0
    assert page.locator(".month-grid__weekday").first.is_visible()  # a grid on a wide screen
    page.evaluate("window.scrollTo(0, document.querySelector('#calendar').offsetTop - 20)")
    _shot(page, "calendar")
