"""The LRS statement browser: who sees what (including by URL tampering), masking, filters, paging, detail."""

import datetime as dt
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from rianru.catalogue.activities import opportunity_activity_id
from rianru.catalogue.tests.factories import OpportunityFactory
from rianru.core.tests.html import parse_response
from rianru.lrs.presentation import ADL, format_duration, mask_email
from rianru.lrs.services import statements_store
from rianru.lrs.tests.helpers import make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory
from rianru.web import views
from rianru.web.statements import parse_cursor

pytestmark = pytest.mark.django_db

BASE = "https://learn.khonkaen.go.th"
LIST = "/en/khon-kaen/lrs/statements/"
REGISTRATION = "0e4b3a04-6a43-4f52-9e2d-5c0d8a1c2b11"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.RIANRU_PUBLIC_URL = BASE


def store(credential, *statements):
    return statements_store(credential=credential, statements=list(statements), xapi_version="2.0.0")


def learner(local: str, name: str | None = None) -> dict:
    agent = {"objectType": "Agent", "mbox": f"mailto:{local}@example.org"}
    if name:
        agent["name"] = name
    return agent


def verb(name: str) -> dict:
    return {"id": ADL + name, "display": {"en-US": name}}


@pytest.fixture
def world(city):
    """Two partners of Khon Kaen with statements, an opportunity, and one user per role."""
    library = PartnerFactory(city=city, slug="kku-library", name_en="KKU Library")
    museum = PartnerFactory(city=city, slug="museum", name_en="City Museum")
    weaving = OpportunityFactory(city=city, provider=library, slug="silk-weaving", title_en="Silk weaving")
    library_credential = make_credential(library)[0]
    museum_credential = make_credential(museum)[0]
    [library_sid] = store(
        library_credential,
        statement(
            actor=learner("somsri", "Somsri"),
            verb=verb("completed"),
            object={"id": opportunity_activity_id(city_slug="khon-kaen", slug="silk-weaving")},
            result={"score": {"scaled": 0.85}, "success": True, "completion": True, "duration": "PT1H5M30S"},
            context={"registration": REGISTRATION},
        ),
    )
    [museum_sid] = store(
        museum_credential,
        statement(
            actor={
                "objectType": "Agent",
                "account": {"homePage": "https://moodle.example.org", "name": "kanya77"},
            },
            verb=verb("experienced"),
            object={
                "id": "https://museum.example.org/exhibits/dinosaurs",
                "definition": {"name": {"en": "Dinosaurs"}},
            },
        ),
    )
    User = get_user_model()
    staff = User.objects.create_user("staff", password="x")
    CityMembership.objects.create(user=staff, city=city, role=CityMembership.Role.CITY_STAFF)
    library_admin = User.objects.create_user("library-admin", password="x")
    CityMembership.objects.create(
        user=library_admin, city=city, role=CityMembership.Role.PARTNER_ADMIN, partner=library
    )
    return {
        "city": city,
        "library": library,
        "museum": museum,
        "weaving": weaving,
        "library_sid": library_sid,
        "museum_sid": museum_sid,
        "library_credential": library_credential,
        "staff": staff,
        "library_admin": library_admin,
        "nobody": User.objects.create_user("nobody", password="x"),
        "superuser": User.objects.create_superuser("root", password="x"),
    }


def rows(response) -> list[dict]:
    page = parse_response(response)
    headers = [th.text for th in page.select("table.records thead th")]
    return [
        dict(zip(headers, [td.text for td in tr.select("td")], strict=True))
        for tr in page.select("table.records tbody tr")
    ]


def detail_url(sid: str, language: str = "/en") -> str:
    return f"{language}/khon-kaen/lrs/statements/{sid}/"


# --- who may see what ------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for url in (LIST, detail_url(world["library_sid"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/admin/login/?next=")


