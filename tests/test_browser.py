"""Headless Chromium against a real `rianru serve` (gunicorn) on a migrated SQLite demo database.

Screenshots go to $RIANRU_SCREENSHOT_DIR when set (docs/screenshots is refreshed that way), else to a
temp dir.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rianru.core.serving import RunningServer, ServerDidNotStart

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "a-long-test-password-2567"


def start_serve(rianru: str, env: dict, root: Path, *, probe: str) -> RunningServer:
    """`rianru serve` on a free port, its log in root/server.log; returns once `probe` answers."""
    server = RunningServer(rianru=rianru, env=env, log=root / "server.log", probe=probe)
    try:
        return server.start()
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    root = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{root}/rianru.sqlite3",
        "RIANRU_STATIC_ROOT": str(root / "static"),
        "RIANRU_SEARCH_INDEX_DIR": str(root / "search-index"),
        "RIANRU_MAP_TILE_URL": "",  # offline: the map shows markers without tiles
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    }
    rianru = str(BIN / "rianru")
    for command in (
        ["migrate", "--noinput"],
        ["demo", "load"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.org"],
    ):
        subprocess.run([rianru, *command], env=env, check=True, capture_output=True, timeout=300)
    running = start_serve(rianru, env, root, probe="/en/")
    yield running.base
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:"))
            else None
        ),
    )
    yield page
    context.close()
    assert external == [], f"pages must not load anything from outside the app: {external}"


def _shot(page, name):
    folder = Path(
        os.environ.get("RIANRU_SCREENSHOT_DIR") or (Path(tempfile.gettempdir()) / "rianru-screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


@pytest.mark.parametrize(
    ("prefix", "lang", "heading", "partners_word"),
    [("", "th", "ขอนแก่น", "ภาคี"), ("/en", "en", "Khon Kaen", "partner")],
)
def test_home_page_shows_the_city_in_each_language(server, page, prefix, lang, heading, partners_word):
    response = page.goto(f"{server}{prefix}/khon-kaen/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert heading in page.locator("h1").inner_text()
    assert partners_word in page.locator("main").inner_text().lower()
    assert "62" in page.locator("main").inner_text()
    # The Thai web font is served by the app itself and actually used.
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ขอนแก่น')")
    _shot(page, f"home-{lang}")


@pytest.mark.parametrize(("prefix", "lang", "era_year"), [("", "th", "25"), ("/en", "en", "20")])
def test_an_opportunity_page_in_each_language(server, page, prefix, lang, era_year):
    page.goto(f"{server}{prefix}/khon-kaen/opportunities/")
    first = page.locator("#results .cards a[href*='/opportunities/']").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert "/opportunities/" in page.url
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().strip() in title or title in page.locator("h1").inner_text()
    text = page.locator("main").inner_text()
    # Thai shows Buddhist-era years (25xx), English Gregorian ones (20xx).
    assert f" {era_year}" in text
    _shot(page, f"opportunity-{lang}")


def test_the_language_switch_leads_to_the_same_page_in_english(server, page):
    page.goto(f"{server}/khon-kaen/partners/")
    page.locator("a[hreflang='en'], a[lang='en']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/khon-kaen/partners/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_city_staff_manage_partners_in_the_thai_admin(server, page):
    page.goto(f"{server}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "th"
    page.goto(f"{server}/admin/network/partner/?q=ขอนแก่น")
    assert "องค์กรภาคี" in page.locator("h1").inner_text()
    assert "มหาวิทยาลัยขอนแก่น" in page.locator("#result_list").inner_text()
    assert page.evaluate("document.fonts.check('16px Sarabun', 'องค์กรภาคี')")
    font = page.evaluate("getComputedStyle(document.querySelector('#result_list')).fontFamily")
    assert font.startswith('"Sarabun"') or font.startswith("Sarabun")
    _shot(page, "admin-th")


def test_home_page_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH", is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{server}/khon-kaen/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    assert phone.locator("nav a").first.is_visible()
    _shot(phone, "home-th-phone")
    context.close()
