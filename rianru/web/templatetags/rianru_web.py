"""Layout helpers: the language switch (same page, other language) and the main navigation."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rianru.core import thai
from rianru.lrs.permissions import statement_reader

register = template.Library()

NAV = (
    ("web:city_home", _("Home"), ("web:city_home",)),
    ("search:search", _("Search"), ("search:",)),
    ("catalogue:opportunity_list", _("Opportunities"), ("catalogue:opportunity_",)),
    ("catalogue:calendar", _("Calendar"), ("catalogue:calendar",)),
    ("catalogue:space_list", _("Spaces"), ("catalogue:space_",)),
    ("catalogue:map", _("Map"), ("catalogue:map",)),
    ("network:partner_list", _("Partners"), ("network:partner_", "web:partner_")),
    ("network:mou_list", _("MOU"), ("network:mou_",)),
    ("monitoring:sdg_index", _("SDGs"), ("monitoring:sdg_",)),
    ("monitoring:city_overview", _("Overview"), ("monitoring:city_overview",)),
)


def _prefix_swap(path: str, language: str) -> str:
    """Fallback for paths that do not resolve (404 pages): add or drop the language prefix."""
    default = settings.LANGUAGE_CODE
    for code, _name in settings.LANGUAGES:
        if code != default and (path == f"/{code}" or path.startswith(f"/{code}/")):
            path = path[len(code) + 1 :] or "/"
            break
    return path if language == default else f"/{language}{path}"


def page_in(request, language: str) -> str:
    """The current page (with its query string) in another language."""
    path = request.get_full_path()
    translated = translate_url(path, language)
    if translated == path and language != translation.get_language():
        translated = _prefix_swap(path, language)
    return translated


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """[{code, name, url, absolute_url, current}] for every language; empty without a request (500 page)."""
    request = context.get("request")
    if request is None:
        return []
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    links = []
    for code, _name in settings.LANGUAGES:
        url = request.get_full_path() if code == current else page_in(request, code)
        links.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return links


# Shown only to users who may read the city's learning records (city staff, partner administrators).
RECORDS = ("web:statement_list", _("Learning records"), ("web:statement_",))


@register.simple_tag(takes_context=True)
def nav_items(context, city) -> list[dict]:
    """The city's main navigation with the current section
    marked (and the records for those who may read them)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    user = getattr(request, "user", None)
    nav = NAV
    if user is not None and user.is_authenticated and statement_reader(user, city) is not None:
        nav = (*NAV, RECORDS)
    return [
        {
            "url": reverse(name, kwargs={"city": city.slug}),
            "label": label,
            "current": any(view_name.startswith(prefix) for prefix in prefixes),
        }
        for name, label, prefixes in nav
    ]


@register.filter
def era_year(year):
    """A year as the reader counts it: Buddhist era in Thai (2024 → 2567), Gregorian in English."""
    if year in (None, ""):
        return ""
    return thai.buddhist_year(int(year)) if (translation.get_language() or "th")[:2] == "th" else year
