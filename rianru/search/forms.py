"""The search's door: the page's query string and the API's parameters become `SearchParams`.

Both doors call `search_params()`, so they accept the same parameters (docs/search.md) and refuse the same
mistakes with the same reasons: facet lists may be repeated or comma-separated (at most 50 values, each
known in the city), other parameters take their first value, a date's year of 2400 or more is a
Buddhist-era year, a community stands for its point.

A function rather than a `django.forms.Form`: a form with a field per parameter costs about 0.8 ms a
request (as much as a tenth of an API search), and its messages and first-value rules would differ.
"""

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from rianru.core.errors import ValidationFailed
from rianru.core.thai import gregorian_iso
from rianru.network.models import City
from rianru.search import text
from rianru.search.choices import allowed_values
from rianru.search.query import (
    FLAG_FACETS,
    LIST_FACETS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    SORTS,
    SearchParams,
    community_point,
)


def search_params(data: MultiValueDict | Mapping[str, str | Sequence[str]], *, city: City) -> SearchParams:
    """The search `data` asks for: request.GET (every value of a repeated parameter), or the API's
    parameters (a value or a list per name). Raises ValidationFailed with a reason per parameter."""
    if isinstance(data, MultiValueDict):  # request.GET
        data = dict(data.lists())
    errors: dict[str, str] = {}

    def values(name: str) -> list[str]:
        raw = data.get(name)
        if raw is None:
            return []
        raw = raw if isinstance(raw, list | tuple) else [raw]
        out = []
        for item in raw:
            out += [part.strip() for part in str(item).split(",") if part.strip()]
        return out[:50]

    def one(name: str) -> str:
        found = values(name)
        return found[0] if found else ""

    allowed = allowed_values(city)
    filters = {}
    for param, _field in LIST_FACETS:
        chosen = values(param)
        unknown = [v for v in chosen if v not in allowed[param]]
        if unknown:
            errors[param] = _("Unknown value for %(name)s: %(values)s") % {
                "name": param,
                "values": ", ".join(unknown[:5])[:200],
            }
        elif chosen:
            filters[param] = tuple(dict.fromkeys(chosen))
    flags, paid = set(), False
    for name in FLAG_FACETS:
        value = one(name).lower()
        if value in ("", "any"):
            continue
        if value in ("true", "1", "yes", "on"):
            flags.add(name)
        elif value in ("false", "0", "no", "off") and name == "free":
            paid = True
        elif value not in ("false", "0", "no", "off"):
            errors[name] = _("%(name)s must be true or false.") % {"name": name}

    def number(name, cast, low, high):
        value = one(name)
        if not value:
            return None
        try:
            result = cast(value)
            if not (low <= result <= high) or (isinstance(result, float) and math.isnan(result)):
                raise ValueError
            return result
        except ValueError:
            errors[name] = _("%(name)s must be a number from %(low)s to %(high)s.") % {
                "name": name,
                "low": low,
                "high": high,
            }
            return None

    def day(name):
        value = one(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(gregorian_iso(value))  # a year from 2400 on is Buddhist era
        except ValueError:
            errors[name] = _("%(name)s must be a date like 2026-12-31.") % {"name": name}
            return None

    age = number("age", int, 0, 120)
    lat, lon = number("lat", float, -90, 90), number("lon", float, -180, 180)
    radius = number("radius_km", float, 0.1, MAX_RADIUS_KM)
    page = number("page", int, 1, MAX_PAGE) or 1
    page_size = number("page_size", int, 1, MAX_PAGE_SIZE) or 20
    date_from, date_to = day("date_from"), day("date_to")
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("The end date must not be before the start date.")
    if (lat is None) != (lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lat"] = _("Give both lat and lon, or neither.")
    near_community = one("near_community")
    if near_community and lat is None:
        point = community_point(city, near_community)
        if point is None:
            errors["near_community"] = _("Unknown community, or it has no learning space with a location.")
        else:
            lat, lon = point
    sort = one("sort")
    if sort and sort not in SORTS:
        errors["sort"] = _("sort must be one of: %(values)s") % {"values": ", ".join(SORTS)}
    if sort == "distance" and lat is None:
        errors["sort"] = _("Sorting by distance needs lat and lon.")
    if errors:
        raise ValidationFailed(_("The search request is not valid."), extra={"errors": errors})
    return SearchParams(
        q=query_text(data.get("q"))[: text.MAX_QUERY_CHARS],
        filters=filters, flags=frozenset(flags), paid=paid, age=age, date_from=date_from,
        date_to=date_to, lat=lat, lon=lon, radius_km=radius or 5.0, near_community=near_community,
        sort=sort, page=page,
        page_size=page_size,
    )  # fmt: skip


def query_text(raw) -> str:
    """The words typed, whole: commas are part of a query (unlike facet lists)."""
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else ""
    return str(raw or "").strip()
