"""The xAPI wire protocol: version negotiation, authentication, Alternate Request Syntax, multipart bodies.

Views in `xapi/views.py` receive an `XapiRequest`, whatever syntax the client used, and return Django
responses.
"""

import base64
import binascii
import contextlib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from functools import wraps
from urllib.parse import parse_qs

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from rianru.core.errors import ApplicationError
from rianru.lrs.errors import BadRequest, Forbidden, PayloadTooLarge, Unauthorized
from rianru.lrs.models import Credential
from rianru.lrs.services.credentials import credential_authenticate
from rianru.lrs.xapi.multipart import multipart_mixed

SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]
HEADER_FORM_FIELDS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
MAX_BODY = 32 * 1024 * 1024


@dataclass
class XapiRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    version: str = "2.0.0"
    credential: Credential | None = None
    alternate: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def require_scope(self, *scopes: str) -> None:
        if not any(self.credential.has_scope(scope) for scope in scopes):
            raise Forbidden(f"This credential lacks the scope {' or '.join(scopes)}.")


def negotiate_version(value: str | None) -> str:
    if not value:
        raise BadRequest("The X-Experience-API-Version header is required.")
    value = value.strip()
    if re.fullmatch(r"1\.0(\.\d+)?", value):
        return "1.0.3"
    if re.fullmatch(r"2\.0(\.\d+)?", value):
        return "2.0.0"
    raise BadRequest(
        f"X-Experience-API-Version {value!r} is not supported; "
        f"this LRS speaks {', '.join(SUPPORTED_VERSIONS)}."
    )


def single_params(query) -> dict[str, str]:
    params = {}
    for key, values in query.lists() if hasattr(query, "lists") else query.items():
        if len(values) > 1:
            raise BadRequest(f"The parameter {key} is given more than once.")
        params[key] = values[0]
    return params


