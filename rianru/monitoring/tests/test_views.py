import datetime as dt

import pytest
from django.utils import timezone

from rianru.catalogue.models import Opportunity
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.monitoring import selectors
from rianru.network.models import Commitment, Sector
from rianru.network.tests.factories import CityFactory, PartnerFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(city):
    """Live opportunities for SDGs 4 and 8, one past one for SDG 3, spaces in two zones."""
    zone_1 = ZoneFactory(city=city, number=1, name_en="North", name_th="เหนือ")
    zone_2 = ZoneFactory(city=city, number=2, name_en="South", name_th="ใต้")
    kku = PartnerFactory(
        city=city,
        slug="kku",
        name_en="Khon Kaen University",
        name_th="มหาวิทยาลัยขอนแก่น",
        sector=Sector.EDUCATION,
    )
    bank = PartnerFactory(city=city, slug="bank", name_en="Community Bank", sector=Sector.PRIVATE)
    temple = PartnerFactory(
        city=city, slug="temple", name_en="Temple Foundation", name_th="มูลนิธิวัด", sector=Sector.CIVIL_SOCIETY
    )
    library = LearningSpaceFactory(city=city, owner=kku, zone=zone_1)
    LearningSpaceFactory(city=city, owner=kku, zone=zone_1)
    LearningSpaceFactory(city=city, owner=bank, zone=zone_2)
    now = timezone.now()

    coding = OpportunityFactory(city=city, provider=kku, title_en="Coding", title_th="เขียนโค้ด")
    coding.sdg_goals.set([4, 8])
    coding.sdg_targets.set(["4.4"])
    coding.life_stages.set(["working_age", "school_age"])
    SessionFactory(opportunity=coding, space=library, starts_at=now + dt.timedelta(days=2))

    reading = OpportunityFactory(
        city=city, provider=kku, title_en="Reading online", title_th="อ่านออนไลน์",
        kind=Opportunity.Kind.ONLINE_RESOURCE, mode=Opportunity.Mode.ONLINE,
    )  # fmt: skip
    reading.sdg_goals.set([4])
    reading.life_stages.set(["school_age"])

    past = OpportunityFactory(city=city, provider=bank, title_en="Old health talk")
    past.sdg_goals.set([3])
    SessionFactory(opportunity=past, starts_at=now - dt.timedelta(days=30))

    commitment = Commitment.objects.create(
        city=city, partner=temple, title_en="Teach meditation", title_th="สอนสมาธิ"
    )
    commitment.sdg_goals.set([4])
    return {"coding": coding, "reading": reading, "past": past}


def test_sdg_index_counts_live_opportunities(city, offer):
    counts = {row["goal"].number: row["count"] for row in selectors.sdg_index(city=city, now=timezone.now())}
    assert len(counts) == 17
    assert counts[4] == 2 and counts[8] == 1
    assert counts[3] == 0  # its only session is over


@pytest.mark.parametrize("language", LANGUAGES)
def test_sdg_index_page(client, offer, language):
    page = get_page(client, url("monitoring:sdg_index", language, city="khon-kaen"), language)
    tiles = page.select("a.sdg-tile")
    assert len(tiles) == 17
    tile_4 = tiles[3]
    assert tile_4.select_one(".sdg-tile__number").text == "4"
    assert "--sdg: #C5192D" in tile_4.get("style")
    assert ("การศึกษาที่มีคุณภาพ" if language == "th" else "Quality Education") in tile_4.text
    assert "2" in tile_4.select_one(".muted").text
    assert "0" in tiles[2].select_one(".muted").text


@pytest.mark.parametrize("language", LANGUAGES)
def test_sdg_detail_shows_the_goal_its_targets_offer_and_partners(client, offer, language):
    page = get_page(client, url("monitoring:sdg_detail", language, city="khon-kaen", number=4), language)
    english = language == "en"
    assert ("Quality Education" if english else "การศึกษาที่มีคุณภาพ") in page.select_one("h1").text
    # the other language's name is shown too
    assert ("การศึกษาที่มีคุณภาพ" if english else "Quality Education") in page.select_one("header.sdg-header").text
    assert "--sdg: #C5192D" in page.select_one("header.sdg-header").get("style")
    targets = page.select("section[aria-labelledby=targets-heading] li")
    assert len(targets) == 10  # 4.1–4.7, 4.a–4.c
    target_4_4 = next(t for t in targets if t.select_one("strong").text == "4.4")
    assert "1" in target_4_4.select_one(".bar").text
    assert set(page.texts("section[aria-labelledby=offer-heading] .card h3 a")) == (
        {"Coding", "Reading online"} if english else {"เขียนโค้ด", "อ่านออนไลน์"}
    )
    partners = page.texts("section[aria-labelledby=partners-heading] li a")
    # the provider of live SDG 4 opportunities and the partner committed to SDG 4, not the bank
    assert partners == (
        ["Khon Kaen University", "Temple Foundation"] if english else ["มหาวิทยาลัยขอนแก่น", "มูลนิธิวัด"]
    )


