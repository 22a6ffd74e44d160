"""Writes to the catalogue: opportunities, sessions and learning spaces."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.core.models import audit
from rianru.frameworks.models import KflcItem, SdgGoal, SdgTarget
from rianru.network.models import City
from rianru.network.services import RESOLVED_RELATIONS, ensure_same_city

STEP_FREE_ACCESS = frozenset(
    {LearningSpace.Access.WHEELCHAIR, LearningSpace.Access.RAMP, LearningSpace.Access.LIFT}
)


def space_is_accessible(accessibility: Iterable[str] | None) -> bool:
    """A space has step-free access when its accessibility list names a wheelchair route, ramp or lift."""
    return bool(STEP_FREE_ACCESS.intersection(accessibility or ()))


@transaction.atomic
def space_create(*, actor, city: City, **fields) -> LearningSpace:
    space = LearningSpace(city=city, **fields)
    ensure_same_city(city, space.owner, space.zone, space.community)
    space.is_accessible = space_is_accessible(space.accessibility)
    space.full_clean(exclude=RESOLVED_RELATIONS)
    space.save()
    audit(actor=actor, action="space_create", target=space, city_slug=city.slug)
    return space


@transaction.atomic
def opportunity_create(
    *,
    actor,
    city: City,
    life_stages: Iterable[str] = (),
    topics: Iterable[str] = (),
    sdg_goals: Iterable[int] = (),
    sdg_targets: Iterable[str] = (),
    kflc_features: Iterable[str] = (),
    **fields,
) -> Opportunity:
    opportunity = Opportunity(city=city, **fields)
    ensure_same_city(city, opportunity.provider)
    opportunity.full_clean(exclude=RESOLVED_RELATIONS)
    opportunity.save()
    opportunity.life_stages.set(LifeStage.objects.filter(code__in=list(life_stages)))
    opportunity.topics.set(Topic.objects.filter(slug__in=list(topics)))
    opportunity.sdg_goals.set(SdgGoal.objects.filter(number__in=list(sdg_goals)))
    opportunity.sdg_targets.set(SdgTarget.objects.filter(code__in=list(sdg_targets)))
    opportunity.kflc_features.set(
        KflcItem.objects.filter(code__in=list(kflc_features), level=KflcItem.Level.FEATURE)
    )
    audit(actor=actor, action="opportunity_create", target=opportunity, city_slug=city.slug)
    return opportunity


@transaction.atomic
def session_create(
    *,
    actor,
    opportunity: Opportunity,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    space: LearningSpace | None = None,
    **fields,
) -> Session:
    ensure_same_city(opportunity.city, space)
    session = Session(
        city=opportunity.city,
        opportunity=opportunity,
        starts_at=starts_at,
        ends_at=ends_at,
        space=space,
        **fields,
    )
    # Session.clean() checks the same rules as its check constraints, without a query per constraint.
    session.full_clean(exclude=RESOLVED_RELATIONS, validate_constraints=False)
    session.save()
    audit(actor=actor, action="session_create", target=session, city_slug=opportunity.city.slug)
    return session