def read_body(request) -> bytes:
    """The request body, up to MAX_BODY (xAPI bodies with attachments outgrow Django's 2.5 MB form limit,
    which guards `request.body`; the stream itself has no such limit)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise BadRequest("Content-Length is not a number.") from error
    if length > MAX_BODY:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY // (1024 * 1024)} MB.")
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY // (1024 * 1024)} MB.")
    return body


def read_request(request) -> XapiRequest:
    headers = {key.lower(): value for key, value in request.headers.items()}
    params = single_params(request.GET)
    body = request._xapi_body if hasattr(request, "_xapi_body") else read_body(request)
    if "method" not in params:
        return XapiRequest(method=request.method, params=params, headers=headers, body=body)
    # Alternate Request Syntax (xAPI 1.0.3 only; removed in 2.0)
    version = headers.get("x-experience-api-version", "")
    if request.method != "POST":
        raise BadRequest("Alternate Request Syntax requests must be sent with POST.")
    if set(params) != {"method"}:
        raise BadRequest("Alternate Request Syntax: the query string may only contain the method parameter.")
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise BadRequest("Alternate Request Syntax requests must be application/x-www-form-urlencoded.")
    method = params["method"].upper()
    if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
        raise BadRequest(f"Alternate Request Syntax: unknown method {params['method']!r}.")
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest("Alternate Request Syntax: the body is not a valid form.") from error
    form_params, content = {}, b""
    new_headers = {
        key: value for key, value in headers.items() if key not in ("content-type", "content-length")
    }
    for key, values in form.items():
        if len(values) > 1:
            raise BadRequest(f"The form field {key} is given more than once.")
        if key.lower() in HEADER_FORM_FIELDS:
            new_headers[key.lower()] = values[0]
        elif key == "content":
            content = values[0].encode("utf-8")
        else:
            form_params[key] = values[0]
    if form.get("x-experience-api-version") is None and "X-Experience-API-Version" not in form:
        new_headers["x-experience-api-version"] = new_headers.get("x-experience-api-version", version)
    if method in ("PUT", "POST") and "content-type" not in new_headers:
        new_headers["content-type"] = "application/json"
    return XapiRequest(method=method, params=form_params, headers=new_headers, body=content, alternate=True)


def authenticate(xrequest: XapiRequest) -> Credential:
    authorization = xrequest.header("authorization") or ""
    scheme, _sep, value = authorization.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise Unauthorized("HTTP Basic authentication with an LRS key and secret is required.")
    try:
        key, _sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise Unauthorized("The Authorization header is not valid HTTP Basic.") from error
    credential = credential_authenticate(key=key, secret=secret)
    if credential is None:
        raise Unauthorized("Unknown or revoked key, or wrong secret.")
    return credential


def credential_touch(credential: Credential) -> None:
    """Note when a credential was last used, at most once a minute (no row write on every request)."""
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > timedelta(minutes=1):
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now


def error_response(status: int, message: str, version: str = "2.0.0") -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": True, "message": message, "code": status}),
        status=status,
        content_type="application/json",
    )
    response["X-Experience-API-Version"] = version
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="Rianru LRS"'
    return response


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


def xapi_view(*, methods: set[str], authenticated: bool = True):
    """Wrap a resource handler: syntax, version, authentication, errors, and the version header."""

    def decorate(handler):
        @csrf_exempt
        @wraps(handler)
        def view(request):
            version = "2.0.0"
            try:
                if request.method == "OPTIONS":
                    response = HttpResponse(status=200)
                    response["Allow"] = ", ".join(sorted(methods | {"OPTIONS"}))
                    return with_headers(response, version)
                request._xapi_body = read_body(request)
                header_version = request.headers.get("X-Experience-API-Version")
                if "method" in request.GET and header_version and header_version.strip().startswith("2"):
                    raise BadRequest("Alternate Request Syntax is not part of xAPI 2.0.")
                xrequest = read_request(request)
                if authenticated and not xrequest.header("x-experience-api-version"):
                    # Answer in the version the credential's system speaks, if the credential is good.
                    with contextlib.suppress(Unauthorized):
                        version = authenticate(xrequest).xapi_version
                if authenticated:
                    version = negotiate_version(xrequest.header("x-experience-api-version"))
                elif xrequest.header("x-experience-api-version"):
                    try:
                        version = negotiate_version(xrequest.header("x-experience-api-version"))
                    except BadRequest:
                        version = "2.0.0"
                xrequest.version = version
                if xrequest.alternate and version != "1.0.3":
                    raise BadRequest("Alternate Request Syntax is not part of xAPI 2.0.")
                if xrequest.method not in methods:
                    response = error_response(405, f"{xrequest.method} is not allowed here.", version)
                    response["Allow"] = ", ".join(sorted(methods))
                    return response
                if authenticated:
                    xrequest.credential = authenticate(xrequest)
                    credential_touch(xrequest.credential)
                response = handler(xrequest)
            except ApplicationError as error:
                return with_headers(error_response(error.status, str(error.message), version), version)
            if xrequest.method == "HEAD":
                response.content = b""
            return with_headers(response, version)

        return view

    return decorate


def with_headers(response: HttpResponse, version: str) -> HttpResponse:
    response["X-Experience-API-Version"] = version
    if "X-Experience-API-Consistent-Through" not in response:
        now = timezone.now().astimezone(UTC)
        response["X-Experience-API-Consistent-Through"] = now.isoformat(timespec="microseconds").replace(
            "+00:00", "Z"
        )
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Headers"] = (
        "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
        "X-Experience-API-Version, Accept-Language"
    )
    response["Access-Control-Allow-Methods"] = "HEAD, GET, POST, PUT, DELETE, OPTIONS"
    response["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
        "X-Experience-API-Version, X-Experience-API-Consistent-Through"
    )
    return response


def last_modified(moment) -> str:
    return http_date(moment.timestamp())


def multipart_response(first: bytes, attachments) -> HttpResponse:
    """A multipart/mixed response: the JSON first, then each attachment with its hash header."""
    boundary = "rianru-" + hashlib.sha1(first).hexdigest()[:24]  # noqa: S324 - just a boundary
    body, content_type = multipart_mixed(first, attachments, boundary)
    return HttpResponse(body, content_type=content_type)
