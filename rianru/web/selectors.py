"""Reads for the pages that compose several apps: the city home page and the partner page."""

import datetime as dt

from rianru.catalogue import selectors as catalogue
from rianru.network import selectors as network
from rianru.network.models import City, Partner

WEEK_DAYS = 7
WEEK_SESSIONS = 12


def week_window(*, city: City, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From now to the end of the 7th calendar day (today included) in the city's time zone."""
    local_now = now.astimezone(network.city_time_zone(city))
    last_day = local_now.date() + dt.timedelta(days=WEEK_DAYS)
    return now, dt.datetime.combine(last_day, dt.time.min, tzinfo=local_now.tzinfo)


def city_home(*, city: City, now: dt.datetime) -> dict:
    start, end = week_window(city=city, now=now)
    sdg_counts = catalogue.live_counts_by_sdg(city=city, now=now)
    return {
        "week_sessions": catalogue.sessions_between(city=city, start=start, end=end, limit=WEEK_SESSIONS),
        "week_end": end - dt.timedelta(days=1),
        "sector_counts": network.partner_counts_with_labels(city=city),
        "mou": network.mou_list(city=city).first(),
        "life_stages": catalogue.life_stage_list(),
        "goals": [
            {"goal": goal, "count": sdg_counts[goal.number]}
            for goal in catalogue.sdg_goal_list()
            if sdg_counts.get(goal.number)
        ],
    }


def partner_page(*, partner: Partner, now: dt.datetime) -> dict:
    return {
        "contacts": network.partner_public_contacts(partner=partner),
        "mous": network.partner_mous(partner=partner),
        "commitments": network.partner_commitments(partner=partner),
        "resources": network.partner_resources(partner=partner),
        "opportunities": catalogue.partner_opportunities(partner=partner, now=now),
        "spaces": catalogue.partner_spaces(partner=partner),
    }
