import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.network.tests.factories import CityFactory, CommunityFactory, ZoneFactory

pytestmark = pytest.mark.django_db

CENTRE = (16.4419, 102.8360)
KM = 1 / 111.195  # degrees of latitude per km


def space(city, *, north_km=0.0, **fields) -> LearningSpace:
    return LearningSpaceFactory(
        city=city,
        latitude=Decimal(f"{CENTRE[0] + north_km * KM:.6f}"),
        longitude=Decimal(f"{CENTRE[1]:.6f}"),
        **fields,
    )


@pytest.fixture
def spaces(city):
    """Three spaces north of the centre, 0.5, 1.5 and 8 km away, in one community and zone."""
    zone = ZoneFactory(city=city, number=1, name_th="เขต 1", name_en="Zone 1")
    community = CommunityFactory(zone=zone, slug="ban-tum", name_th="บ้านตูม", name_en="Ban Tum")
    return {
        "community": community,
        "library": space(
            city, north_km=0.5, slug="library", name_th="ห้องสมุดประชาชน", name_en="Public library",
            zone=zone, community=community,
        ),
        "museum": space(
            city, north_km=1.5, slug="museum", name_th="พิพิธภัณฑ์", name_en="Museum",
            kind=LearningSpace.Kind.MUSEUM, is_accessible=True, zone=zone,
        ),
        "park": space(city, north_km=8, slug="park", name_th="สวนสาธารณะ", name_en="Park", kind="park"),
    }  # fmt: skip


def session_at(place, *, days: float, **fields):
    opportunity_fields = {k: fields.pop(k) for k in list(fields) if k in ("status", "title_th", "title_en")}
    opportunity = OpportunityFactory(city=place.city, **opportunity_fields)
    return SessionFactory(
        opportunity=opportunity, space=place, starts_at=timezone.now() + dt.timedelta(days=days), **fields
    )


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_page_lists_every_space_without_javascript(client, spaces, language):
    session_at(spaces["library"], days=2, title_th="นิทานยามเช้า", title_en="Morning stories")
    page = get_page(client, url("catalogue:map", language, city="khon-kaen"), language)

    assert len(page.select("h1")) == 1
    items = page.select("#results .map-list__item")
    names = [item.select_one("h3 a").text for item in items]
    if language == "th":
        assert names == ["พิพิธภัณฑ์", "สวนสาธารณะ", "ห้องสมุดประชาชน"]  # Thai reading order
    else:
        assert names == ["Museum", "Park", "Public library"]
    library = page.select_one("#space-library")
    assert library.select_one("h3 a").get("href") == url(
        "catalogue:space_detail", language, city="khon-kaen", slug="library"
    )
    assert ("นิทานยามเช้า" if language == "th" else "Morning stories") in library.text
    assert ("ห้องสมุด" if language == "th" else "Library") in library.select_one(".badge").text
    # The map itself is an enhancement: hidden until the script shows it, fed by the API.
    map_box = page.select_one("#map")
    assert map_box.get("hidden") is not None
    assert map_box.get("data-api") == "/api/v1/cities/khon-kaen/map"
    assert page.select_one("nav.site-nav a[aria-current=page]").get("href") == url(
        "catalogue:map", language, city="khon-kaen"
    )
    scripts = [s.get("src") for s in page.select("script[src]")]
    assert "/static/vendor/leaflet/leaflet.js" in scripts and "/static/catalogue/map.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)  # nothing from a CDN


def test_the_tile_server_is_a_setting_and_may_be_off(client, spaces, settings):
    settings.RIANRU_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = parse_response(client.get(url("catalogue:map", city="khon-kaen")))
    assert page.select_one("#map").get("data-tile-url") == "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.RIANRU_MAP_TILE_URL = ""
    page = parse_response(client.get(url("catalogue:map", city="khon-kaen")))
    assert page.select_one("#map").get("data-tile-url") == ""
    assert len(page.select("#results .map-list__item")) == 3  # the list does not need tiles


