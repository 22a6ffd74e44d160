"""The lean xAPI request path: `config.wsgi` sends the xAPI resources past the site's page middleware."""

import io
import json
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse

from rianru.lrs import urls as lrs_urls
from rianru.lrs.models import Statement
from rianru.lrs.tests.helpers import new_id, statement
from rianru.lrs.xapi.handler import (
    SKIPPED_MIDDLEWARE,
    XAPI_ENVIRON_KEY,
    XapiWSGIHandler,
    dispatch,
    xapi_middleware,
    xapi_paths,
)


def call_wsgi(
    path: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict | None = None,
    host="testserver",
    application=None,
):
    """Call `config.wsgi.application` as a WSGI server does; (status, headers, body, environ)."""
    if application is None:
        from config.wsgi import application

    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }  # fmt: skip
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE",) else f"HTTP_{key}"] = value
    started = []
    # Like Django's test client: the request must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(
            environ,
            lambda status, response_headers, exc_info=None: started.append((status, response_headers)),
        )
        content = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, response_headers = started[0]
    return int(status.split()[0]), dict(response_headers), content, environ


def test_the_xapi_paths_are_the_lrs_resources_as_mounted():
    expected = {reverse(f"lrs:{pattern.name}") for pattern in lrs_urls.urlpatterns}
    assert xapi_paths() == expected
    assert "/xapi/statements" in expected and "/xapi/about" in expected


def test_the_lean_path_keeps_the_security_middleware_and_skips_the_page_middleware():
    chain = xapi_middleware()
    assert "django.middleware.security.SecurityMiddleware" in chain
    assert "django.middleware.common.CommonMiddleware" in chain
    assert not set(chain) & SKIPPED_MIDDLEWARE
    for skipped in ("sessions", "auth", "csrf", "locale", "messages", "whitenoise"):
        assert not any(skipped in path for path in chain), skipped


def test_a_middleware_added_to_the_site_runs_on_the_lean_path_too(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "rianru.example.NewMiddleware"]
    assert xapi_middleware()[-1] == "rianru.example.NewMiddleware"


def test_a_statement_posted_through_the_wsgi_application_takes_the_lean_path(xapi):
    statement_id = new_id()
    status, headers, body, environ = call_wsgi(
        "/xapi/statements",
        method="POST",
        body=json.dumps(statement(id=statement_id)).encode(),
        headers={**xapi.headers(), "Content-Type": "application/json"},
    )
    assert status == 200, body
    assert json.loads(body) == [statement_id]
    assert Statement.objects.filter(statement_id=statement_id).exists()
    assert environ[XAPI_ENVIRON_KEY] is True
    assert headers["X-Experience-API-Version"] == "2.0.0"
    assert headers["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Length"] == str(len(body))  # CommonMiddleware
    # no session, no locale: nothing varies with cookies or languages
    assert "Content-Language" not in headers and "Set-Cookie" not in headers
    assert "Cookie" not in headers.get("Vary", "")


def test_every_other_path_takes_the_site_path(db):
    status, headers, _body, environ = call_wsgi("/en/")
    assert status < 500
    assert headers["Content-Language"] == "en"  # LocaleMiddleware ran
    assert XAPI_ENVIRON_KEY not in environ
    # a path under /xapi/ that is not a resource is the site's 404, as before
    status, _headers, _body, environ = call_wsgi("/xapi/statements/")
    assert status == 404 and XAPI_ENVIRON_KEY not in environ


@override_settings(ALLOWED_HOSTS=["rianru.example"])
def test_the_lean_path_refuses_a_host_that_is_not_allowed(db):
    assert call_wsgi("/xapi/about", host="rianru.example")[0] == 200
    assert call_wsgi("/xapi/about", host="attacker.example")[0] == 400


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_lean_path_redirects_to_https_when_the_site_does(db):
    # the middleware read their settings when the handler is made: a new one for the new setting
    lean = dispatch(WSGIHandler(), XapiWSGIHandler(), xapi_paths())
    status, headers, _body, _environ = call_wsgi("/xapi/about", application=lean)
    assert status == 301 and headers["Location"] == "https://testserver/xapi/about"


def test_a_connection_that_just_answered_is_not_pinged_again(xapi, monkeypatch):
    from django.db import connection

    if not connection.health_check_enabled:
        pytest.skip("database health checks are on for PostgreSQL (config/database.py)")
    pings = []
    real_is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or real_is_usable())
    monkeypatch.setattr(connection, "rianru_answered_at", float("-inf"), raising=False)

    def post():
        connection.health_check_done = False  # as close_old_connections does when a request starts
        assert xapi.post_statements(statement()).status_code == 200

    post()  # the connection has not answered an xAPI request yet: Django pings it
    assert len(pings) == 1
    post()  # it answered a moment ago: one round trip, the statement's
    post()
    assert len(pings) == 1
    connection.rianru_answered_at -= 2  # idle for two seconds: pinged again
    post()
    assert len(pings) == 2
