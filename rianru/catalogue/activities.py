"""Opportunities as xAPI activities: the canonical activity id of an opportunity, and the reverse.

The canonical id is the absolute URL of the opportunity's Thai page under `RIANRU_PUBLIC_URL`:
`https://learn.khonkaen.go.th/khon-kaen/opportunities/silk-weaving/`. The same page's other addresses are
recognised as the same activity: `http` or `https`, the English page (`/en/…`), with or without the last
slash, the host in any case. Anything else (a query string, a fragment, another host) is another activity.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

from rianru.network.http import RESERVED_CITY_SLUGS

_PATH = re.compile(
    r"^(?:/(?P<language>[a-z]{2}))?/(?P<city>[-a-zA-Z0-9_]+)/opportunities/(?P<slug>[-a-zA-Z0-9_]+)/?$"
)


def _base() -> tuple[str, str, str]:
    """(scheme, host, path prefix) of the public URL, host lower-cased, prefix without the last slash."""
    parts = urlsplit(settings.RIANRU_PUBLIC_URL)
    return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/")


def _language_prefixes() -> list[str]:
    default = settings.LANGUAGE_CODE
    return [""] + [f"/{code}" for code, _name in settings.LANGUAGES if code != default]


def opportunity_activity_id(*, city_slug: str, slug: str) -> str:
    """The canonical xAPI activity id of an opportunity (its Thai page's absolute URL)."""
    scheme, host, prefix = _base()
    return f"{scheme}://{host}{prefix}/{city_slug}/opportunities/{slug}/"


def opportunity_activity_ids(*, city_slug: str, slug: str) -> list[str]:
    """Every spelling of the opportunity's activity id that counts as the same activity (canonical first)."""
    _scheme, host, prefix = _base()
    canonical = opportunity_activity_id(city_slug=city_slug, slug=slug)
    spellings = [canonical]
    for scheme in ("https", "http"):
        for language in _language_prefixes():
            for end in ("/", ""):
                spelling = f"{scheme}://{host}{prefix}{language}/{city_slug}/opportunities/{slug}{end}"
                if spelling not in spellings:
                    spellings.append(spelling)
    return spellings


def parse_opportunity_activity_id(activity_id: str) -> tuple[str, str] | None:
    """(city slug, opportunity slug) if an activity id is one of the spellings of an opportunity's id."""
    if not isinstance(activity_id, str) or len(activity_id) > 2000:
        return None
    try:
        parts = urlsplit(activity_id)
    except ValueError:
        return None
    _scheme, host, prefix = _base()
    if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() != host:
        return None
    if parts.query or parts.fragment or not parts.path.startswith(prefix + "/"):
        return None
    match = _PATH.match(parts.path[len(prefix) :])
    if match is None:
        return None
    language = match["language"]
    if language is not None and f"/{language}" not in _language_prefixes():
        return None
    if match["city"] in RESERVED_CITY_SLUGS:
        return None
    return match["city"], match["slug"]