def test_map_filters_have_labels_and_filter_the_list(client, spaces):
    page = parse_response(client.get(url("catalogue:map", city="khon-kaen") + "?accessible=1"))
    assert [a.text for a in page.select("#results h3 a")] == ["พิพิธภัณฑ์"]
    controls = page.select("form.filters select, form.filters input")
    visible = [c for c in controls if c.get("type") != "hidden"]
    assert {c.get("name") for c in controls if c.get("type") == "hidden"} == {"lat", "lon"}
    assert {c.get("name") for c in visible} == {"kind", "zone", "community", "radius_km", "accessible"}
    labelled = {label.get("for") for label in page.select("form.filters label")}
    assert all(c.get("id") in labelled for c in visible)
    # the default radius is shown as chosen
    assert page.select_one("select[name=radius_km] option[selected]").get("value") == "5"
    assert (
        page.select_one("select[name=radius_km] option[selected]").text == "5 กม."
    )  # in the page's language
    # communities are grouped by zone
    assert page.select_one("select[name=community] optgroup").get("label") == "เขต 1"

    page = parse_response(client.get(url("catalogue:map", city="khon-kaen") + "?kind=park"))
    assert [a.text for a in page.select("#results h3 a")] == ["สวนสาธารณะ"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_near_a_community_lists_spaces_by_distance_within_the_radius(client, spaces, language):
    # Ban Tum's point is its only space, the library; the museum is 1 km from it, the park 7.5 km.
    path = url("catalogue:map", language, city="khon-kaen") + "?community=ban-tum&radius_km=2"
    page = get_page(client, path, language)
    items = page.select("#results .map-list__item")
    assert [item.get("data-slug") for item in items] == ["library", "museum"]
    distances = [item.select_one(".badge--distance").text for item in items]
    assert "0.0" in distances[0] and "1.0" in distances[1]
    heading = page.select_one("#results-heading").text
    assert ("บ้านตูม" if language == "th" else "Ban Tum") in heading and "2" in heading
    assert page.select_one("select[name=community] option[selected]").get("value") == "ban-tum"

    page = get_page(client, path.replace("radius_km=2", "radius_km=10"), language)
    assert [i.get("data-slug") for i in page.select("#results .map-list__item")] == [
        "library",
        "museum",
        "park",
    ]


def test_near_the_browsers_point(client, spaces):
    lat = f"{CENTRE[0] + 7 * KM:.6f}"  # 1 km south of the park
    page = parse_response(
        client.get(url("catalogue:map", city="khon-kaen") + f"?lat={lat}&lon={CENTRE[1]}&radius_km=10")
    )
    assert [i.get("data-slug") for i in page.select("#results .map-list__item")] == [
        "park",
        "museum",
        "library",
    ]
    assert page.select_one("ol.map-list").get("data-lat") == lat


@pytest.mark.parametrize(
    "query",
    ["lat=91&lon=100", "lat=abc&lon=1", "lat=16.4", "lat=nan&lon=nan", "community=nowhere", "radius_km=3",
     "kind=castle", "zone=x"],
)  # fmt: skip
def test_bad_map_input_is_explained_and_never_an_error(client, spaces, query):
    response = client.get(url("catalogue:map", city="khon-kaen") + "?" + query)
    assert response.status_code == 200
    page = parse_response(response)
    assert page.select("#results .message")
    assert len(page.select("#results .map-list__item")) == 3  # the filter is ignored, not the page


def test_a_community_without_any_space_around_says_so(client, city):
    CommunityFactory(zone=ZoneFactory(city=city), slug="empty")
    response = client.get(url("catalogue:map", "en", city="khon-kaen") + "?community=empty")
    assert response.status_code == 200
    message = parse_response(response).select_one("#results .message").text
    assert message == "This community has no learning space to measure from yet."


def test_the_list_shows_sessions_of_the_next_two_weeks_only(client, spaces):
    library = spaces["library"]
    session_at(library, days=1, title_th="เร็วๆ นี้")
    session_at(library, days=13, title_th="สัปดาห์หน้า")
    session_at(library, days=20, title_th="อีกนาน")
    session_at(library, days=2, title_th="ยกเลิก", is_cancelled=True)
    session_at(library, days=2, title_th="ร่าง", status=Opportunity.Status.DRAFT)
    page = parse_response(client.get(url("catalogue:map", city="khon-kaen")))
    titles = page.texts("#space-library .map-list__sessions a")
    assert titles == ["เร็วๆ นี้", "สัปดาห์หน้า"]


def test_htmx_gets_only_the_results(client, spaces):
    response = client.get(
        url("catalogue:map", city="khon-kaen") + "?kind=museum", headers={"HX-Request": "true"}
    )
    page = parse_response(response)
    assert not page.select("h1") and not page.select("#map")
    assert [a.text for a in page.select("#results h3 a")] == ["พิพิธภัณฑ์"]
    assert "HX-Request" in response["Vary"]


def test_map_page_query_count(client, spaces, django_assert_max_num_queries):
    for days in range(5):
        session_at(spaces["library"], days=days + 1)
        session_at(spaces["museum"], days=days + 1)
    # city, zones, their communities, the community, its point, the spaces, their first sessions and counts
    with django_assert_max_num_queries(8):
        response = client.get(url("catalogue:map", city="khon-kaen") + "?community=ban-tum")
    assert len(parse_response(response).select("#results .map-list__item")) == 2


def test_leaflet_is_vendored_with_its_licence():
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/LICENSE",
                 "catalogue/map.js", "catalogue/map.css"):  # fmt: skip
        assert finders.find(path), path
    with open(finders.find("vendor/leaflet/leaflet.js"), encoding="utf-8") as script:
        assert 't.version="1.9.4"' in script.read()


