import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.catalogue.tests.factories import (
    LearningSpaceFactory,
    OpportunityFactory,
    SessionFactory,
    TopicFactory,
)
from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.network.models import Sector
from rianru.network.tests.factories import CityFactory, PartnerFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def card_titles(page) -> list[str]:
    return page.texts("#results .card h3 a")


# ---------------------------------------------------------------- opportunity list


@pytest.mark.parametrize("language", LANGUAGES)
def test_opportunity_list_shows_published_opportunities_as_cards(client, city, language):
    provider = PartnerFactory(city=city, name_th="มหาวิทยาลัยขอนแก่น", name_en="Khon Kaen University")
    shown = OpportunityFactory(
        city=city, provider=provider, title_th="ทอผ้าไหม", title_en="Silk weaving", price_thb=Decimal("1200")
    )
    shown.life_stages.set(["working_age", "older_people"])
    SessionFactory(opportunity=shown, starts_at=timezone.now() + dt.timedelta(days=3))
    OpportunityFactory(city=city, title_en="A draft", title_th="ร่าง", status=Opportunity.Status.DRAFT)

    page = get_page(client, url("catalogue:opportunity_list", language, city="khon-kaen"), language)
    assert len(page.select("h1")) == 1
    (card,) = page.select("#results .card")
    title = "ทอผ้าไหม" if language == "th" else "Silk weaving"
    assert card.select_one("h3 a").text == title
    assert card.select_one("h3 a").get("href") == url(
        "catalogue:opportunity_detail", language, city="khon-kaen", slug=shown.slug
    )
    assert ("มหาวิทยาลัยขอนแก่น" if language == "th" else "Khon Kaen University") in card.text
    assert "฿1,200" in card.text
    assert card.select("time[datetime]")
    stages = "วัยทำงาน, ผู้สูงอายุ" if language == "th" else "Working age, Older people"
    assert stages in card.text


def test_every_filter_control_has_a_label(client, city):
    page = parse_response(client.get(url("catalogue:opportunity_list", city="khon-kaen")))
    controls = page.select("form.filters select, form.filters input")
    assert {c.get("name") for c in controls} == {"life_stage", "sdg", "sector", "mode", "zone", "free"}
    labelled = {label.get("for") for label in page.select("form.filters label")}
    assert all(c.get("id") in labelled for c in controls)
    assert page.select_one("input[name=free]").get("value") == "1"  # submits free=1
    assert page.select_one("input[name=free]").get("checked") is None
    form = page.select_one("form.filters")
    assert form.get("method") == "get"
    assert form.get("hx-get") == form.get("action")
    assert form.get("hx-push-url") == "true"


def test_thai_dates_use_the_buddhist_era_and_english_the_gregorian_year(client, city):
    starts = timezone.make_aware(dt.datetime(2031, 3, 15, 10, 0))  # Bangkok time
    SessionFactory(opportunity=OpportunityFactory(city=city), starts_at=starts)

    thai_page = parse_response(client.get(url("catalogue:opportunity_list", "th", city="khon-kaen")))
    english_page = parse_response(client.get(url("catalogue:opportunity_list", "en", city="khon-kaen")))

    thai_date = thai_page.select_one("#results .card time").text
    english_date = english_page.select_one("#results .card time").text
    assert "15 มีนาคม 2574" in thai_date and "10:00 น." in thai_date
    assert "15 March 2031" in english_date and "2574" not in english_date


