import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from rianru.catalogue.interchange import importer
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.errors import ApplicationError, NotFound
from rianru.core.tests.html import LANGUAGES, get_page, parse, parse_response, url
from rianru.network.errors import CityNotFound
from rianru.network.http import RESERVED_CITY_SLUGS
from rianru.network.models import Commitment, ContributedResource, Sector
from rianru.network.services import mou_sign
from rianru.network.tests.factories import (
    CityFactory,
    MouFactory,
    PartnerContactFactory,
    PartnerFactory,
)
from rianru.web import views
from rianru.web.middleware import ApplicationErrorMiddleware

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def city(reference_data):
    return CityFactory(
        slug="khon-kaen",
        name_th="ขอนแก่น",
        name_en="Khon Kaen",
        population=113_828,
        population_year=2024,
        population_jurisdiction_th="เทศบาลนครขอนแก่น",
        population_jurisdiction_en="Khon Kaen City Municipality",
        gnlc_member_since=dt.date(2024, 2, 14),
        description_th="เมืองแห่งการเรียนรู้ของยูเนสโก",
        description_en="A UNESCO learning city.",
    )


# ---------------------------------------------------------------- / and the city home


def test_root_redirects_to_the_default_city(client, city, settings):
    settings.RIANRU_DEFAULT_CITY = "khon-kaen"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/khon-kaen/"
    assert client.get("/en/")["Location"] == "/en/khon-kaen/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_root_lists_cities_when_the_default_city_is_missing(client, city, settings, language):
    settings.RIANRU_DEFAULT_CITY = "nowhere"
    CityFactory(slug="yala", name_th="ยะลา", name_en="Yala")
    page = get_page(client, url("web:index", language), language)
    names = page.texts(".card h2 a")
    assert set(names) == ({"ขอนแก่น", "ยะลา"} if language == "th" else {"Khon Kaen", "Yala"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_city_home_shows_the_city_network_and_quick_links(client, city, language):
    PartnerFactory.create_batch(2, city=city, sector=Sector.EDUCATION)
    PartnerFactory(city=city, sector=Sector.PRIVATE)
    mou = MouFactory(city=city, slug="mou-2024", title_en="Learning City MOU", title_th="บันทึกความร่วมมือ")
    live = OpportunityFactory(city=city)
    live.life_stages.set(["school_age"])
    live.sdg_goals.set([4])
    SessionFactory(opportunity=live)

    page = get_page(client, url("web:city_home", language, city="khon-kaen"), language)
    english = language == "en"
    assert ("Khon Kaen" if english else "ขอนแก่น") in page.select_one("h1").text
    facts = page.select_one(".city-intro dl").text
    assert ("14 February 2024" if english else "14 กุมภาพันธ์ 2567") in facts
    assert "113,828" in facts
    assert ("Khon Kaen City Municipality" if english else "เทศบาลนครขอนแก่น") in facts
    assert ("2024" if english else "2567") in facts
    assert ("A UNESCO learning city." if english else "เมืองแห่งการเรียนรู้ของยูเนสโก") in page.text
    counts = {
        a.get("href").split("sector=")[1]: a.select_one("strong").text
        for a in page.select(".sector-counts a")
    }
    # the opportunity's provider is a government partner
    assert counts == {"government": "1", "private": "1", "education": "2", "civil_society": "0"}
    prefix = "/en" if english else ""
    assert page.select_one(f"a[href='{prefix}/khon-kaen/mou/{mou.slug}/']")
    stage_links = {
        a.get("href").split("life_stage=")[1]: a.text for a in page.select("a[href*='life_stage=']")
    }
    assert set(stage_links) == {"infants", "young_children", "school_age", "working_age", "older_people"}
    assert stage_links["older_people"] == ("Older people" if english else "ผู้สูงอายุ")
    assert [a.get("href") for a in page.select("a.sdg-chip")] == [f"{prefix}/khon-kaen/sdg/4/"]
    # navigation to every section, the current one marked
    nav = page.select("nav.site-nav a")
    assert [a.get("href") for a in nav] == [
        f"{prefix}/khon-kaen/{path}"
        for path in [
            "",
            "search/",
            "opportunities/",
            "calendar/",
            "spaces/",
            "map/",
            "partners/",
            "mou/",
            "sdg/",
            "overview/",
        ]
    ]
    assert page.select_one("nav.site-nav a[aria-current=page]").get("href") == f"{prefix}/khon-kaen/"


def test_whats_on_this_week_is_the_next_seven_days_in_the_city_time_zone(client, city):
    now = timezone.now()
    today = now.astimezone(BANGKOK).date()
    end_of_week = dt.datetime.combine(today + dt.timedelta(days=7), dt.time.min, tzinfo=BANGKOK)
    space = LearningSpaceFactory(city=city, name_en="Central library")

    def session(title, starts_at, **extra):
        opportunity = OpportunityFactory(city=city, title_en=title, **extra)
        return SessionFactory(opportunity=opportunity, starts_at=starts_at, space=space)

    session("Soon", now + dt.timedelta(hours=2))
    session("Last day", end_of_week - dt.timedelta(minutes=30))
    session("Next week", end_of_week + dt.timedelta(minutes=30))
    session("Started", now - dt.timedelta(hours=1))
    session("Draft", now + dt.timedelta(hours=3), status="draft")
    cancelled = session("Cancelled", now + dt.timedelta(hours=4))
    cancelled.is_cancelled = True
    cancelled.save(update_fields=["is_cancelled"])

    page = parse_response(client.get(url("web:city_home", "en", city="khon-kaen")))

    week = page.select_one("section[aria-labelledby=week-heading]")
    assert week.texts(".card h3 a") == ["Soon", "Last day"]
    assert "Central library" in week.select(".card")[0].text


def test_whats_on_this_week_shows_at_most_twelve_sessions(client, city):
    opportunity = OpportunityFactory(city=city)
    for hour in range(15):
        SessionFactory(opportunity=opportunity, starts_at=timezone.now() + dt.timedelta(hours=hour + 1))
    page = parse_response(client.get(url("web:city_home", city="khon-kaen")))
    assert len(page.select("section[aria-labelledby=week-heading] .card")) == 12


# ---------------------------------------------------------------- the partner page


@pytest.fixture
def partner(city):
    partner = PartnerFactory(
        city=city, slug="kku", name_en="Khon Kaen University", name_th="มหาวิทยาลัยขอนแก่น",
        sector=Sector.EDUCATION, website="https://www.kku.ac.th", description_en="A university.",
        description_th="มหาวิทยาลัย",
    )  # fmt: skip
    PartnerContactFactory(partner=partner, name="Public Person", is_public=True, email="public@example.org")
    PartnerContactFactory(
        partner=partner, name="Private Person", is_public=False, email="private@example.org"
    )
    OpportunityFactory(city=city, provider=partner, title_en="Coding for seniors", title_th="โค้ดดิ้งผู้สูงวัย")
    OpportunityFactory(city=city, provider=partner, title_en="Unpublished", status="draft")
    LearningSpaceFactory(city=city, owner=partner, name_en="KKU library", name_th="หอสมุด มข.")
    mou = MouFactory(city=city, slug="mou-2024", title_en="Learning City MOU", title_th="บันทึกความร่วมมือ")
    mou_sign(actor=None, mou=mou, partners=[partner])
    commitment = Commitment.objects.create(
        city=city, partner=partner, mou=mou, title_en="Open the library on Sundays",
        title_th="เปิดห้องสมุดวันอาทิตย์", due_on=dt.date(2025, 6, 30),
    )  # fmt: skip
    commitment.sdg_goals.set([4])
    ContributedResource.objects.create(
        city=city, partner=partner, commitment=commitment, kind=ContributedResource.Kind.VENUE,
        description_en="Meeting room", description_th="ห้องประชุม", value_thb=Decimal("15000"),
    )  # fmt: skip
    return partner


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_page_composes_network_and_catalogue(client, partner, language):
    page = get_page(client, url("web:partner_detail", language, city="khon-kaen", slug="kku"), language)
    english = language == "en"
    assert page.select_one("h1").text == ("Khon Kaen University" if english else "มหาวิทยาลัยขอนแก่น")
    assert ("A university." if english else "มหาวิทยาลัย") in page.text
    assert page.select_one("a[href='https://www.kku.ac.th']")
    contacts = page.select_one("ul.contacts").text
    assert "Public Person" in contacts and "public@example.org" in contacts
    assert "Private Person" not in page.text and "private@example.org" not in page.text
    assert page.texts("section[aria-labelledby=offer-heading] .card h3 a") == [
        "Coding for seniors" if english else "โค้ดดิ้งผู้สูงวัย"
    ]
    assert page.texts("section[aria-labelledby=spaces-heading] .card h3 a") == [
        "KKU library" if english else "หอสมุด มข."
    ]
    commitments = page.select_one("section[aria-labelledby=commitments-heading]").text
    assert ("Open the library on Sundays" if english else "เปิดห้องสมุดวันอาทิตย์") in commitments
    assert ("30 June 2025" if english else "30 มิถุนายน 2568") in commitments
    resources = page.select_one("section[aria-labelledby=resources-heading]").text
    assert ("Meeting room" if english else "ห้องประชุม") in resources and "฿15,000" in resources
    prefix = "/en" if english else ""
    assert page.select_one(f"aside a[href='{prefix}/khon-kaen/mou/mou-2024/']")


# city, partner, contacts, MOUs, commitments, their SDGs, resources, opportunities, their life stages, spaces
PARTNER_PAGE_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 15])
def test_partner_page_query_count_is_constant(client, partner, django_assert_num_queries, extra):
    for _ in range(extra):
        OpportunityFactory(city=partner.city, provider=partner).life_stages.set(["school_age"])
        LearningSpaceFactory(city=partner.city, owner=partner)
    with django_assert_num_queries(PARTNER_PAGE_QUERIES):
        response = client.get(url("web:partner_detail", city="khon-kaen", slug="kku"))
    assert len(parse_response(response).select("section[aria-labelledby=offer-heading] .card")) == 1 + extra


