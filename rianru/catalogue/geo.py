"""Geometry for "near me": distances, bounding boxes, a community's point, spaces near a point.

Learning spaces carry coordinates; communities do not (and get none): a community's point is the mean
of its learning spaces' coordinates, else of its zone's spaces. Distances are great-circle (haversine)
on a sphere of the Earth's mean radius, plenty for "which library is 2 km away".

`spaces_near` narrows the rows in SQL with a bounding box (an index-friendly range on latitude and
longitude) and computes exact distances in Python; a city has tens to a few thousand spaces.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Avg, QuerySet
from django.utils.translation import gettext as _

from rianru.catalogue.models import LearningSpace, Session
from rianru.catalogue.selectors import (
    FirstSessions,
    SpaceFilters,
    space_queryset,
    space_search,
    upcoming_sessions_at_spaces,
)
from rianru.core.errors import ValidationFailed
from rianru.network.models import City, Community
from rianru.network.selectors import for_city

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian, ~111.2 km
RADII_KM = (1, 2, 5, 10)
DEFAULT_RADIUS_KM = 5
MAX_RADIUS_KM = 100
MAP_SESSION_DAYS = 14  # the map shows sessions starting within the next two weeks


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box holding every point within `radius_km` of the point.

    Near a pole, or when the box would cross the antimeridian, it spans every longitude (-180, 180):
    a little wider than needed, never too narrow.
    """
    delta_lat = radius_km / KM_PER_DEGREE
    south, north = max(-90.0, lat - delta_lat), min(90.0, lat + delta_lat)
    if south <= -90.0 or north >= 90.0:
        return south, -180.0, north, 180.0
    # The widest circle of latitude inside the box is the one nearest the pole.
    widest = max(abs(south), abs(north))
    delta_lon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    west, east = lon - delta_lon, lon + delta_lon
    if west < -180.0 or east > 180.0:
        return south, -180.0, north, 180.0
    return south, west, north, east


def parse_point(lat, lon) -> tuple[float, float]:
    """A (latitude, longitude) pair from user input (strings or numbers); ValidationFailed if invalid."""
    values = []
    for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite() or abs(number) > limit:
            raise ValidationFailed(
                _("%(name)s must be a number between -%(limit)s and %(limit)s.")
                % {"name": name, "limit": limit},
                code="invalid_point",
                extra={"field": name},
            )
        values.append(float(number))
    return values[0], values[1]


def parse_radius(value) -> float:
    """A search radius in km from user input: a number above 0 and at most MAX_RADIUS_KM."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not 0 < number <= MAX_RADIUS_KM:
        raise ValidationFailed(
            _("The radius must be a number of kilometres above 0 and at most %(max)s.")
            % {"max": MAX_RADIUS_KM},
            code="invalid_radius",
            extra={"field": "radius_km"},
        )
    return float(number)


def _mean_point(spaces: QuerySet[LearningSpace]) -> tuple[float, float] | None:
    row = spaces.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if row["lat"] is None:
        return None
    return float(row["lat"]), float(row["lon"])


def community_point(community: Community) -> tuple[float, float] | None:
    """The mean point of the community's learning spaces, else of its zone's, else None."""
    spaces = LearningSpace.objects.filter(city_id=community.city_id)
    return _mean_point(spaces.filter(community=community)) or _mean_point(
        spaces.filter(zone_id=community.zone_id)
    )


def spaces_near(
    *, city: City, lat: float, lon: float, radius_km: float, filters: SpaceFilters | None = None
) -> list[tuple[LearningSpace, float]]:
    """The city's learning spaces within `radius_km` of the point, nearest first, with their distance."""
    south, west, north, east = bounding_box(lat, lon, radius_km)
    candidates = space_queryset(city=city, filters=filters).filter(
        latitude__gte=Decimal(f"{south:.6f}") - Decimal("0.000001"),
        latitude__lte=Decimal(f"{north:.6f}") + Decimal("0.000001"),
        longitude__gte=Decimal(f"{west:.6f}") - Decimal("0.000001"),
        longitude__lte=Decimal(f"{east:.6f}") + Decimal("0.000001"),
    )
    found = []
    for space in candidates:
        distance = distance_km(lat, lon, float(space.latitude), float(space.longitude))
        if distance <= radius_km:
            found.append((space, distance))
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found


def community_find(*, city: City, slug: str) -> Community | None:
    return for_city(Community.objects, city).select_related("zone").filter(slug=slug).first()


def near_point(
    *, city: City, community: str | None = None, lat=None, lon=None
) -> tuple[tuple[float, float] | None, Community | None]:
    """The point to measure from: (lat, lon) if given (validated), else the named community's point.

    Returns (point or None, the community or None); ValidationFailed for an invalid point, an unknown
    community or one without any learning space in it or its zone.
    """
    if lat is not None or lon is not None:
        return parse_point(lat, lon), None
    if not community:
        return None, None
    row = community_find(city=city, slug=community)
    if row is None:
        raise ValidationFailed(
            _("Unknown community."), code="unknown_community", extra={"field": "community"}
        )
    point = community_point(row)
    if point is None:
        raise ValidationFailed(
            _("This community has no learning space to measure from yet."),
            code="community_without_point",
            extra={"field": "community"},
        )
    return point, row


@dataclass
class MapEntry:
    """One learning space on the map: its distance from the point (if any) and its coming sessions."""

    space: LearningSpace
    distance_km: float | None = None
    sessions: list[Session] = field(default_factory=list)  # the first few upcoming, soonest first
    upcoming_count: int = 0  # all upcoming in the map's period


def map_spaces(
    *,
    city: City,
    now: dt.datetime,
    filters: SpaceFilters | None = None,
    point: tuple[float, float] | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> list[MapEntry]:
    """The map's spaces: within `radius_km` of the point nearest first, or all of them by name; each with
    its sessions of published opportunities starting in the next MAP_SESSION_DAYS days. Two queries."""
    if point is not None:
        pairs = spaces_near(city=city, lat=point[0], lon=point[1], radius_km=radius_km, filters=filters)
    else:
        pairs = [(space, None) for space in space_search(city=city, filters=filters)]
    if not pairs:
        return []
    sessions = upcoming_sessions_at_spaces(
        city=city,
        space_ids=[space.pk for space, _distance in pairs],
        now=now,
        until=now + dt.timedelta(days=MAP_SESSION_DAYS),
    )
    none = FirstSessions(first=[], count=0)
    return [
        MapEntry(space, distance, sessions.get(space.pk, none).first, sessions.get(space.pk, none).count)
        for space, distance in pairs
    ]