@pytest.fixture
def filter_set(city):
    """Opportunities each of which one filter excludes."""
    zone_1, zone_2 = ZoneFactory(city=city, number=1), ZoneFactory(city=city, number=2)
    education = PartnerFactory(city=city, sector=Sector.EDUCATION)
    government = PartnerFactory(city=city, sector=Sector.GOVERNMENT)
    soon = timezone.now() + dt.timedelta(days=5)

    def opportunity(title, *, provider, stages=(), goals=(), price=0, mode="onsite", zone=zone_1):
        item = OpportunityFactory(
            city=city, provider=provider, title_en=title, title_th=title, price_thb=price, mode=mode
        )
        item.life_stages.set(stages)
        item.sdg_goals.set(goals)
        SessionFactory(
            opportunity=item, starts_at=soon, space=LearningSpaceFactory(city=city, owner=provider, zone=zone)
        )
        return item

    return {
        "children-sdg4": opportunity(
            "Storytime", provider=education, stages=["young_children"], goals=[4], mode="onsite"
        ),
        "elders-paid": opportunity(
            "Tai chi", provider=government, stages=["older_people"], goals=[3], price=200, mode="onsite"
        ),
        "online-zone2": opportunity(
            "Coding", provider=education, stages=["working_age"], goals=[4, 8], mode="blended", zone=zone_2
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Storytime", "Tai chi", "Coding"}),
        ("life_stage=young_children", {"Storytime"}),
        ("sdg=4", {"Storytime", "Coding"}),
        ("sector=government", {"Tai chi"}),
        ("free=1", {"Storytime", "Coding"}),
        ("mode=blended", {"Coding"}),
        ("zone=2", {"Coding"}),
        ("sdg=4&zone=1", {"Storytime"}),
    ],
)
def test_filters_filter(client, filter_set, query, expected):
    response = client.get(url("catalogue:opportunity_list", city="khon-kaen") + "?" + query)
    assert set(card_titles(parse_response(response))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "life_stage=martians",
        "sdg=99",
        "sdg=abc",
        "sector=%00",
        "mode=teleport",
        "zone=-1",
        "zone=1e9",
        "free=maybe",
        "page=abc",
        "page=999999",
        "sdg=4&sdg=x",
        "life_stage[]=1",
    ],
)
def test_garbage_filter_values_are_ignored_with_a_message(client, filter_set, query):
    response = client.get(url("catalogue:opportunity_list", city="khon-kaen") + "?" + query)
    assert response.status_code == 200
    page = parse_response(response)
    assert card_titles(page)  # the list is still shown
    if not query.startswith(("page=", "free=", "life_stage[]")):
        assert page.select("#results .message")


def test_the_form_shows_the_current_filters(client, filter_set):
    response = client.get(url("catalogue:opportunity_list", city="khon-kaen") + "?free=1&sdg=4&mode=blended")
    page = parse_response(response)
    assert page.select_one("input[name=free]").get("checked") is not None
    assert page.select_one("select[name=sdg] option[selected]").get("value") == "4"
    assert page.select_one("select[name=mode] option[selected]").get("value") == "blended"
    assert not page.select("#results .message")


def test_a_bad_value_ignores_that_filter_only(client, filter_set):
    response = client.get(url("catalogue:opportunity_list", city="khon-kaen") + "?sdg=99&sector=government")
    page = parse_response(response)
    assert card_titles(page) == ["Tai chi"]
    assert page.select("#results .message")


