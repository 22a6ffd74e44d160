import math
from decimal import Decimal

import pytest

from rianru.catalogue import geo
from rianru.catalogue.models import LearningSpace
from rianru.catalogue.selectors import SpaceFilters
from rianru.catalogue.tests.factories import LearningSpaceFactory
from rianru.core.errors import ValidationFailed
from rianru.network.tests.factories import CityFactory, CommunityFactory, ZoneFactory

KHON_KAEN = (16.4419, 102.8360)
BANGKOK = (13.7563, 100.5018)


def offset(lat: float, lon: float, *, north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """A point about `north_km`/`east_km` away (fine for the few km these tests use)."""
    return (
        lat + north_km / geo.KM_PER_DEGREE,
        lon + east_km / (geo.KM_PER_DEGREE * math.cos(math.radians(lat))),
    )


def space_at(city, point, **fields) -> LearningSpace:
    lat, lon = point
    return LearningSpaceFactory(
        city=city, latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"), **fields
    )


# ---------------------------------------------------------------- distances and boxes


def test_distance_along_a_meridian_and_between_two_thai_cities():
    assert geo.distance_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)
    assert geo.distance_km(*KHON_KAEN, *KHON_KAEN) == 0
    # Khon Kaen to Bangkok is about 390 km as the crow flies (the spherical law of cosines agrees);
    # the distance is symmetric.
    (lat1, lon1), (lat2, lon2) = (map(math.radians, point) for point in (KHON_KAEN, BANGKOK))
    cosines = geo.EARTH_RADIUS_KM * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )
    assert geo.distance_km(*KHON_KAEN, *BANGKOK) == pytest.approx(cosines, abs=0.001)
    assert geo.distance_km(*KHON_KAEN, *BANGKOK) == pytest.approx(390, abs=3)
    assert geo.distance_km(*KHON_KAEN, *BANGKOK) == pytest.approx(geo.distance_km(*BANGKOK, *KHON_KAEN))
    assert geo.distance_km(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM)


@pytest.mark.parametrize("radius", [0.5, 2, 10, 100])
def test_the_bounding_box_holds_every_point_of_the_circle(radius):
    south, west, north, east = geo.bounding_box(*KHON_KAEN, radius)
    for bearing in range(0, 360, 15):
        north_km = radius * 0.999 * math.cos(math.radians(bearing))
        east_km = radius * 0.999 * math.sin(math.radians(bearing))
        lat, lon = offset(*KHON_KAEN, north_km=north_km, east_km=east_km)
        assert south <= lat <= north and west <= lon <= east, bearing
    # and it is not absurdly wide: about one radius each way
    assert (north - south) * geo.KM_PER_DEGREE == pytest.approx(2 * radius, rel=0.01)


def test_the_bounding_box_spans_every_longitude_near_a_pole_or_the_antimeridian():
    assert geo.bounding_box(89.99, 10, 5)[1::2] == (-180.0, 180.0)
    assert geo.bounding_box(0, 179.99, 5)[1::2] == (-180.0, 180.0)
    assert geo.bounding_box(0, -179.99, 5)[1::2] == (-180.0, 180.0)


# ---------------------------------------------------------------- parsing user input


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [("16.4419", "102.836", (16.4419, 102.836)), (" -90 ", "180", (-90.0, 180.0)), (0, 0, (0.0, 0.0))],
)
def test_parse_point_accepts_numbers_in_range(lat, lon, expected):
    assert geo.parse_point(lat, lon) == expected


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("90.5", "100", "lat"),
        ("16", "-181", "lon"),
        ("abc", "100", "lat"),
        ("", "100", "lat"),
        (None, "100", "lat"),
        ("nan", "100", "lat"),
        ("16", "Infinity", "lon"),
        ("1e400", "100", "lat"),
        ("16.4<script>", "100", "lat"),
    ],
)
def test_parse_point_refuses_anything_else_with_a_reason(lat, lon, field):
    with pytest.raises(ValidationFailed) as failure:
        geo.parse_point(lat, lon)
    assert failure.value.code == "invalid_point"
    assert failure.value.extra == {"field": field}
    assert field in str(failure.value.message)


@pytest.mark.parametrize("value", ["0", "-1", "101", "x", "nan", None])
def test_parse_radius_refuses_what_is_not_a_sensible_distance(value):
    with pytest.raises(ValidationFailed):
        geo.parse_radius(value)
    assert geo.parse_radius("2.5") == 2.5