@pytest.mark.parametrize("language", ["", "/en"])
def test_users_without_a_role_in_the_city_are_refused(client, world, language):
    client.force_login(world["nobody"])
    response = client.get(f"{language}/khon-kaen/lrs/statements/")
    assert response.status_code == 403
    assert parse_response(response).select_one("h1").text in ("Access denied", "ไม่มีสิทธิ์เข้าถึง")
    assert client.get(detail_url(world["library_sid"], language)).status_code == 403


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_city_staff_see_every_partners_statements(client, world, role):
    client.force_login(world[role])
    response = client.get(LIST)
    assert response.status_code == 200
    found = rows(response)
    assert [row["Partner"] for row in found] == ["City Museum", "KKU Library"]
    assert response["Cache-Control"] == "private, no-store" or "no-store" in response["Cache-Control"]


def test_city_staff_filter_by_partner(client, world):
    client.force_login(world["staff"])
    found = rows(client.get(LIST + "?partner=museum"))
    assert [row["Partner"] for row in found] == ["City Museum"]
    response = client.get(LIST + "?partner=not-a-partner")
    assert response.status_code == 400


def test_a_partner_administrator_sees_only_their_partners_statements(client, world):
    client.force_login(world["library_admin"])
    response = client.get(LIST)
    assert response.status_code == 200
    page = parse_response(response)
    assert "Partner" not in [th.text for th in page.select("table.records thead th")]
    assert page.select("select[name=partner]") == []
    found = rows(response)
    assert len(found) == 1 and found[0]["Verb"] == "completed"
    assert world["museum_sid"] not in response.content.decode()


def test_a_partner_administrator_cannot_reach_another_partners_statements_by_url(client, world):
    client.force_login(world["library_admin"])
    # a partner parameter is not theirs to choose: it is ignored, they still see only their own
    found = rows(client.get(LIST + "?partner=museum"))
    assert len(found) == 1 and found[0]["Verb"] == "completed"
    # the other partner's statement page is not found (as if it did not exist)
    assert client.get(detail_url(world["museum_sid"])).status_code == 404
    assert client.get(detail_url(world["library_sid"])).status_code == 200
    # a filter on the other partner's learner or activity finds nothing
    assert rows(client.get(LIST + "?activity=https://museum.example.org/exhibits/dinosaurs")) == []
    # another city's browser is refused
    CityFactory(slug="yala")
    assert client.get("/en/yala/lrs/statements/").status_code == 403


def test_a_statement_of_another_city_is_not_found(client, world):
    yala = CityFactory(slug="yala")
    [sid] = store(make_credential(PartnerFactory(city=yala))[0], statement())
    client.force_login(world["staff"])
    assert client.get(detail_url(sid)).status_code == 404
    assert client.get(detail_url(str(uuid.uuid4()))).status_code == 404
    client.force_login(world["superuser"])
    assert client.get(detail_url(sid)).status_code == 404  # the URL's city decides
    assert client.get(f"/en/yala/lrs/statements/{sid}/").status_code == 200


# --- what a row shows -----------------------------------------------------------------------------------


def test_lists_mask_identifiers_and_link_opportunities(client, world):
    client.force_login(world["staff"])
    response = client.get(LIST)
    html = response.content.decode()
    found = rows(response)
    assert found[1]["Learner"] == "Somsri s***@example.org"
    assert found[0]["Learner"] == "k*** @ moodle.example.org"
    for private in ("somsri@example.org", "kanya77", "mailto:"):
        assert private not in html
    assert found[1]["Object"] == "Silk weaving"
    assert found[0]["Object"] == "Dinosaurs"
    page = parse_response(response)
    assert page.select_one("a.opportunity-link").get("href") == "/en/khon-kaen/opportunities/silk-weaving/"
    assert found[1]["Result"] == "Score: 85% Success: Yes Completed: Yes Duration: 1:05:30"
    assert found[0]["Result"] == "—"
    links = [a.get("href") for a in page.select("table.records tbody td.stored a")]
    assert links == [detail_url(world["museum_sid"]), detail_url(world["library_sid"])]


def test_stored_times_are_in_bangkok_with_the_buddhist_era_in_thai(client, world):
    client.force_login(world["staff"])
    from rianru.lrs.models import Statement

    stored = Statement.objects.get(statement_id=world["library_sid"]).stored
    local = timezone.localtime(stored, dt.timezone(dt.timedelta(hours=7)))
    thai = parse_response(client.get("/khon-kaen/lrs/statements/"))
    times = thai.select("table.records time")
    assert f" {(local.year + 543) % 100:02d} " in f" {times[1].text} "
    assert times[1].text.endswith(f"{local:%H:%M:%S} น.")
    english = parse_response(client.get(LIST)).select("table.records time")
    assert english[1].text == f"{local.day} {local:%b} {local.year} {local:%H:%M:%S}"


