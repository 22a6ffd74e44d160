"""Pages that compose the other apps: the city list, the city home, the partner page, the LRS statement
browser, and error pages."""

import json

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token

from rianru.catalogue import selectors as catalogue
from rianru.core.http import fragment_requested
from rianru.lrs import selectors as lrs
from rianru.lrs.permissions import Reader, statement_reader
from rianru.lrs.presentation import KNOWN_VERBS
from rianru.network import selectors as network
from rianru.network.errors import CityNotFound
from rianru.network.http import city_page
from rianru.web import selectors
from rianru.web import statements as statement_views
from rianru.web.forms import StatementFilterForm


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


# --- the LRS statement browser ------------------------------------------------------------------------

STATEMENTS_PER_PAGE = 50


def _statement_reader(request):
    """The reader for this user and city, a redirect to sign in, or PermissionDenied (403)."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path(), reverse("admin:login"))
    reader = statement_reader(request.user, request.city)
    if reader is None:
        raise PermissionDenied(gettext("You may not read the learning records of this city."))
    return reader, None


@city_page
def statement_list(request):
    """`/<city>/lrs/statements/`: the statements a user may read, newest first, filtered, keyset-paged."""
    reader, response = _statement_reader(request)
    if response is not None:
        return response
    partners = network.partner_directory(city=request.city) if reader.partner_id is None else None
    form = StatementFilterForm(request.GET, partners=partners)
    context = {"form": form, "reader_partner": None, "statements": [], "newer": "", "older": ""}
    if reader.partner_id is not None:
        context["reader_partner"] = network.partner_by_pk(city=request.city, pk=reader.partner_id)
    status = 200
    if form.is_valid():
        chosen = form.chosen_partner()
        if chosen is not None:
            reader = Reader(reader.city_id, chosen.pk)
        before = form.cleaned_data["before"]
        rows, more = lrs.statements_browse(
            reader=reader, query=form.query(), limit=STATEMENTS_PER_PAGE, before=before
        )
        opportunities = catalogue.opportunities_for_activity_ids(
            city=request.city, activity_ids=statement_views.object_activity_ids(rows)
        )
        views = [statement_views.statement_view(row, opportunities=opportunities) for row in rows]
        paged = bool(form.cleaned_data["after"] or before)
        if views:
            has_newer = more if before else paged
            has_older = True if before else more
            context["newer"] = views[0].cursor if has_newer else ""
            context["older"] = views[-1].cursor if has_older else ""
        context.update(statements=views, paged=paged, chosen_partner=chosen)
    else:
        status = 400
    context["known_verbs"] = sorted(
        ((verb_id, str(label)) for verb_id, label in KNOWN_VERBS.items()), key=lambda item: item[1]
    )
    fragment = fragment_requested(request)
    template = "web/_statement_results.html" if fragment else "web/statement_list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(response, private=True, no_store=True)
    return response


@city_page
def statement_detail(request, statement_id):
    """One statement in full (identifiers unmasked) and its JSON, if the user may read it; else 404."""
    reader, response = _statement_reader(request)
    if response is not None:
        return response
    row = lrs.statement_for_reader(reader=reader, statement_id=statement_id)
    if row is None:
        raise Http404(str(statement_id))
    opportunities = catalogue.opportunities_for_activity_ids(
        city=request.city, activity_ids=statement_views.object_activity_ids([row])
    )
    context = {
        "statement": statement_views.statement_view(row, opportunities=opportunities, full=True),
        "json": json.dumps(row.data, indent=2, ensure_ascii=False, sort_keys=False),
    }
    response = render(request, "web/statement_detail.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response
