"""A lean request path for the xAPI endpoint: Django's own handler with only the middleware xAPI needs.

`config/wsgi.py` sends the requests for the xAPI resources (`/xapi/statements`, `/xapi/about` …) to
`XapiWSGIHandler` and every other request to the site's handler. An xAPI request carries its credential in
HTTP Basic on every request: no cookie, session, form, page, user or static file, so the middleware that
serve those have nothing to do for it and are skipped (`SKIPPED_MIDDLEWARE`). The rest of the site's
middleware runs in the site's order: security headers and the HTTPS redirect (`SecurityMiddleware`), gzip,
the allowed host check and Content-Length (`CommonMiddleware`), X-Frame-Options. The request signals
(database connections, queries log) and URL resolution are Django's, unchanged, except that a database
connection that answered the thread's previous request less than a second ago is not pinged again
(Django's CONN_HEALTH_CHECKS costs a round trip per request): a plain statement is one round trip.

A middleware added to `settings.MIDDLEWARE` later runs on the xAPI path too unless it is listed here.
"""

import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.urls import get_resolver
from django.utils.module_loading import import_string

# What xAPI requests never use: whitenoise (static files), sessions, locale (the messages of the
# protocol are English; negotiation of statement languages is the view's own), CSRF (Basic auth, no
# cookies; the views are csrf_exempt anyway), user authentication, messages, htmx.
SKIPPED_MIDDLEWARE = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
    }
)


def xapi_middleware() -> list[str]:
    """The site's middleware that xAPI requests pass through, in the site's order."""
    return [path for path in settings.MIDDLEWARE if path not in SKIPPED_MIDDLEWARE]


class XapiMiddlewareMixin:
    """For a Django handler class: the middleware chain of `xapi_middleware()` (synchronous), and no
    health check round trip for a database connection that answered a moment ago."""

    def get_response(self, request):
        trust_recent_connections()
        response = super().get_response(request)
        note_healthy_connections()
        return response

    def load_middleware(self, is_async=False):
        if is_async:
            raise NotImplementedError("The lean xAPI handler is synchronous (WSGI).")
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(xapi_middleware()):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


# A connection that answered this thread's previous xAPI request less than this many seconds ago is not
# checked again with Django's health check (a `SELECT 1` round trip before the request's first query).
RECENTLY_HEALTHY_SECONDS = 1.0


def trust_recent_connections() -> None:
    """Skip the per-request health check of a database connection that answered a moment ago.

    With CONN_HEALTH_CHECKS Django pings a persistent connection before each request uses it: a second
    round trip for a statement that needs one. A connection busy serving statements has just proved
    itself; one idle for longer than RECENTLY_HEALTHY_SECONDS is checked as before."""
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if (
            connection.connection is not None
            and not connection.health_check_done
            and now - getattr(connection, "rianru_answered_at", float("-inf")) < RECENTLY_HEALTHY_SECONDS
        ):
            connection.health_check_done = True


def note_healthy_connections() -> None:
    """After a request: the connections it used without a database error have answered now."""
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.errors_occurred:
            connection.rianru_answered_at = now


class XapiWSGIHandler(XapiMiddlewareMixin, WSGIHandler):
    pass


def xapi_paths() -> frozenset[str]:
    """The paths of the xAPI resources as the URL configuration mounts them (e.g. `/xapi/statements`)."""
    for entry in get_resolver().url_patterns:
        if getattr(entry, "app_name", None) == "lrs":
            prefix = "/" + str(entry.pattern)
            return frozenset(prefix + str(pattern.pattern) for pattern in entry.url_patterns)
    return frozenset()


# Marks the WSGI environ of a request the lean handler serves (`rianru serve` leaves the successful ones
# out of its access log: the store itself records every statement with its time and credential).
XAPI_ENVIRON_KEY = "rianru.xapi"


def dispatch(site, xapi, paths: frozenset[str]):
    """A WSGI application: requests for `paths` go to `xapi`, all others to `site`."""

    def application(environ, start_response):
        if environ.get("PATH_INFO") in paths:
            environ[XAPI_ENVIRON_KEY] = True
            return xapi(environ, start_response)
        return site(environ, start_response)

    return application