def test_the_detail_page_shows_identifiers_in_full_and_the_json(client, world):
    client.force_login(world["library_admin"])
    response = client.get(detail_url(world["library_sid"]))
    assert response.status_code == 200
    page = parse_response(response)
    assert "somsri@example.org" in page.select_one(".identifier").text
    data = json.loads(page.select_one("pre.json").text)
    assert data["id"] == world["library_sid"] and data["actor"]["mbox"] == "mailto:somsri@example.org"
    hrefs = [a.get("href") for a in page.select("dd a")]
    assert f"{LIST}?agent=somsri%40example.org" in hrefs
    assert f"{LIST}?registration={REGISTRATION}" in hrefs
    assert response["Cache-Control"].count("no-store") == 1


def test_statement_text_is_escaped(client, world):
    [sid] = store(
        world["library_credential"],
        statement(
            actor=learner("x", "<script>alert(1)</script>"), object={"id": "https://example.org/a?b=<i>"}
        ),
    )
    client.force_login(world["staff"])
    for url in (LIST, detail_url(sid)):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_voided_statement_is_marked_on_its_page_and_its_voiding_statement_links_to_it(client, world):
    [voiding] = store(
        world["library_credential"],
        statement(verb=verb("voided"), object={"objectType": "StatementRef", "id": world["library_sid"]}),
    )
    client.force_login(world["staff"])
    page = parse_response(client.get(detail_url(world["library_sid"])))
    assert page.select_one("h1 .badge").text == "Voided"
    found = rows(client.get(LIST))
    assert [row["Verb"] for row in found] == ["voided", "experienced"]  # the voided one left the list
    voiding_page = parse_response(client.get(detail_url(voiding)))
    assert voiding_page.select_one(f"a[href='{detail_url(world['library_sid'])}']")


# --- filters --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "verbs"),
    [
        ("verb=completed", ["completed"]),
        (f"verb={ADL}experienced", ["experienced"]),
        ("agent=Somsri@Example.org", ["completed"]),
        ("agent=mailto:somsri@example.org", ["completed"]),
        ("agent=https://moodle.example.org kanya77", ["experienced"]),
        ("agent=https://moodle.example.org other", []),
        ("activity=https://museum.example.org/exhibits/dinosaurs", ["experienced"]),
        # an opportunity's activity id in any spelling finds the statements of every spelling
        ("activity=http://learn.khonkaen.go.th/en/khon-kaen/opportunities/silk-weaving", ["completed"]),
        (f"registration={REGISTRATION}", ["completed"]),
        ("since=2000-01-01", ["experienced", "completed"]),
        ("until=2000-01-01", []),
    ],
)
def test_filters(client, world, query, verbs):
    client.force_login(world["staff"])
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert [row["Verb"] for row in rows(response)] == verbs


def test_date_filters_are_whole_days_in_bangkok(client, world):
    client.force_login(world["staff"])
    today = timezone.localdate()  # the test settings' zone is Asia/Bangkok, like the city
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert len(rows(client.get(f"{LIST}?since={today}&until={today}"))) == 2
    assert rows(client.get(f"{LIST}?until={yesterday}")) == []
    assert rows(client.get(f"{LIST}?since={tomorrow}")) == []
    # a Buddhist-era year, as typed in Thai
    be_today = f"{today.year + 543}-{today:%m-%d}"
    assert len(rows(client.get(f"{LIST}?since={be_today}&until={be_today}"))) == 2
    assert client.get(f"{LIST}?until=2567-02-29").status_code == 200  # BE 2567 is CE 2024, a leap year


