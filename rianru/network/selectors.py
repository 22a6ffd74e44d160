"""Reads of the partner network. Every selector takes the city: data never crosses cities."""

import datetime as dt
import time
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, Manager, Model, QuerySet
from django.utils import timezone, translation

from rianru.network.errors import CityNotFound
from rianru.network.models import (
    City,
    Commitment,
    ContributedResource,
    Mou,
    MouSignatory,
    Partner,
    PartnerContact,
    Sector,
    Zone,
)

THAI_LEADING_VOWELS = "เแโใไ"
M = TypeVar("M", bound=Model)


def public_url(path: str = "") -> str:
    """An absolute address on the site's public origin (RIANRU_PUBLIC_URL), for links that leave the
    request: xAPI identities, e-mails, feeds. `path` starts with a slash."""
    return settings.RIANRU_PUBLIC_URL.rstrip("/") + path


def city_home_page(city: City) -> str:
    """The city's home page on the public origin, in the default language (no language prefix): the
    homePage of its learners' xAPI accounts (RIANRU_PUBLIC_URL/<city slug>/)."""
    with translation.override(settings.LANGUAGE_CODE):
        return public_url(city.get_absolute_url())


def thai_sort_key(text: str) -> str:
    """Approximate Thai dictionary order: a leading vowel (เ แ โ ใ ไ) sorts after its consonant.

    Plain code-point order puts every เ… word after every consonant (เทศบาล after องค์การ); swapping
    the leading vowel with the consonant it precedes files เทศบาล under ท, as Thai readers expect.
    """
    chars = list(text.casefold())
    i = 0
    while i < len(chars) - 1:
        if chars[i] in THAI_LEADING_VOWELS and "\u0e01" <= chars[i + 1] <= "\u0e2e":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    return "".join(chars)


def sorted_by_name(rows) -> list:
    """Rows with a localized `name`, in the reading order of the active language."""
    return sorted(rows, key=lambda row: thai_sort_key(row.name))


def for_city(queryset: "QuerySet[M] | Manager[M]", city: City | int) -> "QuerySet[M]":
    """The one scoping helper: limit any city-owned queryset (or a model's manager) to one city."""
    return queryset.filter(city=city)


def city_get(*, slug: str) -> City:
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise CityNotFound(slug)
    return city


# The busiest read-only endpoints (search) look their city up in memory: cities change a few times a year.
CITY_MEMORY_SECONDS = 60
_cities: dict[str, tuple[float, City]] = {}


def city_get_remembered(*, slug: str) -> City:
    """`city_get`, remembered by this process for CITY_MEMORY_SECONDS (a change to any city in this
    process forgets them all at once, see `forget_cities`). Treat the city as read-only."""
    now = time.monotonic()
    remembered = _cities.get(slug)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    city = city_get(slug=slug)
    _cities[slug] = (now + CITY_MEMORY_SECONDS, city)
    return city


def forget_cities(**_kwargs) -> None:
    _cities.clear()


def city_time_zone(city: City) -> dt.tzinfo:
    """The city's time zone (the site's default if the stored name is unknown)."""
    try:
        return ZoneInfo(city.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name_en")


def zone_list(*, city: City, with_communities: bool = True) -> QuerySet[Zone]:
    zones = for_city(Zone.objects, city).order_by("number")
    return zones.prefetch_related("communities") if with_communities else zones


def partner_list(*, city: City, sector: str | None = None) -> QuerySet[Partner]:
    partners = for_city(Partner.objects, city).filter(is_active=True).select_related("city")
    if sector:
        partners = partners.filter(sector=sector)
    return partners.order_by("name_en")


def partner_get(*, city: City, slug: str) -> Partner | None:
    return for_city(Partner.objects, city).select_related("city", "zone").filter(slug=slug).first()


def partner_by_pk(*, city: City, pk: int) -> Partner | None:
    return for_city(Partner.objects, city).filter(pk=pk).first()


def partner_counts_by_sector(*, city: City) -> dict[str, int]:
    rows = for_city(Partner.objects, city).filter(is_active=True).values("sector").annotate(n=Count("id"))
    counts = {value: 0 for value in Sector.values}
    counts.update({row["sector"]: row["n"] for row in rows})
    return counts


def mou_list(*, city: City) -> QuerySet[Mou]:
    return (
        for_city(Mou.objects, city)
        .select_related("city")
        .annotate(signatory_count=Count("signatory_rows"))
        .order_by("-signed_on")
    )


def mou_get(*, city: City, slug: str) -> Mou | None:
    return (
        for_city(Mou.objects, city)
        .select_related("city")
        .prefetch_related("sdg_goals")
        .filter(slug=slug)
        .first()
    )


def partner_counts_with_labels(*, city: City) -> list[dict]:
    """Active partners per sector, every sector listed (zero included), in the Sector order."""
    counts = partner_counts_by_sector(city=city)
    return [{"code": code, "label": label, "count": counts[code]} for code, label in Sector.choices]


def partner_public_contacts(*, partner: Partner) -> QuerySet[PartnerContact]:
    """Only contacts who agreed to be shown (is_public); the others never leave the admin."""
    return for_city(PartnerContact.objects, partner.city).filter(partner=partner, is_public=True)


def partner_mous(*, partner: Partner) -> QuerySet[Mou]:
    return (
        for_city(Mou.objects, partner.city)
        .filter(signatory_rows__partner=partner)
        .select_related("city")
        .order_by("-signed_on")
    )


def partner_commitments(*, partner: Partner) -> QuerySet[Commitment]:
    return (
        for_city(Commitment.objects, partner.city)
        .filter(partner=partner)
        .select_related("mou", "mou__city")
        .prefetch_related("sdg_goals")
        .order_by("due_on", "title_en")
    )


def partner_resources(*, partner: Partner) -> QuerySet[ContributedResource]:
    return for_city(ContributedResource.objects, partner.city).filter(partner=partner).order_by("kind", "pk")


def mou_signatories_by_sector(*, mou: Mou) -> list[dict]:
    """The signatories of an MOU grouped by sector (Sector order), each group in signing order."""
    rows = (
        for_city(MouSignatory.objects, mou.city)
        .filter(mou=mou)
        .select_related("partner", "partner__city")
        .order_by("position", "pk")
    )
    groups: dict[str, list[Partner]] = {code: [] for code in Sector.values}
    for row in rows:
        groups.setdefault(row.partner.sector, []).append(row.partner)
    labels = dict(Sector.choices)
    return [
        {"code": code, "label": labels.get(code, code), "partners": partners}
        for code, partners in groups.items()
        if partners
    ]


def partner_ids_committed_to_sdg(*, city: City, number: int) -> QuerySet:
    """Ids of partners with a commitment naming the goal (for composing with other apps' reads)."""
    return for_city(Commitment.objects, city).filter(sdg_goals__number=number).values("partner_id")


def partner_directory(*, city: City, sector: str | None = None) -> list[Partner]:
    """Active partners (optionally of one sector) in the reading order of the active language."""
    return sorted_by_name(partner_list(city=city, sector=sector))