# city, sessions of the week, life stages, SDG counts, SDG goals, sector counts, latest MOU
CITY_HOME_QUERIES = 7


@pytest.mark.parametrize("n", [3, 20])
def test_city_home_query_count_is_constant(client, city, django_assert_num_queries, n):
    for i in range(n):
        opportunity = OpportunityFactory(city=city)
        opportunity.sdg_goals.set([4, 8])
        opportunity.life_stages.set(["school_age"])
        SessionFactory(
            opportunity=opportunity,
            starts_at=timezone.now() + dt.timedelta(hours=i + 1),
            space=LearningSpaceFactory(city=city, owner=opportunity.provider),
        )
    with django_assert_num_queries(CITY_HOME_QUERIES):
        response = client.get(url("web:city_home", city="khon-kaen"))
    assert len(parse_response(response).select("section[aria-labelledby=week-heading] .card")) == min(n, 12)


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("language", LANGUAGES)
def test_layout_is_accessible_and_bilingual(client, city, language):
    response = client.get(url("catalogue:opportunity_list", language, city="khon-kaen") + "?free=1&sdg=4")
    page = parse_response(response)

    assert page.select_one("html").get("lang") == language
    skip = page.select_one("body > a.skip-link")
    assert skip.get("href") == "#main" and page.select_one("main#main")
    assert page.select("header.site-header") and page.select("footer.site-footer")
    assert len(page.select("h1")) == 1
    # the language switch links to the same page (and query) in the other language
    other = "en" if language == "th" else "th"
    expected = {
        "th": "/khon-kaen/opportunities/?free=1&sdg=4",
        "en": "/en/khon-kaen/opportunities/?free=1&sdg=4",
    }
    switch = page.select_one("#language-switch a")
    assert switch.get("hreflang") == other and switch.get("href") == expected[other]
    alternates = {link.get("hreflang"): link.get("href") for link in page.select("link[rel=alternate]")}
    assert alternates == {code: f"http://testserver{path}" for code, path in expected.items()}
    # assets are served by the app: no external stylesheet, script or font
    for node in page.select("link[href], script[src]"):
        if node.get("rel") != "alternate":
            assert (node.get("href") or node.get("src")).startswith("/static/")
    assert page.select_one("script[src*='htmx-2']")


