"""Reads of the partner network. Every selector takes the city: data never crosses cities."""

from django.db.models import Count, QuerySet

from rianru.network.errors import CityNotFound
from rianru.network.models import City, Mou, Partner, Sector, Zone


def for_city(queryset: QuerySet, city: City) -> QuerySet:
    """The one scoping helper: limit any city-owned queryset to one city."""
    return queryset.filter(city=city)


def city_get(*, slug: str) -> City:
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise CityNotFound(slug)
    return city


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name_en")


def zone_list(*, city: City) -> QuerySet[Zone]:
    return for_city(Zone.objects, city).prefetch_related("communities").order_by("number")


def partner_list(*, city: City, sector: str | None = None) -> QuerySet[Partner]:
    partners = for_city(Partner.objects, city).filter(is_active=True).select_related("city")
    if sector:
        partners = partners.filter(sector=sector)
    return partners.order_by("name_en")


def partner_get(*, city: City, slug: str) -> Partner | None:
    return for_city(Partner.objects, city).select_related("city", "zone").filter(slug=slug).first()


def partner_counts_by_sector(*, city: City) -> dict[str, int]:
    rows = for_city(Partner.objects, city).filter(is_active=True).values("sector").annotate(n=Count("id"))
    counts = {value: 0 for value in Sector.values}
    counts.update({row["sector"]: row["n"] for row in rows})
    return counts


def mou_list(*, city: City) -> QuerySet[Mou]:
    return (
        for_city(Mou.objects, city).annotate(signatory_count=Count("signatory_rows")).order_by("-signed_on")
    )


def mou_get(*, city: City, slug: str) -> Mou | None:
    return (
        for_city(Mou.objects, city)
        .select_related("city")
        .prefetch_related("sdg_goals")
        .filter(slug=slug)
        .first()
    )