# ---------------------------------------------------------------- a community's point


@pytest.mark.django_db
def test_a_communitys_point_is_the_mean_of_its_spaces_else_of_its_zones_else_none():
    city = CityFactory()
    zone = ZoneFactory(city=city)
    community = CommunityFactory(zone=zone)
    quiet = CommunityFactory(zone=zone)
    elsewhere = CommunityFactory(zone=ZoneFactory(city=city))
    space_at(city, (16.40, 102.80), community=community, zone=zone)
    space_at(city, (16.42, 102.84), community=community, zone=zone)
    space_at(city, (16.50, 102.90), zone=zone)  # in the zone, not in the community

    assert geo.community_point(community) == pytest.approx((16.41, 102.82))
    # no space in the community: the mean of its zone's three spaces
    assert geo.community_point(quiet) == pytest.approx((16.44, 102.8466667))
    # nothing in the community nor its zone
    assert geo.community_point(elsewhere) is None


@pytest.mark.django_db
def test_a_communitys_point_ignores_another_citys_spaces():
    city, other = CityFactory(), CityFactory()
    community = CommunityFactory(zone=ZoneFactory(city=city))
    space_at(city, (16.40, 102.80), community=community)
    space_at(other, (10.0, 100.0), community=community)  # a wrongly linked row must not move the point
    assert geo.community_point(community) == pytest.approx((16.40, 102.80))


@pytest.mark.django_db
def test_near_point_prefers_the_browsers_point_and_explains_refusals():
    city = CityFactory()
    community = CommunityFactory(zone=ZoneFactory(city=city), slug="ban-tum")
    empty = CommunityFactory(zone=ZoneFactory(city=city), slug="empty")
    space_at(city, KHON_KAEN, community=community)
    other_city_community = CommunityFactory(slug="elsewhere")

    assert geo.near_point(city=city) == (None, None)
    assert geo.near_point(city=city, community="ban-tum") == (pytest.approx(KHON_KAEN), community)
    assert geo.near_point(city=city, community="ban-tum", lat="1", lon="2") == ((1.0, 2.0), None)
    for slug, code in (("nowhere", "unknown_community"), (other_city_community.slug, "unknown_community")):
        with pytest.raises(ValidationFailed) as failure:
            geo.near_point(city=city, community=slug)
        assert failure.value.code == code
    with pytest.raises(ValidationFailed) as failure:
        geo.near_point(city=city, community=empty.slug)
    assert failure.value.code == "community_without_point"


# ---------------------------------------------------------------- spaces near a point


@pytest.mark.django_db
def test_spaces_near_lists_spaces_within_the_radius_nearest_first(django_assert_num_queries):
    city = CityFactory()
    far = space_at(city, offset(*KHON_KAEN, east_km=4.5), slug="far")
    near = space_at(city, offset(*KHON_KAEN, north_km=0.8), slug="near")
    middle = space_at(city, offset(*KHON_KAEN, north_km=-1.5, east_km=1.5), slug="middle")
    space_at(city, offset(*KHON_KAEN, north_km=5.2), slug="outside")
    space_at(CityFactory(), KHON_KAEN, slug="other-city")

    with django_assert_num_queries(1):
        found = geo.spaces_near(city=city, lat=KHON_KAEN[0], lon=KHON_KAEN[1], radius_km=5)

    assert [space for space, _ in found] == [near, middle, far]
    distances = [distance for _, distance in found]
    assert distances == pytest.approx([0.8, 2.121, 4.5], abs=0.01)
    assert [
        s.slug for s, _ in geo.spaces_near(city=city, lat=KHON_KAEN[0], lon=KHON_KAEN[1], radius_km=1)
    ] == ["near"]


@pytest.mark.django_db
def test_spaces_near_applies_the_space_filters():
    city = CityFactory()
    space_at(city, KHON_KAEN, slug="library", kind=LearningSpace.Kind.LIBRARY)
    space_at(city, KHON_KAEN, slug="museum", kind=LearningSpace.Kind.MUSEUM, is_accessible=True)
    found = geo.spaces_near(
        city=city, lat=KHON_KAEN[0], lon=KHON_KAEN[1], radius_km=1, filters=SpaceFilters(accessible=True)
    )
    assert [space.slug for space, _ in found] == ["museum"]