def test_stylesheets_declare_the_bundled_sarabun_font():
    for sheet in ("web/rianru.css", "web/admin.css"):
        text = Path(finders.find(sheet)).read_text(encoding="utf-8")
        assert "url(http" not in text and "@import" not in text
        assert '"Sarabun"' in text
    css = Path(finders.find("web/fonts.css")).read_text(encoding="utf-8")
    assert "url(http" not in css and "@import" not in css
    for subset in ("thai", "latin"):
        for weight in ("400", "700"):
            name = f"sarabun-{subset}-{weight}-normal.woff2"
            assert f'url("fonts/{name}")' in css
            assert finders.find(f"web/fonts/{name}")
    assert css.count("font-display: swap") == 4
    assert finders.find("web/fonts/LICENSE-OFL.txt")


# ---------------------------------------------------------------- 404, 500, reserved slugs


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["/atlantis/", "/atlantis/opportunities/", "/khon-kaen/partners/nobody/", "/khon-kaen/no/such/page/"],
)
def test_not_found_pages_are_in_the_users_language(client, city, language, path):
    prefix = "/en" if language == "en" else ""
    page = get_page(client, prefix + path, language, status=404)
    assert len(page.select("h1")) == 1
    assert page.select("footer.site-footer")
    switch = page.select_one("#language-switch a")
    assert switch.get("href") == (path if language == "en" else "/en" + path)


