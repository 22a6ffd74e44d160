"""Writes to the catalogue: opportunities, sessions and learning spaces."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.core.models import audit
from rianru.core.types import Actor
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
def space_create(*, actor: Actor, city: City, **fields) -> LearningSpace:
    space = LearningSpace(city=city, **fields)
    ensure_same_city(city, space.owner, space.zone, space.community)
    space.is_accessible = space_is_accessible(space.accessibility)
    space.full_clean(exclude=RESOLVED_RELATIONS)
    space.save()
    audit(actor=actor, action="space_create", target=space, city_slug=city.slug)
    return space


RELATIONS = {
    "life_stages": lambda codes: LifeStage.objects.filter(code__in=list(codes)),
    "topics": lambda slugs: Topic.objects.filter(slug__in=list(slugs)),
    "sdg_goals": lambda numbers: SdgGoal.objects.filter(number__in=list(numbers)),
    "sdg_targets": lambda codes: SdgTarget.objects.filter(code__in=list(codes)),
    "kflc_features": lambda codes: KflcItem.objects.filter(
        code__in=list(codes), level=KflcItem.Level.FEATURE
    ),
}


@transaction.atomic
def opportunity_create(
    *,
    actor: Actor,
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
    relations = {
        "life_stages": life_stages, "topics": topics, "sdg_goals": sdg_goals, "sdg_targets": sdg_targets,
        "kflc_features": kflc_features,
    }  # fmt: skip
    for name, keys in relations.items():
        getattr(opportunity, name).set(RELATIONS[name](keys))
    audit(actor=actor, action="opportunity_create", target=opportunity, city_slug=city.slug)
    return opportunity


@transaction.atomic
def session_create(
    *,
    actor: Actor,
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


def _save_changes(row, fields: dict, *, also: tuple[str, ...] = ()) -> None:
    row.save(update_fields=[*fields, *also, "updated_at"])


@transaction.atomic
def space_update(*, actor: Actor, space: LearningSpace, **fields) -> LearningSpace:
    """Change some fields of a learning space (only those given); validated and audited like a creation."""
    for name, value in fields.items():
        setattr(space, name, value)
    ensure_same_city(space.city, space.owner, space.zone, space.community)
    space.is_accessible = space_is_accessible(space.accessibility)
    space.full_clean(exclude=RESOLVED_RELATIONS)
    _save_changes(space, fields, also=("is_accessible",))
    audit(actor=actor, action="space_update", target=space, city_slug=space.city.slug, fields=sorted(fields))
    return space


@transaction.atomic
def opportunity_update(
    *, actor: Actor, opportunity: Opportunity, relations: dict | None = None, **fields
) -> Opportunity:
    """Change some fields and many-to-many relations (`{"topics": [slug, ...]}`) of an opportunity."""
    relations = relations or {}
    for name, value in fields.items():
        setattr(opportunity, name, value)
    ensure_same_city(opportunity.city, opportunity.provider)
    opportunity.full_clean(exclude=RESOLVED_RELATIONS)
    if fields:
        _save_changes(opportunity, fields)
    for name, keys in relations.items():
        getattr(opportunity, name).set(RELATIONS[name](keys))
    audit(
        actor=actor, action="opportunity_update", target=opportunity, city_slug=opportunity.city.slug,
        fields=sorted([*fields, *relations]),
    )  # fmt: skip
    return opportunity


@transaction.atomic
def session_update(*, actor: Actor, session: Session, **fields) -> Session:
    for name, value in fields.items():
        setattr(session, name, value)
    ensure_same_city(session.city, session.space)
    session.full_clean(exclude=RESOLVED_RELATIONS, validate_constraints=False)
    _save_changes(session, fields)
    audit(
        actor=actor,
        action="session_update",
        target=session,
        city_slug=session.city.slug,
        fields=sorted(fields),
    )
    return session


@transaction.atomic
def session_delete(*, actor: Actor, session: Session) -> None:
    audit(actor=actor, action="session_delete", target=session, city_slug=session.city.slug)
    session.delete()
