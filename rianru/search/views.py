"""The search page: one box, facets with live counts, near me; HTMX swaps the results,
every state is a URL."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from rianru.catalogue import ical
from rianru.catalogue.selectors import feed_sessions
from rianru.core.errors import ApplicationError
from rianru.core.http import fragment_requested
from rianru.network.http import city_page
from rianru.network.selectors import zone_list
from rianru.search import selectors
from rianru.search.errors import SearchUnavailable
from rianru.search.forms import search_params
from rianru.search.query import FLAG_FACETS, SearchParams

RADII_KM = (1, 2, 5, 10, 25)
FACET_TITLES = {
    "type": _("Show"),
    "kind": _("Kind"),
    "life_stage": _("Life stage"),
    "sdg": _("Sustainable Development Goal"),
    "kflc": _("Learning-city building block"),
    "partner": _("Partner"),
    "sector": _("Sector"),
    "zone": _("Zone"),
    "community": _("Community"),
    "mode": _("Online or on site"),
    "language": _("Language"),
}
# Long lists show their first values; the rest fold away (<details>).
FACET_VISIBLE = 8


@city_page
def search_page(request):
    city = request.city
    error, result = None, None
    try:
        params = search_params(request.GET, city=city)
    except ApplicationError as exc:
        params, error = SearchParams(), exc
    status = 400 if error else 200
    try:
        result = selectors.search(city=city, params=params, now=timezone.now())
    except SearchUnavailable as exc:
        error, status = exc, 503
    query = params.to_query()
    facet_groups = []
    if result:
        for param, title in FACET_TITLES.items():
            values = result.facets.get(param, [])
            if values:
                facet_groups.append(
                    {
                        "param": param,
                        "title": title,
                        "values": values[:FACET_VISIBLE],
                        "more": values[FACET_VISIBLE:],
                    }
                )
    context = {
        "params": params,
        "result": result,
        "error": error,
        "query_string": urlencode(query),
        "without_page": urlencode([(k, v) for k, v in query if k != "page"]),
        "radii": RADII_KM,
        "first_rank": (params.page - 1) * params.page_size + 1,
        "facet_groups": facet_groups,
        "flags": [(name, result.facets[name][0]) for name in FLAG_FACETS] if result else [],
        "communities": [
            c for zone in zone_list(city=city, with_communities=True) for c in zone.communities.all()
        ],
    }
    template = "search/_results.html" if fragment_requested(request) else "search/search.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


SEARCH_ICS_MAX_EVENTS = 1000


@city_page
def search_ics(request):
    """The upcoming sessions of what a search finds (its first 500 opportunities; the soonest 1,000
    sessions), as iCalendar."""
    city = request.city
    try:
        params = search_params(request.GET, city=city)
        ids = selectors.matching_opportunity_ids(city=city, params=params)
    except ApplicationError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    sessions = feed_sessions(city=city, since=timezone.now()).filter(opportunity_id__in=ids)[
        :SEARCH_ICS_MAX_EVENTS
    ]
    name = _("%(city)s: %(search)s") % {"city": city.name, "search": params.q or _("search")}
    content = ical.sessions_to_ics(
        sessions, name=name, url_for=lambda s: request.build_absolute_uri(s.opportunity.get_absolute_url())
    )
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{city.slug}-search.ics"'
    return response
