"""Reads for the SDG pages and the city overview, composed from catalogue and network selectors.

Opportunity counts are of *live* opportunities, as defined once in `rianru.catalogue.selectors.live_q`.
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rianru.catalogue import selectors as catalogue
from rianru.frameworks.models import SdgGoal, SdgTarget
from rianru.network import selectors as network
from rianru.network.models import City


def _with_shares(rows: list[dict]) -> list[dict]:
    """Add `share` (0–100, relative to the largest count) for CSS bar charts."""
    largest = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["share"] = round(100 * row["count"] / largest) if largest else 0
    return rows


def sdg_index(*, city: City, now: dt.datetime) -> list[dict]:
    """Every SDG with the number of live opportunities linked to it."""
    counts = catalogue.live_counts_by_sdg(city=city, now=now)
    return [{"goal": goal, "count": counts.get(goal.number, 0)} for goal in catalogue.sdg_goal_list()]


def sdg_get(*, number: int) -> SdgGoal | None:
    return SdgGoal.objects.filter(number=number).first()


def sdg_offer(*, city: City, now: dt.datetime, goal: SdgGoal, limit: int = 24) -> dict:
    """What the city offers for one goal: live opportunities (the first `limit`, and how many in all),
    its targets with counts, and the contributing partners.

    A partner contributes if it offers a live opportunity linked to the goal or has a commitment naming it.
    """
    target_counts = catalogue.live_counts_by_sdg_target(city=city, now=now, goal=goal.number)
    targets = _with_shares(
        [
            {"target": target, "count": target_counts.get(target.code, 0)}
            for target in SdgTarget.objects.filter(goal=goal).order_by("position")
        ]
    )
    partners = network.partner_list(city=city).filter(
        Q(pk__in=catalogue.provider_ids_for_sdg(city=city, now=now, number=goal.number))
        | Q(pk__in=network.partner_ids_committed_to_sdg(city=city, number=goal.number))
    )
    opportunities = catalogue.live_opportunities_for_sdg(city=city, now=now, number=goal.number)
    return {
        "opportunities": opportunities[:limit],
        "opportunity_total": opportunities.count(),
        "targets": targets,
        "partners": network.sorted_by_name(partners),
    }


def city_overview(*, city: City, now: dt.datetime) -> dict:
    """The first city overview: partners by sector, opportunities and spaces by zone, opportunities by
    life stage, and SDG coverage (how many of the 17 goals have at least one live opportunity)."""
    sectors = _with_shares(network.partner_counts_with_labels(city=city))

    zone_opportunities = catalogue.live_counts_by_zone(city=city, now=now)
    zone_spaces = catalogue.space_counts_by_zone(city=city)
    zones = list(network.zone_list(city=city, with_communities=False))
    opportunities_by_zone = _with_shares(
        [{"label": zone.name, "count": zone_opportunities.get(zone.number, 0)} for zone in zones]
    )
    spaces_by_zone = [{"label": zone.name, "count": zone_spaces.get(zone.number, 0)} for zone in zones]
    if zone_spaces.get(None):
        spaces_by_zone.append({"label": _("No zone"), "count": zone_spaces[None]})
    spaces_by_zone = _with_shares(spaces_by_zone)

    stage_counts = catalogue.live_counts_by_life_stage(city=city, now=now)
    life_stages = _with_shares(
        [{"label": stage.name, "code": stage.code, "count": stage_counts.get(stage.code, 0)}
         for stage in catalogue.life_stage_list()]
    )  # fmt: skip

    goals = sdg_index(city=city, now=now)
    return {
        "partner_total": sum(row["count"] for row in sectors),
        "live_total": catalogue.live_opportunities(city=city, now=now).count(),
        "space_total": sum(zone_spaces.values()),
        "sectors": sectors,
        "opportunities_by_zone": opportunities_by_zone,
        "spaces_by_zone": spaces_by_zone,
        "life_stages": life_stages,
        "sdgs": _with_shares([dict(row) for row in goals]),
        "sdg_covered": sum(1 for row in goals if row["count"]),
        "sdg_total": len(goals),
    }
