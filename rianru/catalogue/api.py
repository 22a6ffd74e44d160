"""The JSON door of the catalogue: learning opportunities and spaces, with the pages' filters."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from rianru.catalogue import selectors
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.core.errors import ValidationFailed
from rianru.network.api import city_or_404
from rianru.network.models import Sector

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


@router.get("/{city}/spaces/", response=list[SpaceOut], summary="Learning spaces")
@paginate(PageNumberPagination, page_size=50)
def space_list(request, city: str):
    return selectors.space_search(city=city_or_404(city))