def test_sdg_without_targets_or_offer(client, offer):
    page = parse_response(client.get(url("monitoring:sdg_detail", "en", city="khon-kaen", number=3)))
    assert not page.select("section[aria-labelledby=targets-heading]")
    assert not page.select("section[aria-labelledby=offer-heading] .card")
    assert not page.select("section[aria-labelledby=partners-heading] li")


@pytest.mark.parametrize("number", [0, 18, 99])
def test_unknown_sdg_is_a_404(client, city, number):
    assert client.get(url("monitoring:sdg_detail", city="khon-kaen", number=number)).status_code == 404
    assert client.get("/khon-kaen/sdg/four/").status_code == 404


def test_city_overview_selector(city, offer):
    overview = selectors.city_overview(city=city, now=timezone.now())

    assert overview["sdg_covered"] == 2 and overview["sdg_total"] == 17
    assert overview["live_total"] == 2
    assert overview["space_total"] == 3
    sectors = {row["label"]: (row["count"], row["share"]) for row in overview["sectors"]}
    assert sectors[Sector.EDUCATION.label] == (1, 100)
    assert sectors[Sector.GOVERNMENT.label] == (0, 0)
    assert [(row["label"], row["count"]) for row in overview["opportunities_by_zone"]] == [
        ("เหนือ", 1),
        ("ใต้", 0),
    ]
    assert [(row["label"], row["count"], row["share"]) for row in overview["spaces_by_zone"]] == [
        ("เหนือ", 2, 100),
        ("ใต้", 1, 50),
    ]
    stages = {row["code"]: row["count"] for row in overview["life_stages"]}
    assert stages == {"infants": 0, "young_children": 0, "school_age": 2, "working_age": 1, "older_people": 0}


@pytest.mark.parametrize("language", LANGUAGES)
def test_city_overview_page(client, offer, language):
    page = get_page(client, url("monitoring:city_overview", language, city="khon-kaen"), language)
    assert len(page.select("h1")) == 1
    assert "2" in page.select_one("#sdg-coverage").text and "17" in page.select_one("#sdg-coverage").text
    bars = page.select("section[aria-labelledby=stages-heading] .bar")
    assert [bar.text for bar in bars] == ["0", "0", "2", "1", "0"]
    assert "--share: 100" in bars[2].get("style") and "--share: 50" in bars[3].get("style")
    assert all(script.get("src") for script in page.select("script"))  # bar charts are plain CSS


@pytest.mark.parametrize("n", [3, 20])
def test_sdg_and_overview_query_counts_are_constant(client, city, django_assert_num_queries, n):
    zone = ZoneFactory(city=city, number=1)
    for i in range(n):
        opportunity = OpportunityFactory(city=city)
        opportunity.sdg_goals.set([4, 1 + i % 17])
        opportunity.life_stages.set(["school_age"])
        space = LearningSpaceFactory(city=city, owner=opportunity.provider, zone=zone)
        SessionFactory(opportunity=opportunity, space=space)
    # city, SDG counts, goals
    with django_assert_num_queries(3):
        client.get(url("monitoring:sdg_index", city="khon-kaen"))
    # city, goal, targets' counts, targets, partners, opportunities count, page of opportunities, life stages
    with django_assert_num_queries(8):
        client.get(url("monitoring:sdg_detail", city="khon-kaen", number=4))
    # city, sector counts, zone counts, space counts, zones, life-stage counts, life stages, SDG counts,
    # goals, live total
    with django_assert_num_queries(10):
        client.get(url("monitoring:city_overview", city="khon-kaen"))


def test_monitoring_pages_are_city_scoped(client, city, offer):
    yala = CityFactory(slug="yala")
    theirs = OpportunityFactory(city=yala, title_en="Yala only", kind=Opportunity.Kind.ONLINE_RESOURCE)
    theirs.sdg_goals.set([4, 5])
    page = parse_response(client.get(url("monitoring:sdg_detail", "en", city="khon-kaen", number=4)))
    assert "Yala only" not in page.text
    assert selectors.city_overview(city=city, now=timezone.now())["sdg_covered"] == 2
    assert selectors.city_overview(city=yala, now=timezone.now())["sdg_covered"] == 2  # 4 and 5
    assert client.get(url("monitoring:city_overview", city="atlantis")).status_code == 404