def test_related_finds_the_activity_in_the_context(client, world):
    [sid] = store(
        world["library_credential"],
        statement(
            object={"id": "https://example.org/lesson-1"},
            context={"contextActivities": {"parent": [{"id": "https://example.org/course"}]}},
        ),
    )
    client.force_login(world["staff"])
    assert rows(client.get(f"{LIST}?activity=https://example.org/course")) == []
    assert len(rows(client.get(f"{LIST}?activity=https://example.org/course&related=1"))) == 1


@pytest.mark.parametrize(
    "query",
    [
        "agent=somebody",
        "verb=danced",
        "activity=not an iri",
        "registration=123",
        "since=yesterday",
        "since=2025-02-01&until=2025-01-01",
        "until=2568-02-29",  # BE 2568 is CE 2025: no 29 February
        "after=garbage",
        "before=99999999999999999999999-1",
    ],
)
def test_bad_filters_are_a_400_with_the_reason_and_no_results(client, world, query):
    client.force_login(world["staff"])
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    page = parse_response(response)
    assert page.select_one("#results .message li").text
    assert page.select("table.records") == []


def test_htmx_gets_only_the_results(client, world):
    client.force_login(world["staff"])
    response = client.get(f"{LIST}?verb=completed", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert parse_response(response).select_one("section#results")
    assert "HX-Request" in response["Vary"]
    bad = client.get(f"{LIST}?verb=danced", headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "<html" not in bad.content.decode()


# --- paging ---------------------------------------------------------------------------------------------


def test_keyset_paging_older_newer_newest(client, world, monkeypatch):
    monkeypatch.setattr(views, "STATEMENTS_PER_PAGE", 2)
    credential = world["library_credential"]
    for n in range(3):
        store(credential, statement(actor=learner(f"p{n}"), verb=verb("attempted")))
    client.force_login(world["library_admin"])  # 4 statements: p2, p1, p0, somsri
    first = parse_response(client.get(LIST))

    def learners(page):
        return [td.text.split("@")[0] for td in page.select("table.records tbody td.learner")]

    assert learners(first) == ["p***", "p***"]
    assert first.select("a[rel=prev]") == []
    older = first.select_one("a[rel=next]").get("href")
    assert older.startswith("?after=")  # relative to the page, with its filters
    second = parse_response(client.get(LIST + older))
    assert learners(second) == ["p***", "Somsri s***"]
    assert second.select("a[rel=next]") == []
    newer = second.select_one("a[rel=prev]").get("href")
    back = parse_response(client.get(LIST + newer))
    assert [a.get("href") for a in back.select("table.records tbody td.stored a")] == [
        a.get("href") for a in first.select("table.records tbody td.stored a")
    ]
    assert "after" not in second.select_one("nav.pagination a").get("href")  # "Newest" drops the position


def test_the_list_costs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in range(10):
        store(world["library_credential"], statement(actor=learner(f"q{n}")))
    client.force_login(world["staff"])
    client.get(LIST)  # warm the session
    # session, user, city, membership (view), partners (form), statements with partners, opportunities,
    # membership (navigation)
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(rows(response)) == 12


def test_the_navigation_shows_the_records_only_to_those_who_may_read_them(client, world):
    records = "a[href='/en/khon-kaen/lrs/statements/']"
    assert parse_response(client.get("/en/khon-kaen/")).select(f"nav.site-nav {records}") == []
    client.force_login(world["nobody"])
    assert parse_response(client.get("/en/khon-kaen/")).select(f"nav.site-nav {records}") == []
    client.force_login(world["library_admin"])
    assert parse_response(client.get("/en/khon-kaen/")).select(f"nav.site-nav {records}")


# --- helpers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("mailto:somsri@example.org", "s***@example.org"),
        ("s@example.org", "***@example.org"),
        ("mailto:no-at-sign", "n***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    ("value", "text"),
    [("PT1H5M30S", "1:05:30"), ("PT45.6S", "0:00:46"), ("P1DT2H", "26:00:00"), ("P1Y", "P1Y"), ("", "")],
)
def test_format_duration(value, text):
    assert format_duration(value) == text


def test_parse_cursor():
    assert parse_cursor("0-1") == (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), 1)
    assert parse_cursor("1-x") is None
    assert parse_cursor("999999999999999999-1") is None  # too long
    assert parse_cursor("-1") is None
