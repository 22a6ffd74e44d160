"""The JSON API (`/api/v1/`, OpenAPI at `/api/v1/openapi.json`, docs at `/api/v1/docs`).

Every error is an RFC 9457 `application/problem+json` document (config/problems.py, docs/api-errors.md):
invalid input is 400, an unknown city or record 404.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from config.problems import HTTP_ERROR_CODES, PROBLEM_SCHEMA, PROBLEM_TYPES
from rianru.catalogue.api import router as catalogue_router
from rianru.catalogue.api_opendata import router as opendata_router
from rianru.core.errors import ApplicationError, NotFound, status_title
from rianru.lrs.api import router as lrs_router
from rianru.network.api import router as network_router
from rianru.search.api import router as search_router

PROBLEM_RESPONSE = {
    "description": "A problem (docs/api-errors.md)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class StrictOpenAPISchema(OpenAPISchema):
    """Ninja's OpenAPI document, refusing two different component schemas of one name, and documenting the
    problem documents of every operation.

    Ninja names a component after its class and keeps the last of two that share a name, so two enums both
    called `Kind` silently became one schema that half of the responses broke."""

    def __init__(self, api, path_prefix: str) -> None:
        super().__init__(api, path_prefix)
        self.add_schema_definitions({"Problem": PROBLEM_SCHEMA})
        for operations in self["paths"].values():
            for operation in operations.values():
                responses = {str(status): response for status, response in operation["responses"].items()}
                operation["responses"] = {**responses, "4XX": PROBLEM_RESPONSE}

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                raise ImproperlyConfigured(f"Two API schemas are named {name!r}: give one a name of its own.")
        super().add_schema_definitions(definitions)


class RianruAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return StrictOpenAPISchema(self, path_prefix)


api = RianruAPI(
    title="Rianru API",
    version="1",
    description="Open data of UNESCO learning cities: partner networks, learning opportunities and spaces. "
    "Content comes in Thai (`*_th`) and English (`*_en`). Errors are `application/problem+json` documents "
    "whose `code` is listed at `/api/v1/problems/`.",
    urls_namespace="api",
)


def problem_type_url(request, code: str) -> str:
    """The URL that explains a problem code (`/api/v1/problems/<code>/` on this instance)."""
    return request.build_absolute_uri(reverse("api:problem_type", kwargs={"code": code}))


def problem(request, status: int, code: str, detail: str, **extra):
    """An RFC 9457 problem document: `type` is the URL that explains `code`, `title` the kind of problem."""
    body = {
        "type": problem_type_url(request, code),
        "title": status_title(status),
        "status": status,
        "code": code,
        "detail": detail,
    }
    body.update((name, value) for name, value in extra.items() if name not in body)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return problem(request, exc.status, exc.code, str(exc.message), **exc.extra)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = [
        {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(request, 400, "invalid", _("The request is not valid."), errors=errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem(request, 404, "not_found", _("There is nothing at this address."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own errors: 401 of the session authentication, and any HttpError (Rianru raises none)."""
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    details = {
        "not_authenticated": _("Sign in first: this endpoint needs a signed-in session."),
        "permission_denied": _("You may not do this."),
        "not_found": _("There is nothing at this address."),
    }
    return problem(request, exc.status_code, code, details.get(code) or str(exc))


class ProblemTypeOut(Schema):
    code: str
    status: int
    title: str
    description: str
    type: str


def _problem_type_out(request, code: str) -> dict:
    problem_type = PROBLEM_TYPES[code]
    return {
        "code": code,
        "status": problem_type.status,
        "title": status_title(problem_type.status),
        "description": problem_type.description,
        "type": problem_type_url(request, code),
    }


@api.get(
    "/problems/", response=list[ProblemTypeOut], tags=["problems"], summary="The codes of error responses"
)
def problem_type_list(request):
    return [_problem_type_out(request, code) for code in sorted(PROBLEM_TYPES)]


@api.get(
    "/problems/{code}/",
    response=ProblemTypeOut,
    url_name="problem_type",
    tags=["problems"],
    summary="What an error code means (the `type` of a problem document)",
)
def problem_type_detail(request, code: str):
    if code not in PROBLEM_TYPES:
        raise NotFound(_("There is no problem type “%(code)s”.") % {"code": code})
    return _problem_type_out(request, code)


api.add_router("/cities", network_router)
api.add_router("/cities", catalogue_router)
api.add_router("/cities", opendata_router)
api.add_router("/cities", lrs_router)
api.add_router("", search_router)
