"""The JSON door of the network: cities and partner organisations (public fields only)."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from rianru.network import selectors
from rianru.network.models import Sector

router = Router(tags=["network"])


class CityOut(Schema):
    slug: str
    name_th: str
    name_en: str
    country: str
    time_zone: str
    population: int | None
    population_year: int | None
    population_jurisdiction_en: str
    gnlc_member_since: dt.date | None
    latitude: float
    longitude: float
    url: str = Field(..., alias="get_absolute_url")


class PartnerOut(Schema):
    slug: str
    name_th: str
    name_en: str
    sector: Sector
    description_th: str
    description_en: str
    website: str
    latitude: float | None
    longitude: float | None
    is_demo: bool
    url: str = Field(..., alias="get_absolute_url")


def city_or_404(slug: str):
    """The city of the URL; CityNotFound is an ApplicationError, rendered as a 404 problem."""
    return selectors.city_get(slug=slug)


@router.get("/", response=list[CityOut], summary="Cities on this instance")
def city_list(request):
    return list(selectors.city_list())


@router.get("/{city}/", response=CityOut, summary="One city")
def city_detail(request, city: str):
    return city_or_404(city)


@router.get("/{city}/partners/", response=list[PartnerOut], summary="The city's partner organisations")
@paginate(PageNumberPagination, page_size=50)
def partner_list(request, city: str, sector: Sector | None = None):
    return selectors.partner_list(city=city_or_404(city), sector=sector)


@router.get("/{city}/partners/{slug}/", response=PartnerOut, summary="One partner organisation")
def partner_detail(request, city: str, slug: str):
    partner = selectors.partner_get(city=city_or_404(city), slug=slug)
    if partner is None:
        raise Http404(slug)
    return partner