def test_htmx_request_gets_only_the_results_fragment(client, filter_set):
    list_url = url("catalogue:opportunity_list", "en", city="khon-kaen")
    response = client.get(list_url + "?mode=blended", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    page = parse_response(response)
    assert page.select_one("#results")
    assert card_titles(page) == ["Coding"]
    # The language switch is swapped out of band so it keeps the new query string.
    switch = page.select_one("#language-switch[hx-swap-oob=true]")
    assert switch.select_one("a[hreflang=th]").get("href") == "/khon-kaen/opportunities/?mode=blended"


def test_htmx_history_restore_gets_the_whole_page(client, filter_set):
    response = client.get(
        url("catalogue:opportunity_list", city="khon-kaen"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_pagination_keeps_the_filters(client, city):
    provider = PartnerFactory(city=city)
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(30):
        SessionFactory(
            opportunity=OpportunityFactory(city=city, provider=provider, title_en=f"Course {n:02d}"),
            starts_at=start + dt.timedelta(hours=n),
        )
    base = url("catalogue:opportunity_list", "en", city="khon-kaen")

    first = parse_response(client.get(base + "?free=1"))
    second = parse_response(client.get(base + "?free=1&page=2"))

    assert len(card_titles(first)) == 24
    assert card_titles(first)[0] == "Course 00"  # soonest first
    assert len(card_titles(second)) == 6
    assert not set(card_titles(first)) & set(card_titles(second))
    next_link = first.select_one(".pagination a[rel=next]")
    assert next_link.get("href") == "?free=1&page=2"
    assert next_link.get("hx-get") == "?free=1&page=2"
    assert second.select_one(".pagination a[rel=prev]").get("href") == "?free=1&page=1"


def _catalogue_with(city, n: int) -> None:
    zone = ZoneFactory(city=city, number=1)
    for i in range(n):
        provider = PartnerFactory(city=city)
        opportunity = OpportunityFactory(city=city, provider=provider)
        opportunity.life_stages.set(["school_age", "working_age"])
        opportunity.sdg_goals.set([4])
        space = LearningSpaceFactory(city=city, owner=provider, zone=zone)
        SessionFactory(
            opportunity=opportunity, space=space, starts_at=timezone.now() + dt.timedelta(days=i + 1)
        )


# city, count, page, life stages prefetch, life stages, SDG goals, zones (form choices)
OPPORTUNITY_LIST_QUERIES = 7


@pytest.mark.parametrize("n", [3, 20])
@pytest.mark.parametrize("query", ["", "?sdg=4&zone=1&life_stage=school_age&free=1&sector=government"])
def test_opportunity_list_query_count_is_constant(client, city, django_assert_num_queries, n, query):
    _catalogue_with(city, n)
    with django_assert_num_queries(OPPORTUNITY_LIST_QUERIES):
        response = client.get(url("catalogue:opportunity_list", city="khon-kaen") + query)
    assert response.status_code == 200


# ---------------------------------------------------------------- opportunity detail


@pytest.fixture
def full_opportunity(city):
    provider = PartnerFactory(
        city=city, slug="kku", name_en="Khon Kaen University", name_th="มหาวิทยาลัยขอนแก่น"
    )
    topic = TopicFactory(slug="weaving", name_en="Weaving", name_th="การทอผ้า")
    opportunity = OpportunityFactory(
        city=city,
        provider=provider,
        slug="silk-weaving",
        title_th="ทอผ้าไหมมัดหมี่",
        title_en="Mudmee silk weaving",
        kind=Opportunity.Kind.COURSE,
        price_thb=Decimal("1200"),
        has_certificate=True,
        hours=Decimal("12.0"),
        language=Opportunity.Language.THAI,
        age_min=15,
        age_max=60,
        registration_url="https://example.org/register",
        is_demo=True,
    )
    opportunity.life_stages.set(["working_age"])
    opportunity.topics.set([topic])
    opportunity.sdg_goals.set([4, 8])
    opportunity.sdg_targets.set(["4.4"])
    opportunity.kflc_features.set(["1.1.1"])
    space = LearningSpaceFactory(city=city, owner=provider, slug="silk-centre", name_en="Silk centre")
    now = timezone.now()
    SessionFactory(
        opportunity=opportunity,
        space=space,
        starts_at=timezone.make_aware(dt.datetime(2031, 1, 10, 9, 0)),
        registration_opens_at=now - dt.timedelta(days=1),
        capacity=25,
    )
    SessionFactory(
        opportunity=opportunity,
        place_en="Village hall",
        place_th="ศาลาประชาคม",
        starts_at=now + dt.timedelta(days=2),
        registration_opens_at=now + dt.timedelta(days=1),
    )
    SessionFactory(
        opportunity=opportunity,
        starts_at=now - dt.timedelta(days=30),
    )
    return opportunity


@pytest.mark.parametrize("language", LANGUAGES)
def test_opportunity_detail_shows_everything(client, full_opportunity, language):
    page = get_page(client, full_opportunity_url(language), language)
    assert page.select_one("h1").text == ("ทอผ้าไหมมัดหมี่" if language == "th" else "Mudmee silk weaving")
    assert page.select("article .badge--demo")
    provider_link = page.select_one(
        "aside a[href='/%skhon-kaen/partners/kku/']" % ("en/" if language == "en" else "")
    )
    assert provider_link.text == ("มหาวิทยาลัยขอนแก่น" if language == "th" else "Khon Kaen University")
    assert "฿1,200" in page.select_one("aside").text
    assert ("การทอผ้า" if language == "th" else "Weaving") in page.select_one("aside").text
    chips = page.select("aside a.sdg-chip")
    prefix = "/en" if language == "en" else ""
    assert [chip.get("href") for chip in chips] == [
        f"{prefix}/khon-kaen/sdg/4/",
        f"{prefix}/khon-kaen/sdg/8/",
    ]
    assert "--sdg: #C5192D" in chips[0].get("style")
    assert "4.4" in page.select_one("aside").text
    assert "1.1.1" in page.select_one("aside").text
    assert page.select_one("a.button[href='https://example.org/register']")


def full_opportunity_url(language: str) -> str:
    return url("catalogue:opportunity_detail", language, city="khon-kaen", slug="silk-weaving")


def test_opportunity_detail_lists_upcoming_sessions_first_with_registration_state(client, full_opportunity):
    page = parse_response(client.get(full_opportunity_url("th")))

    sessions = page.select("#upcoming-sessions > li")
    assert len(sessions) == 2  # the past one is under "past sessions"
    soon, later = sessions
    assert "ศาลาประชาคม" in soon.text
    assert soon.select(".badge--closed")  # registration opens tomorrow
    assert "10 มกราคม 2574" in later.text and "09:00–12:00 น." in later.text
    assert later.select_one("a[href='/khon-kaen/spaces/silk-centre/']")
    assert later.select(".badge--open")
    assert "25" in later.text
    assert page.select("details .sessions li")


def test_opportunity_detail_in_english_uses_gregorian_years(client, full_opportunity):
    page = parse_response(client.get(full_opportunity_url("en")))
    later = page.select("#upcoming-sessions > li")[1]
    assert "10 January 2031" in later.text and "2574" not in later.text


def test_draft_opportunity_is_not_found(client, city):
    OpportunityFactory(city=city, slug="secret", status=Opportunity.Status.DRAFT)
    assert client.get(url("catalogue:opportunity_detail", city="khon-kaen", slug="secret")).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_opportunity_is_a_404_in_the_users_language(client, city, language):
    page = get_page(
        client,
        url("catalogue:opportunity_detail", language, city="khon-kaen", slug="nope"),
        language,
        status=404,
    )
    # the layout keeps the city's navigation
    assert page.select("nav.site-nav a")


# ---------------------------------------------------------------- spaces


@pytest.fixture
def spaces(city):
    zone_1, zone_2 = ZoneFactory(city=city, number=1), ZoneFactory(city=city, number=2)
    return {
        "library": LearningSpaceFactory(
            city=city, name_en="Central library", kind=LearningSpace.Kind.LIBRARY, zone=zone_1,
            is_accessible=True, accessibility=["wheelchair", "ramp"],
        ),
        "museum": LearningSpaceFactory(
            city=city, name_en="City museum", kind=LearningSpace.Kind.MUSEUM, zone=zone_2
        ),
        "park": LearningSpaceFactory(
            city=city, name_en="Bueng Kaen Nakhon park", kind=LearningSpace.Kind.PARK, zone=zone_1
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Central library", "City museum", "Bueng Kaen Nakhon park"}),
        ("kind=museum", {"City museum"}),
        ("zone=1", {"Central library", "Bueng Kaen Nakhon park"}),
        ("accessible=1", {"Central library"}),
        ("kind=library&zone=2", set()),
        ("kind=spaceship&zone=x", {"Central library", "City museum", "Bueng Kaen Nakhon park"}),
    ],
)
def test_space_filters_filter(client, spaces, query, expected):
    response = client.get(url("catalogue:space_list", "en", city="khon-kaen") + "?" + query)
    assert response.status_code == 200
    assert set(card_titles(parse_response(response))) == expected


def test_space_list_htmx_fragment(client, spaces):
    response = client.get(
        url("catalogue:space_list", city="khon-kaen") + "?kind=park", headers={"HX-Request": "true"}
    )
    assert "<html" not in response.content.decode()
    assert len(parse_response(response).select("#results .card")) == 1


def test_space_list_sorts_thai_names_in_dictionary_order(client, city):
    for name in ("อุทยาน", "เทศบาล", "กลาง"):
        LearningSpaceFactory(city=city, name_th=name)
    page = parse_response(client.get(url("catalogue:space_list", city="khon-kaen")))
    assert card_titles(page) == ["กลาง", "เทศบาล", "อุทยาน"]


# city, spaces, zones (form choices)
SPACE_LIST_QUERIES = 3


@pytest.mark.parametrize("n", [3, 20])
def test_space_list_query_count_is_constant(client, city, django_assert_num_queries, n):
    _catalogue_with(city, n)
    with django_assert_num_queries(SPACE_LIST_QUERIES):
        response = client.get(url("catalogue:space_list", city="khon-kaen") + "?zone=1")
    assert len(parse_response(response).select("#results .card")) == n


@pytest.mark.parametrize("language", LANGUAGES)
def test_space_detail_shows_everything(client, city, language):
    owner = PartnerFactory(
        city=city, slug="kkmuni", name_en="Khon Kaen Municipality", name_th="เทศบาลนครขอนแก่น"
    )
    zone = ZoneFactory(city=city, number=3, name_en="Zone 3", name_th="เขต 3")
    space = LearningSpaceFactory(
        city=city, owner=owner, zone=zone, slug="city-library", name_en="City library",
        name_th="ห้องสมุดเทศบาล", address_en="1 Klang Mueang Rd", address_th="1 ถนนกลางเมือง",
        opening_hours_en="Tue–Sun 9:00–17:00", opening_hours_th="อังคาร–อาทิตย์ 9:00–17:00",
        facilities=["wifi", "computers"], accessibility=["wheelchair"],
        latitude=Decimal("16.432100"), longitude=Decimal("102.835400"),
    )  # fmt: skip
    opportunity = OpportunityFactory(city=city, title_en="Reading club", title_th="ชมรมนักอ่าน")
    SessionFactory(opportunity=opportunity, space=space, starts_at=timezone.now() + dt.timedelta(days=4))
    SessionFactory(
        opportunity=OpportunityFactory(city=city, title_en="Hidden draft", status=Opportunity.Status.DRAFT),
        space=space,
    )

    page = get_page(
        client, url("catalogue:space_detail", language, city="khon-kaen", slug="city-library"), language
    )
    english = language == "en"
    assert page.select_one("h1").text == ("City library" if english else "ห้องสมุดเทศบาล")
    aside = page.select_one("aside").text
    assert ("1 Klang Mueang Rd" if english else "1 ถนนกลางเมือง") in aside
    assert ("Tue–Sun" if english else "อังคาร–อาทิตย์") in aside
    assert ("Zone 3" if english else "เขต 3") in aside
    assert page.select_one("aside a[href$='/khon-kaen/partners/kkmuni/']")
    osm = page.select_one("a[href^='https://www.openstreetmap.org/']")
    assert "mlat=16.432100" in osm.get("href") and "mlon=102.835400" in osm.get("href")
    assert not page.select("iframe") and not page.select("img[src^='http']")
    assert len(page.select("aside ul li")) == 3  # two facilities, one accessibility feature
    sessions = page.texts("ul.sessions li a")
    assert sessions == ["Reading club" if english else "ชมรมนักอ่าน"]


def test_unknown_space_is_a_404(client, city):
    assert client.get(url("catalogue:space_detail", "en", city="khon-kaen", slug="nope")).status_code == 404


# ---------------------------------------------------------------- city isolation


def test_another_citys_opportunities_and_spaces_never_show(client, city):
    other = CityFactory(slug="yala", name_en="Yala")
    OpportunityFactory(city=city, slug="ours", title_en="Ours")
    theirs = OpportunityFactory(city=other, slug="theirs", title_en="Theirs")
    SessionFactory(opportunity=theirs)
    LearningSpaceFactory(city=city, slug="our-space", name_en="Our space")
    LearningSpaceFactory(city=other, slug="their-space", name_en="Their space")

    opportunities = parse_response(client.get(url("catalogue:opportunity_list", "en", city="khon-kaen")))
    spaces = parse_response(client.get(url("catalogue:space_list", "en", city="khon-kaen")))

    assert card_titles(opportunities) == ["Ours"]
    assert card_titles(spaces) == ["Our space"]
    for language in LANGUAGES:
        assert (
            client.get(
                url("catalogue:opportunity_detail", language, city="khon-kaen", slug="theirs")
            ).status_code
            == 404
        )
        assert (
            client.get(
                url("catalogue:space_detail", language, city="khon-kaen", slug="their-space")
            ).status_code
            == 404
        )
        assert (
            client.get(url("catalogue:opportunity_detail", language, city="yala", slug="theirs")).status_code
            == 200
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_city_is_a_404_in_the_users_language(client, reference_data, language):
    response = client.get(url("catalogue:opportunity_list", language, city="atlantis"))
    assert response.status_code == 404
    assert parse_response(response).select_one("html").get("lang") == language
