"""The HTTP side of city-scoped pages: the `<city:city>` URL converter and the `city_page` decorator.

Every public URL starts with the city slug (docs/decisions/0005). The converter refuses slugs that clash
with top-level paths, so `/admin/`, `/static/` or `/en/` never reach a city page; the decorator turns the
slug into the City (or a 404) before the view runs.
"""

from functools import wraps

from django.http import Http404
from django.urls import register_converter
from django.utils import timezone

from rianru.network.errors import CityNotFound
from rianru.network.selectors import city_get, city_time_zone

RESERVED_CITY_SLUGS = frozenset({"accounts", "admin", "api", "en", "i18n", "media", "static", "th", "xapi"})


class CitySlugConverter:
    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in RESERVED_CITY_SLUGS:
            raise ValueError(value)
        return value

    def to_url(self, value) -> str:
        slug = getattr(value, "slug", value)
        if slug in RESERVED_CITY_SLUGS:
            raise ValueError(slug)
        return slug


register_converter(CitySlugConverter, "city")


def city_page(view):
    """Resolve the `city` URL kwarg to `request.city` (404 if unknown) and show times in its time zone.

    The view is called as `view(request, *args, **kwargs)` without the `city` kwarg.
    """

    @wraps(view)
    def wrapper(request, *args, city: str, **kwargs):
        try:
            request.city = city_get(slug=city)
        except CityNotFound as error:
            raise Http404(error.message) from error
        with timezone.override(city_time_zone(request.city)):
            return view(request, *args, **kwargs)

    return wrapper
