"""Catalogue pages: opportunities and learning spaces of one city. Thin: forms check, selectors read."""

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from rianru.catalogue import calendar, geo, ical, selectors
from rianru.catalogue.forms import MapFilterForm, OpportunityFilterForm, SpaceFilterForm
from rianru.core.errors import ValidationFailed
from rianru.core.http import fragment_requested
from rianru.lrs.permissions import statement_reader
from rianru.network.http import city_page
from rianru.network.selectors import city_time_zone, partner_directory, partner_get, zone_list

OPPORTUNITIES_PER_PAGE = 24
SPACES_PER_PAGE = 24


def _render_listing(request, full_template: str, fragment_template: str, context: dict):
    fragment = fragment_requested(request)
    response = render(request, fragment_template if fragment else full_template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@city_page
def opportunity_list(request):
    city = request.city
    now = timezone.now()
    form = OpportunityFilterForm(
        request.GET,
        life_stages=list(selectors.life_stage_list()),
        goals=list(selectors.sdg_goal_list()),
        zones=list(zone_list(city=city, with_communities=False)),
    )
    opportunities = selectors.opportunity_search(city=city, now=now, filters=form.filters())
    page = Paginator(opportunities, OPPORTUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "opportunities": page.object_list, "now": now}
    return _render_listing(
        request, "catalogue/opportunity_list.html", "catalogue/_opportunity_results.html", context
    )


@city_page
def opportunity_detail(request, slug: str):
    now = timezone.now()
    opportunity = selectors.opportunity_get(city=request.city, slug=slug)
    if opportunity is None:
        raise Http404(slug)
    upcoming, past = selectors.sessions_split(opportunity.sessions.all(), now)
    for session in upcoming:
        session.registration = selectors.registration_status(session, now)
    context = {
        "opportunity": opportunity,
        "upcoming_sessions": upcoming,
        "past_sessions": past,
        "participation": selectors.opportunity_participation(opportunity=opportunity),
        "may_browse_statements": statement_reader(request.user, request.city) is not None,
    }
    return render(request, "catalogue/opportunity_detail.html", context)


@city_page
def space_list(request):
    city = request.city
    form = SpaceFilterForm(request.GET, zones=list(zone_list(city=city, with_communities=False)))
    spaces = selectors.space_search(city=city, filters=form.filters())
    page = Paginator(spaces, SPACES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "spaces": page.object_list}
    return _render_listing(request, "catalogue/space_list.html", "catalogue/_space_results.html", context)


@city_page
def space_detail(request, slug: str):
    space = selectors.space_get(city=request.city, slug=slug)
    if space is None:
        raise Http404(slug)
    sessions = selectors.space_upcoming_sessions(space=space, now=timezone.now())[:50]
    return render(request, "catalogue/space_detail.html", {"space": space, "sessions": sessions})


# --- map, calendar and iCalendar ----------------------------------------------------------------------


@city_page
def map_page(request):
    """Learning spaces on a map (Leaflet, fed by the map API) and the same spaces as a list (no JS needed)."""
    city = request.city
    form = MapFilterForm(request.GET, zones=list(zone_list(city=city)))
    near = form.near()
    error = None
    try:
        point, community = geo.near_point(
            city=city, community=near["community"], lat=near["lat"], lon=near["lon"]
        )
    except ValidationFailed as failure:
        point, community, error = None, None, failure.message
    entries = geo.map_spaces(
        city=city, now=timezone.now(), filters=form.filters(), point=point, radius_km=near["radius_km"]
    )
    context = {
        "form": form,
        "entries": entries,
        "point": point,
        "community": community,
        "radius_km": near["radius_km"],
        "error": error,
        "session_days": geo.MAP_SESSION_DAYS,
        "tile_url": settings.RIANRU_MAP_TILE_URL,
        "tile_attribution": settings.RIANRU_MAP_TILE_ATTRIBUTION,
    }
    return _render_listing(request, "catalogue/map.html", "catalogue/_map_results.html", context)


@city_page
def calendar_page(request):
    """What's on by day, week or month; `?view=day|week|month&date=YYYY-MM-DD&partner=slug`."""
    city = request.city
    tz = city_time_zone(city)
    today = timezone.localtime(timezone.now(), tz).date()
    partners = partner_directory(city=city)
    context = {
        "partners": partners,
        "today": today,
        "partner": None,
        "view_choices": calendar.VIEW_CHOICES,
        "weekday_names": calendar.weekday_names(),
        "first_day": calendar.FIRST_DAY,
        "last_day": calendar.LAST_DAY,
    }
    try:
        period = calendar.parse_period(request.GET.get("view"), request.GET.get("date"), today=today)
        partner_slug = request.GET.get("partner", "").strip()
        if partner_slug:
            context["partner"] = next((p for p in partners if p.slug == partner_slug), None)
            if context["partner"] is None:
                raise ValidationFailed(_("Unknown partner."), code="unknown_partner")
    except ValidationFailed as failure:
        context.update(error=failure.message, period=calendar.period_for(calendar.DEFAULT_VIEW, today))
        return render(request, "catalogue/calendar.html", context, status=400)
    start, end = calendar.bounds(period, tz)
    shown = calendar.SESSIONS_SHOWN[period.view]
    if shown is None:
        sessions = selectors.calendar_sessions(city=city, start=start, end=end, partner=context["partner"])
        days = calendar.days_of(sessions, period, tz)
    else:
        samples = selectors.calendar_sessions_by_day(
            city=city, start=start, end=end, tz=tz, first=shown, partner=context["partner"]
        )
        days = calendar.days_of_samples(samples, period)
    context.update(
        period=period,
        days=days,
        session_count=sum(day["count"] for day in days if day["in_period"]),
        busy_days=[day for day in days if day["in_period"] and day["sessions"]],
    )
    return _render_listing(request, "catalogue/calendar.html", "catalogue/_calendar_results.html", context)


# A subscribed feed holds the sessions from 30 days ago to a year ahead, at most FEED_MAX_EVENTS of them
# (the soonest): calendar apps poll it every hour and refuse very large feeds; partner and search feeds
# narrow a big city's calendar.
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 365
FEED_MAX_EVENTS = 1000
FEED_REFRESH = dt.timedelta(hours=1)


def _ics_response(content: bytes, filename: str, *, feed: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if feed:
        patch_cache_control(response, public=True, max_age=int(FEED_REFRESH.total_seconds()) // 4)
    return response


def _session_url(request):
    return lambda session: request.build_absolute_uri(session.opportunity.get_absolute_url())


@city_page
def session_ics(request, slug: str, pk: int):
    session = selectors.session_get(city=request.city, opportunity_slug=slug, pk=pk)
    if session is None:
        raise Http404(slug)
    content = ical.sessions_to_ics([session], name=session.opportunity.title, url_for=_session_url(request))
    return _ics_response(content, f"{slug}-{pk}.ics", feed=False)


def _feed_sessions(city, partner=None):
    now = timezone.now()
    sessions = selectors.feed_sessions(
        city=city, since=now - dt.timedelta(days=FEED_PAST_DAYS),
        until=now + dt.timedelta(days=FEED_FUTURE_DAYS), partner=partner,
    )  # fmt: skip
    return sessions[:FEED_MAX_EVENTS]


@city_page
def city_ics(request):
    city = request.city
    sessions = _feed_sessions(city)
    name = _("Learning calendar of %(city)s") % {"city": city.name}
    content = ical.sessions_to_ics(sessions, name=name, url_for=_session_url(request), refresh=FEED_REFRESH)
    return _ics_response(content, f"{city.slug}.ics", feed=True)


@city_page
def partner_ics(request, slug: str):
    partner = partner_get(city=request.city, slug=slug)
    if partner is None:
        raise Http404(slug)
    sessions = _feed_sessions(request.city, partner)
    name = _("%(partner)s: learning calendar") % {"partner": partner.name}
    content = ical.sessions_to_ics(sessions, name=name, url_for=_session_url(request), refresh=FEED_REFRESH)
    return _ics_response(content, f"{request.city.slug}-{partner.slug}.ics", feed=True)