# ---------------------------------------------------------------- the API


def map_api(client, query: str = "", **headers):
    return client.get(f"/api/v1/cities/khon-kaen/map{query}", headers=headers)


def test_map_api_is_geojson_in_the_requested_language(client, spaces):
    for days in (1, 2, 3, 4):
        session_at(spaces["library"], days=days, title_th=f"กิจกรรม {days}", title_en=f"Activity {days}")
    response = map_api(client, "?lang=en")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["center"] is None and data["session_days"] == 14
    by_slug = {feature["properties"]["slug"]: feature for feature in data["features"]}
    assert set(by_slug) == {"library", "museum", "park"}
    library = by_slug["library"]
    assert library["type"] == "Feature"
    assert library["geometry"]["type"] == "Point"
    lon, lat = library["geometry"]["coordinates"]  # GeoJSON order: longitude first
    assert (lat, lon) == pytest.approx(
        (float(spaces["library"].latitude), float(spaces["library"].longitude))
    )
    props = library["properties"]
    assert props["name"] == "Public library" and props["name_th"] == "ห้องสมุดประชาชน"
    assert props["kind"] == "library" and props["kind_label"] == "Library"
    assert props["url"] == "/en/khon-kaen/spaces/library/"
    assert props["upcoming_count"] == 4
    assert [s["title"] for s in props["next_sessions"]] == ["Activity 1", "Activity 2", "Activity 3"]
    assert props["next_sessions"][0]["url"].startswith("/en/khon-kaen/opportunities/")
    assert props["distance_km"] is None

    thai = map_api(client, "?lang=th").json()
    library = next(f for f in thai["features"] if f["properties"]["slug"] == "library")["properties"]
    assert library["name"] == "ห้องสมุดประชาชน" and library["url"] == "/khon-kaen/spaces/library/"
    assert library["next_sessions"][0]["title"] == "กิจกรรม 1"
    assert str(timezone.now().year + 543)[2:] in library["next_sessions"][0]["when"]  # Buddhist era
    # Without lang, Thai (the API lives at an unprefixed, i.e. Thai, path).
    default = map_api(client, HTTP_ACCEPT_LANGUAGE="en").json()
    assert default["features"][0]["properties"]["url"].startswith("/khon-kaen/")


def test_map_api_near_a_point_or_community(client, spaces):
    data = map_api(client, f"?lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=2").json()
    assert [f["properties"]["slug"] for f in data["features"]] == ["library", "museum"]
    assert [f["properties"]["distance_km"] for f in data["features"]] == pytest.approx([0.5, 1.5], abs=0.01)
    assert data["center"] == pytest.approx([CENTRE[1], CENTRE[0]]) and data["radius_km"] == 2

    data = map_api(client, "?community=ban-tum&radius_km=10&kind=museum").json()
    assert [f["properties"]["slug"] for f in data["features"]] == ["museum"]
    assert data["features"][0]["properties"]["distance_km"] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?lat=91&lon=100", 400),
        ("?lat=16.4", 400),
        ("?lat=abc&lon=100", 400),
        ("?radius_km=0", 400),
        ("?radius_km=1000", 400),
        ("?kind=castle", 400),
        ("?lang=fr", 400),
        ("?community=nowhere", 400),
    ],
)
def test_map_api_refuses_bad_input_with_a_problem(client, spaces, query, status):
    response = map_api(client, query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == status


def test_map_api_unknown_city_and_other_cities(client, spaces):
    assert client.get("/api/v1/cities/atlantis/map").status_code == 404
    other = CityFactory(slug="yala")
    LearningSpaceFactory(city=other, slug="yala-library")
    slugs = {f["properties"]["slug"] for f in map_api(client).json()["features"]}
    assert "yala-library" not in slugs


def test_map_api_query_count(client, spaces, django_assert_max_num_queries):
    for days in range(10):
        session_at(spaces["library"], days=days + 1)
        session_at(spaces["park"], days=days + 1)
    with django_assert_max_num_queries(4):  # city, spaces, their first sessions, their session counts
        assert map_api(client).status_code == 200
    with django_assert_max_num_queries(6):
        assert map_api(client, "?community=ban-tum&radius_km=10").status_code == 200
