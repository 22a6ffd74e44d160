"""The statement browser in headless Chromium: a partner system stores statements over xAPI, city staff sign
in, filter with HTMX, page and open a statement; the opportunity page shows the participation counts.

Screenshots as in tests/test_browser.py (`lrs-statements-th`, `lrs-statement-en`,
`opportunity-participation`).
"""

import base64
import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.test_browser import ADMIN_PASSWORD, BIN, CHROMIUM, _shot, browser, page, start_serve  # noqa: F401

pytestmark = pytest.mark.browser

PUBLIC_URL = "https://learn.khonkaen.go.th"
ADL = "http://adlnet.gov/expapi/verbs/"


def _statements(opportunity_slug: str) -> list[dict]:
    activity = f"{PUBLIC_URL}/khon-kaen/opportunities/{opportunity_slug}/"
    learners = [("สมศรี ใจดี", "somsri"), ("Kanya P.", "kanya"), ("วิชัย", "wichai"), ("Lek", "lek")]
    statements = []
    for n, (name, local) in enumerate(learners):
        for verb in ("attempted", "completed") if n < 3 else ("attempted",):
            statement = {
                "id": str(uuid.uuid4()),
                "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{local}@example.org"},
                "verb": {"id": ADL + verb, "display": {"en-US": verb}},
                "object": {"id": activity},
            }
            if verb == "completed":
                statement["result"] = {
                    "completion": True,
                    "success": n != 1,
                    "score": {"scaled": 0.6 + n / 10},
                }
            statements.append(statement)
    statements.append(
        {
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": "https://moodle.kku.ac.th", "name": "6401234"},
            },
            "verb": {"id": ADL + "experienced", "display": {"en-US": "experienced", "th": "ได้ชม"}},
            "object": {
                "id": "https://museum.example.org/exhibits/dinosaurs",
                "definition": {"name": {"en": "Dinosaurs of Khon Kaen", "th": "ไดโนเสาร์ขอนแก่น"}},
            },
            "result": {"duration": "PT45M"},
        }
    )
    return statements


@pytest.fixture(scope="module")
def lrs_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    root = tmp_path_factory.mktemp("lrs-server")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{root}/rianru.sqlite3",
        "RIANRU_STATIC_ROOT": str(root / "static"),
        "RIANRU_SEARCH_INDEX_DIR": str(root / "search-index"),
        "RIANRU_SEARCH_INDEXER": "off",
        "RIANRU_MAP_TILE_URL": "",
        "RIANRU_PUBLIC_URL": PUBLIC_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    }
    rianru = str(BIN / "rianru")

    def run(*command):
        return subprocess.run(
            [rianru, *command], env=env, check=True, capture_output=True, timeout=300
        ).stdout

    run("migrate", "--noinput")
    run("demo", "load", "--city", "khon-kaen")
    run("collectstatic", "--noinput", "--verbosity", "0")
    run("createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.org")
    partner = "khon-kaen-city-municipality"
    credential = json.loads(
        run(
            "lrs",
            "credential",
            "create",
            "--city",
            "khon-kaen",
            "--partner",
            partner,
            "--scope",
            "all",
            "--json",
        )
    )
    running = start_serve(rianru, env, root, probe="/xapi/about")
    base = running.base
    # the opportunity: the first one of the demo's opportunity list
    with urllib.request.urlopen(f"{base}/api/v1/cities/khon-kaen/opportunities/") as response:  # noqa: S310
        slug = json.load(response)["items"][0]["slug"]
    auth = base64.b64encode(f"{credential['key']}:{credential['secret']}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        f"{base}/xapi/statements",
        data=json.dumps(_statements(slug)).encode(),
        headers={
            "Authorization": f"Basic {auth}",
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200
    yield {"base": base, "slug": slug}
    running.stop()


def _sign_in(page, base):  # noqa: F811
    page.goto(f"{base}/admin/login/?next=/khon-kaen/lrs/statements/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/khon-kaen/lrs/statements/")


def test_city_staff_browse_filter_and_open_a_statement(lrs_server, page):  # noqa: F811
    base = lrs_server["base"]
    _sign_in(page, base)
    rows = page.locator("table.records tbody tr")
    assert rows.count() == 8
    assert "s***@example.org" in page.locator("table.records").inner_text()
    assert "somsri@example.org" not in page.content()
    assert page.locator("nav.site-nav a[href='/khon-kaen/lrs/statements/']").is_visible()
    _shot(page, "lrs-statements-th")
    # filter by verb: HTMX swaps the results and the address follows
    page.fill("#id_verb", "completed")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**verb=completed**")
    page.wait_for_function("document.querySelectorAll('table.records tbody tr').length === 3")
    # a bad learner filter shows the reason in place
    page.fill("#id_agent", "not-an-address")
    page.click(".filters button[type=submit]")
    page.wait_for_selector("#results .message")
    page.fill("#id_agent", "")
    page.fill("#id_verb", "")
    page.click(".filters button[type=submit]")
    page.wait_for_function("document.querySelectorAll('table.records tbody tr').length === 8")
    # the opportunity link, then a statement's page in English, with the full address and the JSON
    assert page.locator("table.records a.opportunity-link").count() == 7
    page.goto(f"{base}/en/khon-kaen/lrs/statements/?verb=completed")
    page.locator("table.records tbody td.stored a").first.click()
    page.wait_for_selector("pre.json")
    assert "@example.org" in page.locator("dd .identifier").first.inner_text()
    assert "***" not in page.locator("dd .identifier").first.inner_text()
    _shot(page, "lrs-statement-en")


def test_the_opportunity_page_shows_participation_counts(lrs_server, page):  # noqa: F811
    base, slug = lrs_server["base"], lrs_server["slug"]
    page.goto(f"{base}/en/khon-kaen/opportunities/{slug}/")
    section = page.locator("#participation")
    assert section.locator(".stat").inner_text() == "4"
    assert "example.org" not in section.inner_text()
    assert section.locator("code").count() == 0  # not signed in: counts only
    section.scroll_into_view_if_needed()
    _shot(page, "opportunity-participation")
