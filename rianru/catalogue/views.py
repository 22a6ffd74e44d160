"""Catalogue pages: opportunities and learning spaces of one city. Thin: forms check, selectors read."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from rianru.catalogue import selectors
from rianru.catalogue.forms import OpportunityFilterForm, SpaceFilterForm
from rianru.network.http import city_page
from rianru.network.selectors import zone_list

OPPORTUNITIES_PER_PAGE = 24
SPACES_PER_PAGE = 24


def _fragment_requested(request) -> bool:
    """HTMX asked for the results only (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _render_listing(request, full_template: str, fragment_template: str, context: dict):
    fragment = _fragment_requested(request)
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
    context = {"opportunity": opportunity, "upcoming_sessions": upcoming, "past_sessions": past}
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
