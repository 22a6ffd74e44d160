"""The JSON door of the catalogue: learning opportunities and spaces, with the pages' filters."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from rianru.catalogue import geo, selectors
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.core import thai
from rianru.core.errors import ValidationFailed
from rianru.network.api import city_or_404
from rianru.network.models import Sector
from rianru.network.selectors import city_time_zone

router = Router(tags=["catalogue"])


class SessionOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    space: str | None = Field(None, alias="space.slug")
    place_th: str
    place_en: str
    capacity: int | None
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    is_cancelled: bool


class OpportunityOut(Schema):
    slug: str
    kind: Opportunity.Kind
    title_th: str
    title_en: str
    summary_th: str
    summary_en: str
    provider: str = Field(..., alias="provider.slug")
    mode: Opportunity.Mode
    price_thb: Decimal
    is_free: bool
    has_certificate: bool
    hours: Decimal | None
    language: str
    age_min: int | None
    age_max: int | None
    life_stages: list[str]
    next_session_at: dt.datetime | None = None
    is_demo: bool
    url: str = Field(..., alias="get_absolute_url")

    @staticmethod
    def resolve_life_stages(obj) -> list[str]:
        return [stage.code for stage in obj.life_stages.all()]


class OpportunityDetailOut(OpportunityOut):
    description_th: str
    description_en: str
    topics: list[str]
    sdg_goals: list[int]
    sdg_targets: list[str]
    kflc_features: list[str]
    sessions: list[SessionOut]

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return [topic.slug for topic in obj.topics.all()]

    @staticmethod
    def resolve_sdg_goals(obj) -> list[int]:
        return [goal.number for goal in obj.sdg_goals.all()]

    @staticmethod
    def resolve_sdg_targets(obj) -> list[str]:
        return [target.code for target in obj.sdg_targets.all()]

    @staticmethod
    def resolve_kflc_features(obj) -> list[str]:
        return [feature.code for feature in obj.kflc_features.all()]

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.all())


class SpaceOut(Schema):
    slug: str
    kind: LearningSpace.Kind
    name_th: str
    name_en: str
    owner: str = Field(..., alias="owner.slug")
    latitude: float
    longitude: float
    address_th: str
    address_en: str
    opening_hours_th: str
    opening_hours_en: str
    facilities: list[str]
    accessibility: list[str]
    is_accessible: bool
    is_demo: bool
    url: str = Field(..., alias="get_absolute_url")


class OpportunityQuery(Schema):
    life_stage: str | None = None
    sdg: int | None = Field(None, ge=1, le=17)
    sector: Sector | None = None
    free: bool = False
    mode: Opportunity.Mode | None = None
    zone: int | None = Field(None, ge=1)


@router.get(
    "/{city}/opportunities/", response=list[OpportunityOut], summary="Published learning opportunities"
)
@paginate(PageNumberPagination, page_size=24)
def opportunity_list(request, city: str, query: Query[OpportunityQuery]):
    city_row = city_or_404(city)
    known_stages = {stage.code for stage in selectors.life_stage_list()}
    if query.life_stage and query.life_stage not in known_stages:
        raise ValidationFailed(
            _("Unknown life stage: use one of the allowed codes."),
            extra={"allowed": sorted(known_stages)},
        )
    filters = selectors.OpportunityFilters(**query.dict())
    return selectors.opportunity_search(city=city_row, now=timezone.now(), filters=filters)


@router.get(
    "/{city}/opportunities/{slug}/", response=OpportunityDetailOut, summary="One learning opportunity"
)
def opportunity_detail(request, city: str, slug: str):
    opportunity = selectors.opportunity_get(city=city_or_404(city), slug=slug)
    if opportunity is None:
        raise Http404(slug)
    return opportunity


class VerbParticipationOut(Schema):
    verb: str = Field(..., alias="verb_id", description="The verb's IRI.")
    label: str = Field(..., description="The verb's name in `lang`.")
    learners: int = Field(..., description="Distinct learners (actors) with this verb.")
    statements: int


class ParticipationOut(Schema):
    activity_id: str = Field(..., description="The opportunity's canonical xAPI activity id.")
    learners: int = Field(..., description="Distinct learners (actors) with any verb.")
    statements: int
    verbs: list[VerbParticipationOut]


class ParticipationQuery(Schema):
    lang: Literal["th", "en"] | None = Field(None, description="Language of the verb labels (default: Thai).")


@router.get(
    "/{city}/opportunities/{slug}/participation",
    response=ParticipationOut,
    summary="Participation in one learning opportunity (counts only)",
    description="What partners reported to the learning record store about the opportunity, as aggregates: "
    "distinct learners and statements, in total and per verb, over the city's statements whose object is the "
    "opportunity's activity id (any spelling: http or https, Thai or /en/ page; docs/lrs.md). Never who.",
)
def opportunity_participation(request, city: str, slug: str, query: Query[ParticipationQuery]):
    opportunity = selectors.opportunity_brief(city=city_or_404(city), slug=slug)
    if opportunity is None:
        raise Http404(slug)
    with translation.override(query.lang or settings.LANGUAGE_CODE):
        return selectors.opportunity_participation(opportunity=opportunity)


@router.get("/{city}/spaces/", response=list[SpaceOut], summary="Learning spaces")
@paginate(PageNumberPagination, page_size=50)
def space_list(request, city: str):
    return selectors.space_search(city=city_or_404(city))


# --- the map: GeoJSON ---------------------------------------------------------------------------------


class MapQuery(Schema):
    kind: LearningSpace.Kind | None = None
    zone: int | None = Field(None, ge=1)
    accessible: bool = False
    lat: float | None = Field(None, ge=-90, le=90, description="With lon: list spaces near this point.")
    lon: float | None = Field(None, ge=-180, le=180)
    community: str | None = Field(None, description="Near this community (slug), if no lat/lon is given.")
    radius_km: float = Field(geo.DEFAULT_RADIUS_KM, gt=0, le=geo.MAX_RADIUS_KM)
    lang: Literal["th", "en"] | None = Field(
        None, description="Language of names, labels and URLs (default: Thai)."
    )


class MapSessionOut(Schema):
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    when: str = Field(..., description="Start, formatted for the language (Buddhist era in Thai).")
    url: str


class MapSpaceProperties(Schema):
    slug: str
    name: str
    name_th: str
    name_en: str
    kind: LearningSpace.Kind
    kind_label: str
    address: str
    zone: str | None
    community: str | None
    accessible: bool
    url: str
    distance_km: float | None
    upcoming_count: int = Field(..., description="Sessions starting in the next 14 days.")
    next_sessions: list[MapSessionOut]
    is_demo: bool


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(..., description="[longitude, latitude] (GeoJSON order).")


class MapFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: MapSpaceProperties


class MapOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]
    center: list[float] | None = Field(None, description="[longitude, latitude] of the point, if any.")
    radius_km: float | None = None
    session_days: int


MAP_NEXT_SESSIONS = 3


def _map_feature(entry: geo.MapEntry) -> dict:
    space = entry.space
    return {
        "id": f"space-{space.slug}",
        "geometry": {"coordinates": [float(space.longitude), float(space.latitude)]},
        "properties": {
            "slug": space.slug,
            "name": space.name,
            "name_th": space.name_th,
            "name_en": space.name_en,
            "kind": space.kind,
            "kind_label": str(space.get_kind_display()),
            "address": space.address,
            "zone": space.zone.name if space.zone else None,
            "community": space.community.name if space.community else None,
            "accessible": space.is_accessible,
            "url": space.get_absolute_url(),
            "distance_km": None if entry.distance_km is None else round(entry.distance_km, 3),
            "upcoming_count": entry.upcoming_count,
            "next_sessions": [
                {
                    "title": session.opportunity.title,
                    "starts_at": session.starts_at,
                    "ends_at": session.ends_at,
                    "when": thai.format_datetime(session.starts_at, "short"),
                    "url": session.opportunity.get_absolute_url(),
                }
                for session in entry.sessions[:MAP_NEXT_SESSIONS]
            ],
            "is_demo": space.is_demo,
        },
    }


@router.get(
    "/{city}/map",
    response=MapOut,
    url_name="catalogue_map",
    summary="Learning spaces as GeoJSON, with their sessions of the next 14 days",
    description="A GeoJSON FeatureCollection of the city's learning spaces (the map page's data). With `lat` "
    "and `lon`, or `community`, only spaces within `radius_km` (default 5) are listed, nearest first, each "
    "with `distance_km`. Names, labels and URLs are in `lang` (default: Thai).",
)
def space_map(request, city: str, query: Query[MapQuery]):
    city_row = city_or_404(city)
    if (query.lat is None) != (query.lon is None):
        raise ValidationFailed(_("Give both lat and lon, or neither."), code="invalid_point")
    language = query.lang or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(city_time_zone(city_row)):
        point, _community = geo.near_point(
            city=city_row, community=query.community, lat=query.lat, lon=query.lon
        )
        filters = selectors.SpaceFilters(kind=query.kind, zone=query.zone, accessible=query.accessible)
        entries = geo.map_spaces(
            city=city_row, now=timezone.now(), filters=filters, point=point, radius_km=query.radius_km
        )
        return {
            "features": [_map_feature(entry) for entry in entries],
            "center": [point[1], point[0]] if point else None,
            "radius_km": query.radius_km if point else None,
            "session_days": geo.MAP_SESSION_DAYS,
        }