def test_not_found_under_a_known_city_keeps_its_navigation(client, city):
    page = parse_response(client.get("/en/khon-kaen/partners/nobody/"))
    assert page.select_one("nav.site-nav a").get("href") == "/en/khon-kaen/"
    assert not parse_response(client.get("/en/atlantis/")).select("nav.site-nav")


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_error_page_needs_no_database(language, django_assert_num_queries):
    request = RequestFactory().get("/khon-kaen/")
    with translation.override(language), django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    page = parse(response.content.decode())
    assert page.select_one("html").get("lang") == language
    assert len(page.select("h1")) == 1


def test_config_routes_errors_to_the_site_pages():
    import config.urls

    assert config.urls.handler404 == "rianru.web.views.page_not_found"
    assert config.urls.handler500 == "rianru.web.views.server_error"


def test_reserved_slugs_never_reach_a_city_page(client, reference_data):
    for slug in RESERVED_CITY_SLUGS:
        CityFactory(slug=slug)
        with pytest.raises(NoReverseMatch):
            reverse("web:city_home", kwargs={"city": slug})
    assert client.get("/static/").status_code == 404
    assert client.get("/api/").status_code == 404
    assert client.get("/admin/").status_code == 302  # the admin, not a city


def test_another_citys_partner_is_never_shown(client, city, partner):
    yala = CityFactory(slug="yala")
    PartnerFactory(city=yala, slug="kku", name_en="Yala namesake")
    page = parse_response(client.get(url("web:partner_detail", "en", city="khon-kaen", slug="kku")))
    assert page.select_one("h1").text == "Khon Kaen University"
    assert "Yala namesake" not in page.text
    home = parse_response(client.get(url("web:city_home", "en", city="yala")))
    assert "Khon Kaen University" not in home.text


# ---------------------------------------------------------------- every page


