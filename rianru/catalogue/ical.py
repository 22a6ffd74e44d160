"""iCalendar (RFC 5545) export of sessions: one session, a partner's or a city's feed, a search.

`sessions_to_ics` takes any iterable of sessions (with their opportunity, space and city loaded, as the
catalogue's session selectors give them) and writes text in the active language. Times are UTC; each
event has a stable UID (`session-<pk>@<city-slug>.rianru`) so that calendar apps update events in place
when a feed is refreshed, and a cancelled session (or opportunity) becomes STATUS:CANCELLED.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText

from rianru.catalogue.models import Opportunity, Session

PRODID = "-//Rianru//Rianru learning city calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
UID_DOMAIN = "rianru"


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{session.city.slug}.{UID_DOMAIN}"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _location(session: Session) -> str:
    if session.space_id:
        space = session.space
        return ", ".join(part for part in (space.name, space.address) if part)
    place = session.localized("place")
    if place:
        return place
    return _("Online") if session.online_url else ""


def _description(session: Session, url: str) -> str:
    opportunity = session.opportunity
    lines = []
    summary = opportunity.summary or opportunity.description
    if summary:
        lines += [summary, ""]
    lines.append(_("Offered by %(provider)s") % {"provider": opportunity.provider.name})
    if session.online_url:
        lines.append(_("Online link: %(url)s") % {"url": session.online_url})
    if url:
        lines.append(url)
    return "\n".join(lines)


def session_event(session: Session, url: str) -> Event:
    opportunity = session.opportunity
    cancelled = session.is_cancelled or opportunity.status == Opportunity.Status.CANCELLED
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", _utc(session.updated_at or timezone.now()))
    event.add("last-modified", _utc(session.updated_at or timezone.now()))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", opportunity.title)
    location = _location(session)
    if location:
        event.add("location", location)
    if session.space_id:
        event.add("geo", (float(session.space.latitude), float(session.space.longitude)))
    if url:
        event.add("url", url)
    event.add("description", _description(session, url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    event.add("categories", [opportunity.get_kind_display()])
    return event


def sessions_to_ics(
    sessions: Iterable[Session],
    *,
    name: str,
    url_for: Callable[[Session], str],
    refresh: dt.timedelta | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per session, as UTF-8 bytes.

    `name` is the calendar's display name (X-WR-CALNAME and NAME); `url_for(session)` gives the absolute
    address of the session's page; `refresh` (for subscribed feeds) asks calendar apps to poll that often.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))
    calendar.add("name", vText(name))
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    for session in sessions:
        calendar.add_component(session_event(session, url_for(session)))
    return calendar.to_ical()
