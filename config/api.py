"""The JSON API (`/api/v1/`, OpenAPI at `/api/v1/openapi.json`, docs at `/api/v1/docs`).

Errors are RFC 7807 `application/problem+json` documents with HTTP 4xx statuses; invalid input is 400.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from rianru.catalogue.api import router as catalogue_router
from rianru.catalogue.api_opendata import router as opendata_router
from rianru.core.errors import ApplicationError
from rianru.lrs.api import router as lrs_router
from rianru.network.api import router as network_router
from rianru.search.api import router as search_router


class StrictOpenAPISchema(OpenAPISchema):
    """Ninja's OpenAPI document, refusing two different component schemas of one name.

    Ninja names a component after its class and keeps the last of two that share a name, so two enums both
    called `Kind` silently became one schema that half of the responses broke."""

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
    "Content comes in Thai (`*_th`) and English (`*_en`).",
    urls_namespace="api",
)


def problem(request, status: int, title: str, detail: str = "", **extra):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
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
    return problem(request, 404, "not_found", str(exc) or _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return problem(request, exc.status_code, "error", str(exc))


api.add_router("/cities", network_router)
api.add_router("/cities", catalogue_router)
api.add_router("/cities", opendata_router)
api.add_router("/cities", lrs_router)
api.add_router("", search_router)