@pytest.fixture
def one_of_everything(partner):
    city = partner.city
    opportunity = OpportunityFactory(city=city, provider=partner, slug="coding")
    space = LearningSpaceFactory(city=city, owner=partner, slug="library")
    SessionFactory(opportunity=opportunity, space=space)
    return {
        "web:city_home": {},
        "catalogue:opportunity_list": {},
        "catalogue:opportunity_detail": {"slug": "coding"},
        "catalogue:space_list": {},
        "catalogue:space_detail": {"slug": "library"},
        "network:partner_list": {},
        "web:partner_detail": {"slug": "kku"},
        "network:mou_list": {},
        "network:mou_detail": {"slug": "mou-2024"},
        "monitoring:sdg_index": {},
        "monitoring:sdg_detail": {"number": 4},
        "monitoring:city_overview": {},
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_both_languages(client, one_of_everything, language):
    for name, kwargs in one_of_everything.items():
        response = client.get(url(name, language, city="khon-kaen", **kwargs))
        assert response.status_code == 200, name
        page = parse_response(response)
        assert page.select_one("html").get("lang") == language, name
        assert len(page.select("h1")) == 1, name
        assert page.select_one("nav.site-nav a[aria-current=page]"), name
        ids = [node.get("id") for node in page.select("[id]")]
        assert len(ids) == len(set(ids)), name
        labelled = {label.get("for") for label in page.select("label[for]")}
        assert all(c.get("id") in labelled for c in page.select("select, input")), name
        other = page.select_one("#language-switch a")
        assert client.get(other.get("href")).status_code == 200, name


def test_times_are_shown_in_the_citys_time_zone(client, reference_data):
    tokyo = CityFactory(slug="tokyo-demo", time_zone="Asia/Tokyo")
    starts = dt.datetime(2031, 1, 10, 0, 30, tzinfo=dt.UTC)  # 07:30 in Bangkok, 09:30 in Tokyo
    SessionFactory(opportunity=OpportunityFactory(city=tokyo, slug="tea"), starts_at=starts)
    page = parse_response(
        client.get(url("catalogue:opportunity_detail", "en", city="tokyo-demo", slug="tea"))
    )
    assert "09:30" in page.select_one("#upcoming-sessions li").text


# ---------------------------------------------------------------- an ApplicationError escaping a page

# Real services' errors, made in the language of the request that raises them.
ERRORS = {
    "not_found": (404, ("ไม่พบ", "Not found"), lambda: CityNotFound("atlantis")),
    "invalid": (400, ("คำขอไม่ถูกต้อง", "Invalid request"), lambda: importer.decode(b"  ")),
    "not_allowed": (
        403,
        ("ไม่อนุญาต", "Not allowed"),
        lambda: importer.ensure_can_import(AnonymousUser(), None),
    ),
    "too_large": (413, ("ใหญ่เกินไป", "Too large"), lambda: importer.decode(b"x" * 11)),
}


def _error(make):
    try:
        error = make()
    except ApplicationError as raised:
        error = raised
    return error


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ERRORS)
def test_an_application_error_is_an_error_page_with_its_status(
    client, city, monkeypatch, settings, language, name
):
    status, title, make = ERRORS[name]
    settings.RIANRU_CATALOGUE_IMPORT_MAX_BYTES = 10

    def refuse(**kwargs):
        raise _error(make)

    monkeypatch.setattr(views.selectors, "city_home", refuse)
    home = url("web:city_home", language, city="khon-kaen")
    page = get_page(client, home, language, status=status)
    with translation.override(language):
        message = str(_error(make).message)
    assert page.select_one("title").text.startswith(title[LANGUAGES.index(language)])
    assert page.select_one("h1").text == title[LANGUAGES.index(language)]
    assert page.select_one("p.lead").text == message
    assert bool(re.search("[\u0e00-\u0e7f]", message)) == (language == "th")  # translated
    assert (
        page.select_one("nav.site-nav a").get("href") == home
    )  # the site's layout, with the city's navigation
    assert page.select("footer.site-footer")


def test_a_not_found_error_page_says_what_is_missing(client, city, monkeypatch):
    def refuse(**kwargs):
        raise CityNotFound("atlantis")

    monkeypatch.setattr(views.selectors, "city_home", refuse)
    thai = get_page(client, "/khon-kaen/", "th", status=404)
    english = get_page(client, "/en/khon-kaen/", "en", status=404)
    assert thai.select_one("p.lead").text == "ไม่มีเมืองชื่อ “atlantis”"
    assert english.select_one("p.lead").text == "There is no city called “atlantis”."


def test_the_api_and_the_xapi_store_keep_their_own_errors(rf):
    middleware = ApplicationErrorMiddleware(lambda request: None)
    for path in ("/api/v1/cities/", "/xapi/statements"):
        assert middleware.process_exception(rf.get(path), NotFound("x")) is None
    assert middleware.process_exception(rf.get("/khon-kaen/"), ValueError("a bug")) is None  # still a 500
