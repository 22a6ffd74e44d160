"""Pages that compose the other apps: the city list, the city home, the partner page, and error pages."""

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from rianru.network import selectors as network
from rianru.network.errors import CityNotFound
from rianru.network.http import city_page
from rianru.web import selectors


def index(request):
    """`/`: the default city's home page if it exists, else the list of cities."""
    try:
        city = network.city_get(slug=settings.RIANRU_DEFAULT_CITY)
    except CityNotFound:
        return render(request, "web/index.html", {"cities": network.city_list()})
    return redirect("web:city_home", city=city.slug)


@city_page
def city_home(request):
    context = selectors.city_home(city=request.city, now=timezone.now())
    return render(request, "web/city_home.html", context)


@city_page
def partner_detail(request, slug: str):
    partner = network.partner_get(city=request.city, slug=slug)
    if partner is None:
        raise Http404(slug)
    context = {"partner": partner, **selectors.partner_page(partner=partner, now=timezone.now())}
    return render(request, "web/partner_detail.html", context)


@requires_csrf_token
def page_not_found(request, exception):
    """404 in the page's language, in the site layout (with the city's navigation if the city exists)."""
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    """500 without context processors, so it never touches the database (which may be the problem)."""
    return HttpResponseServerError(loader.get_template("500.html").render({}))
