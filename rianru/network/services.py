"""Writes to the partner network: each function is one whole operation (validate, write, audit)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from rianru.core.models import audit
from rianru.core.types import Actor
from rianru.frameworks.models import SdgGoal
from rianru.network.errors import CrossCityReference
from rianru.network.models import City, Mou, MouSignatory, Partner

# Relations the caller passes as rows it has already read (and ensure_same_city checked): validating them
# again would cost one query each. `city` stays validated: the per-city unique constraints need it.
RESOLVED_RELATIONS = ["provider", "owner", "zone", "community", "opportunity", "space"]


def ensure_same_city(city: City, *rows) -> None:
    for row in rows:
        if row is not None and row.city_id != city.pk:
            raise CrossCityReference(
                _("%(object)s belongs to another city.") % {"object": row}, extra={"object": str(row)}
            )


@transaction.atomic
def partner_create(*, actor: Actor, city: City, **fields) -> Partner:
    partner = Partner(city=city, **fields)
    ensure_same_city(city, partner.zone)
    partner.full_clean(exclude=RESOLVED_RELATIONS)
    partner.save()
    audit(actor=actor, action="partner_create", target=partner, city_slug=city.slug)
    return partner


@transaction.atomic
def mou_create(
    *,
    actor: Actor,
    city: City,
    slug: str,
    title_th: str,
    title_en: str,
    signed_on: dt.date,
    sdg_goals: Iterable[int] = (),
    **fields,
) -> Mou:
    mou = Mou(city=city, slug=slug, title_th=title_th, title_en=title_en, signed_on=signed_on, **fields)
    mou.full_clean()
    mou.save()
    mou.sdg_goals.set(SdgGoal.objects.filter(number__in=list(sdg_goals)))
    audit(actor=actor, action="mou_create", target=mou, city_slug=city.slug)
    return mou


@transaction.atomic
def mou_sign(*, actor: Actor, mou: Mou, partners: Iterable[Partner]) -> int:
    """Add partners as signatories of an MOU (in the given order); returns how many were added."""
    partners = list(partners)
    ensure_same_city(mou.city, *partners)
    existing = set(mou.signatory_rows.values_list("partner_id", flat=True))
    start = mou.signatory_rows.count()
    new_rows = [
        MouSignatory(city=mou.city, mou=mou, partner=p, position=start + i)
        for i, p in enumerate(p for p in partners if p.pk not in existing)
    ]
    MouSignatory.objects.bulk_create(new_rows)
    audit(actor=actor, action="mou_sign", target=mou, city_slug=mou.city.slug, added=len(new_rows))
    return len(new_rows)
