"""Reads of the catalogue. Every selector takes the city (or a row of it): data never crosses cities.

*Live* is defined once, here (`live_q`): a published opportunity that either has an upcoming session
(not cancelled and not yet ended) or is an online resource without any session (always available).
The home page, the SDG pages and the city overview all count live opportunities through it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import (
    Count,
    Exists,
    F,
    ManyToManyField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)  # fmt: skip
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone, translation

from rianru.catalogue.activities import (
    opportunity_activity_id,
    opportunity_activity_ids,
    parse_opportunity_activity_id,
)
from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session
from rianru.frameworks.models import SdgGoal, SdgTarget
from rianru.lrs.presentation import verb_label
from rianru.lrs.selectors import activity_participation
from rianru.network.models import City, Partner
from rianru.network.selectors import for_city, sorted_by_name


def upcoming_session_q(now: dt.datetime) -> Q:
    """A session that is not cancelled and has not ended yet."""
    return Q(is_cancelled=False, ends_at__gte=now)


def live_q(now: dt.datetime) -> Q:
    """The one definition of a live opportunity (see the module docstring)."""
    upcoming = Session.objects.filter(upcoming_session_q(now), opportunity=OuterRef("pk"))
    any_session = Session.objects.filter(opportunity=OuterRef("pk"))
    return Q(status=Opportunity.Status.PUBLISHED) & (
        Q(Exists(upcoming)) | (Q(kind=Opportunity.Kind.ONLINE_RESOURCE) & ~Q(Exists(any_session)))
    )


def live_opportunities(*, city: City, now: dt.datetime) -> QuerySet[Opportunity]:
    return for_city(Opportunity.objects, city).filter(live_q(now))


def _title_order() -> str:
    return "title_en" if (translation.get_language() or "th")[:2] == "en" else "title_th"


def _with_next_session(queryset: QuerySet[Opportunity], now: dt.datetime) -> QuerySet[Opportunity]:
    next_start = (
        Session.objects.filter(upcoming_session_q(now), opportunity=OuterRef("pk"))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return queryset.annotate(next_session_at=Subquery(next_start))


def _card_related(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """What an opportunity card shows, in a fixed number of queries."""
    return queryset.select_related("city", "provider", "provider__city").prefetch_related(
        Prefetch("life_stages", queryset=LifeStage.objects.order_by("position"))
    )


def _ordered_by_next_session(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return queryset.order_by(F("next_session_at").asc(nulls_last=True), _title_order(), "pk")


@dataclass(frozen=True)
class OpportunityFilters:
    """Shape-checked filter values (the page's form cleans them); None/False means "any"."""

    life_stage: str | None = None
    sdg: int | None = None
    sector: str | None = None
    free: bool = False
    mode: str | None = None
    zone: int | None = None


def opportunity_search(
    *, city: City, now: dt.datetime, filters: OpportunityFilters | None = None
) -> QuerySet[Opportunity]:
    """Published opportunities of the city, soonest next session first, those without one last."""
    filters = filters or OpportunityFilters()
    opportunities = for_city(Opportunity.objects, city).filter(status=Opportunity.Status.PUBLISHED)
    if filters.life_stage:
        opportunities = opportunities.filter(life_stages__code=filters.life_stage)
    if filters.sdg:
        opportunities = opportunities.filter(sdg_goals__number=filters.sdg)
    if filters.sector:
        opportunities = opportunities.filter(provider__sector=filters.sector)
    if filters.free:
        opportunities = opportunities.filter(is_free=True)
    if filters.mode:
        opportunities = opportunities.filter(mode=filters.mode)
    if filters.zone:
        in_zone = Session.objects.filter(
            opportunity=OuterRef("pk"), is_cancelled=False, space__zone__number=filters.zone
        )
        opportunities = opportunities.filter(Exists(in_zone))
    return _ordered_by_next_session(_card_related(_with_next_session(opportunities, now)))


def opportunity_cards(*, city: City, ids: list[int], now: dt.datetime) -> list[Opportunity]:
    """The given published opportunities, ready for their cards, in the order of `ids`."""
    rows = _card_related(_with_next_session(for_city(Opportunity.objects, city).filter(pk__in=ids), now))
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def opportunity_brief(*, city: City, slug: str) -> Opportunity | None:
    """One non-draft opportunity without its related rows (one query)."""
    return (
        for_city(Opportunity.objects, city)
        .exclude(status=Opportunity.Status.DRAFT)
        .filter(slug=slug)
        .select_related("city")
        .first()
    )


def opportunity_get(*, city: City, slug: str) -> Opportunity | None:
    """One opportunity with everything its page shows; drafts are not public."""
    sessions = (
        Session.objects.filter(city=city)
        .select_related("space", "space__city", "space__zone")
        .order_by("starts_at", "pk")
    )
    return (
        for_city(Opportunity.objects, city)
        .exclude(status=Opportunity.Status.DRAFT)
        .filter(slug=slug)
        .select_related("city", "provider", "provider__city")
        .prefetch_related(
            Prefetch("life_stages", queryset=LifeStage.objects.order_by("position")),
            "topics",
            Prefetch("sdg_goals", queryset=SdgGoal.objects.order_by("number")),
            Prefetch(
                "sdg_targets", queryset=SdgTarget.objects.select_related("goal").order_by("goal", "position")
            ),
            "kflc_features",
            Prefetch("sessions", queryset=sessions),
        )
        .first()
    )


def sessions_split(sessions, now: dt.datetime) -> tuple[list[Session], list[Session]]:
    """(upcoming soonest first, past most recent first); cancelled upcoming sessions stay upcoming."""
    sessions = list(sessions)
    upcoming = [s for s in sessions if s.ends_at >= now]
    past = [s for s in reversed(sessions) if s.ends_at < now]
    return upcoming, past


def registration_status(session: Session, now: dt.datetime) -> str:
    """The registration state shown next to a session: cancelled, open, not_yet (opens later) or closed."""
    if session.is_cancelled:
        return "cancelled"
    if session.registration_is_open(now):
        return "open"
    if session.registration_opens_at and now < session.registration_opens_at:
        return "not_yet"
    return "closed"


def sessions_between(
    *, city: City, start: dt.datetime, end: dt.datetime, limit: int | None = None
) -> QuerySet[Session]:
    """Sessions of published opportunities starting in [start, end), soonest first."""
    sessions = (
        for_city(Session.objects, city)
        .filter(
            is_cancelled=False,
            starts_at__gte=start,
            starts_at__lt=end,
            opportunity__status=Opportunity.Status.PUBLISHED,
        )
        .select_related("opportunity", "opportunity__city", "space", "space__city")
        .order_by("starts_at", "pk")
    )
    return sessions[:limit] if limit else sessions


@dataclass(frozen=True)
class SpaceFilters:
    kind: str | None = None
    zone: int | None = None
    accessible: bool = False


def _spaces(city: City) -> QuerySet[LearningSpace]:
    return for_city(LearningSpace.objects, city).select_related(
        "city", "owner", "owner__city", "zone", "community"
    )


def space_queryset(*, city: City, filters: SpaceFilters | None = None) -> QuerySet[LearningSpace]:
    """The city's learning spaces matching the filters, unordered (callers order or sort them)."""
    filters = filters or SpaceFilters()
    spaces = _spaces(city)
    if filters.kind:
        spaces = spaces.filter(kind=filters.kind)
    if filters.zone:
        spaces = spaces.filter(zone__number=filters.zone)
    if filters.accessible:
        spaces = spaces.filter(is_accessible=True)
    return spaces


def space_search(*, city: City, filters: SpaceFilters | None = None) -> list[LearningSpace]:
    """The city's learning spaces in the reading order of the active language (Thai-aware)."""
    return sorted_by_name(space_queryset(city=city, filters=filters))


def space_get(*, city: City, slug: str) -> LearningSpace | None:
    return _spaces(city).filter(slug=slug).first()


def space_upcoming_sessions(*, space: LearningSpace, now: dt.datetime) -> QuerySet[Session]:
    return (
        for_city(Session.objects, space.city)
        .filter(upcoming_session_q(now), space=space, opportunity__status=Opportunity.Status.PUBLISHED)
        .select_related("opportunity", "opportunity__city")
        .order_by("starts_at", "pk")
    )


def partner_opportunities(*, partner: Partner, now: dt.datetime) -> QuerySet[Opportunity]:
    opportunities = for_city(Opportunity.objects, partner.city).filter(
        provider=partner, status=Opportunity.Status.PUBLISHED
    )
    return _ordered_by_next_session(_card_related(_with_next_session(opportunities, now)))


def partner_spaces(*, partner: Partner) -> list[LearningSpace]:
    return sorted_by_name(_spaces(partner.city).filter(owner=partner))


def life_stage_list() -> QuerySet[LifeStage]:
    return LifeStage.objects.order_by("position")


def sdg_goal_list() -> QuerySet[SdgGoal]:
    return SdgGoal.objects.order_by("number")


def _live_counts_by(relation: str, *, city: City, now: dt.datetime, **filters) -> dict:
    """{related row id: live opportunities linked to it} through one many-to-many relation."""
    field = Opportunity._meta.get_field(relation)
    assert isinstance(field, ManyToManyField)
    through = cast("type[Model]", field.remote_field.through)
    target = f"{field.m2m_reverse_field_name()}_id"
    live = live_opportunities(city=city, now=now).values("pk")
    rows = (
        through._default_manager.filter(opportunity_id__in=live, **filters)
        .values(target)
        .annotate(n=Count("opportunity_id", distinct=True))
    )
    return {row[target]: row["n"] for row in rows}


def live_counts_by_sdg(*, city: City, now: dt.datetime) -> dict[int, int]:
    """{goal number: live opportunities linked to it}; goals without any are absent."""
    return _live_counts_by("sdg_goals", city=city, now=now)


def live_counts_by_sdg_target(*, city: City, now: dt.datetime, goal: int) -> dict[str, int]:
    return _live_counts_by("sdg_targets", city=city, now=now, sdgtarget__goal_id=goal)


def live_counts_by_life_stage(*, city: City, now: dt.datetime) -> dict[str, int]:
    return _live_counts_by("life_stages", city=city, now=now)


def live_counts_by_zone(*, city: City, now: dt.datetime) -> dict[int, int]:
    """{zone number: live opportunities with an upcoming session in a space of that zone}."""
    rows = (
        for_city(Session.objects, city)
        .filter(upcoming_session_q(now), opportunity__in=live_opportunities(city=city, now=now).values("pk"))
        .exclude(space__zone__isnull=True)
        .values("space__zone__number")
        .annotate(n=Count("opportunity_id", distinct=True))
    )
    return {row["space__zone__number"]: row["n"] for row in rows}


def space_counts_by_zone(*, city: City) -> dict[int | None, int]:
    """{zone number (None for spaces without a zone): learning spaces}."""
    rows = for_city(LearningSpace.objects, city).values("zone__number").annotate(n=Count("pk"))
    return {row["zone__number"]: row["n"] for row in rows}


def live_opportunities_for_sdg(*, city: City, now: dt.datetime, number: int) -> QuerySet[Opportunity]:
    opportunities = live_opportunities(city=city, now=now).filter(sdg_goals__number=number)
    return _ordered_by_next_session(_card_related(_with_next_session(opportunities, now)))


def provider_ids_for_sdg(*, city: City, now: dt.datetime, number: int) -> QuerySet:
    """Ids of partners offering a live opportunity linked to the goal."""
    return live_opportunities(city=city, now=now).filter(sdg_goals__number=number).values("provider_id")


# --- map, calendar and iCalendar feeds ---------------------------------------------------------------


def _session_related(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What a calendar entry or an iCalendar event shows, in one query."""
    return sessions.select_related(
        "city", "opportunity", "opportunity__city", "opportunity__provider", "opportunity__provider__city",
        "space", "space__city",
    )  # fmt: skip


@dataclass
class FirstSessions:
    """Sessions of a space or a day: the first few, soonest first, and how many there are in all."""

    first: list[Session]
    count: int


def upcoming_sessions_at_spaces(
    *, city: City, space_ids, now: dt.datetime, until: dt.datetime, first: int = 3
) -> dict[int, FirstSessions]:
    """{space id: its upcoming sessions of published opportunities starting before `until`}: the `first`
    soonest of each space (a window function, so a busy city never loads them all) and their count."""
    upcoming = for_city(Session.objects, city).filter(
        upcoming_session_q(now),
        starts_at__lt=until,
        space_id__in=list(space_ids),
        opportunity__status=Opportunity.Status.PUBLISHED,
    )
    counts = dict(
        upcoming.order_by().values_list("space_id").annotate(n=Count("pk")).values_list("space_id", "n")
    )
    ranked = upcoming.annotate(
        rank=Window(RowNumber(), partition_by=[F("space_id")], order_by=[F("starts_at").asc(), F("pk").asc()])
    ).filter(rank__lte=first)
    by_space = {space_id: FirstSessions(first=[], count=count) for space_id, count in counts.items()}
    for session in _session_related(ranked).order_by("starts_at", "pk"):
        by_space[cast(int, session.space_id)].first.append(session)
    return by_space


def calendar_sessions(
    *, city: City, start: dt.datetime, end: dt.datetime, partner: Partner | None = None
) -> QuerySet[Session]:
    """Sessions of published opportunities starting in [start, end), cancelled ones included (the
    calendar marks them), soonest first; optionally of one partner's opportunities."""
    sessions = for_city(Session.objects, city).filter(
        starts_at__gte=start, starts_at__lt=end, opportunity__status=Opportunity.Status.PUBLISHED
    )
    if partner is not None:
        sessions = sessions.filter(opportunity__provider=partner)
    return _session_related(sessions).order_by("starts_at", "pk")


def calendar_sessions_by_day(
    *,
    city: City,
    start: dt.datetime,
    end: dt.datetime,
    tz: dt.tzinfo,
    first: int,
    partner: Partner | None = None,
) -> dict[dt.date, FirstSessions]:
    """{local day: its first `first` sessions (as `calendar_sessions`) and how many it has}, for the days
    in [start, end) that have any: two queries however busy the city is."""
    sessions = calendar_sessions(city=city, start=start, end=end, partner=partner).select_related(None)
    day = TruncDate("starts_at", tzinfo=tz)
    counts = dict(
        sessions.order_by()
        .annotate(day=day)
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    ranked = sessions.annotate(
        rank=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at").asc(), F("pk").asc()])
    ).filter(rank__lte=first)
    by_day = {on: FirstSessions(first=[], count=count) for on, count in counts.items()}
    for session in _session_related(ranked).order_by("starts_at", "pk"):
        by_day[timezone.localtime(session.starts_at, tz).date()].first.append(session)
    return by_day


def feed_sessions(
    *, city: City, since: dt.datetime, until: dt.datetime | None = None, partner: Partner | None = None
) -> QuerySet[Session]:
    """Sessions for an iCalendar feed: every session starting from `since` (and before `until`) of an
    opportunity that is public (published, or cancelled so that subscribers see the cancellation), soonest
    first."""
    sessions = (
        for_city(Session.objects, city)
        .filter(starts_at__gte=since)
        .exclude(opportunity__status=Opportunity.Status.DRAFT)
    )
    if until is not None:
        sessions = sessions.filter(starts_at__lt=until)
    if partner is not None:
        sessions = sessions.filter(opportunity__provider=partner)
    return _session_related(sessions).order_by("starts_at", "pk")


def session_get(*, city: City, opportunity_slug: str, pk: int) -> Session | None:
    """One session of a public (not draft) opportunity, addressed by the opportunity's slug and its id."""
    return (
        _session_related(for_city(Session.objects, city))
        .exclude(opportunity__status=Opportunity.Status.DRAFT)
        .filter(pk=pk, opportunity__slug=opportunity_slug)
        .first()
    )


# --- opportunities as xAPI activities (reads the LRS through its selectors) --------------------------------


@dataclass(frozen=True)
class VerbParticipation:
    verb_id: str
    label: str
    learners: int
    statements: int


@dataclass(frozen=True)
class OpportunityParticipation:
    """What the learning record store knows of an opportunity, as counts only (never who)."""

    activity_id: str
    learners: int
    statements: int
    verbs: list[VerbParticipation]


def opportunity_participation(*, opportunity: Opportunity) -> OpportunityParticipation:
    """Distinct learners and statements per verb of the city's statements about the opportunity's activity.

    Every spelling of its activity id counts (`activities.opportunity_activity_ids`); verbs are named in
    the active language."""
    city_slug = opportunity.city.slug
    counts = activity_participation(
        city_id=opportunity.city_id,
        activity_ids=opportunity_activity_ids(city_slug=city_slug, slug=opportunity.slug),
    )
    return OpportunityParticipation(
        activity_id=opportunity_activity_id(city_slug=city_slug, slug=opportunity.slug),
        learners=counts.actors,
        statements=counts.statements,
        verbs=[
            VerbParticipation(
                verb_id=verb.verb_id,
                label=verb_label(verb.verb_id),
                learners=verb.actors,
                statements=verb.statements,
            )
            for verb in counts.verbs
        ],
    )


def opportunities_for_activity_ids(*, city: City, activity_ids) -> dict[str, Opportunity]:
    """The city's (non-draft) opportunities whose activity id is among `activity_ids`,
    by that id; one query."""
    slugs: dict[str, str] = {}
    for activity_id in set(activity_ids):
        parsed = parse_opportunity_activity_id(activity_id)
        if parsed is not None and parsed[0] == city.slug:
            slugs[activity_id] = parsed[1]
    if not slugs:
        return {}
    rows = (
        for_city(Opportunity.objects, city)
        .exclude(status=Opportunity.Status.DRAFT)
        .filter(slug__in=sorted(set(slugs.values())))
        .select_related("city")
    )
    by_slug = {row.slug: row for row in rows}
    return {activity_id: by_slug[slug] for activity_id, slug in slugs.items() if slug in by_slug}
