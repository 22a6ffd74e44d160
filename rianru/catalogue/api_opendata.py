"""The open catalogue's JSON door: export a city's catalogue (JSON-LD, CSV) and import one (city staff)."""

from django.http import StreamingHttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from rianru.catalogue.interchange.exporter import CSV_KINDS, export_csv, export_jsonld
from rianru.catalogue.interchange.importer import catalogue_import, ensure_can_import, max_bytes
from rianru.core.uploads import file_request_body, request_file
from rianru.network.api import city_or_404

router = Router(tags=["open catalogue"])


@router.get(
    "/{city}/catalogue.jsonld",
    summary="The city's open catalogue as schema.org JSON-LD",
    description="Organizations (partners), Places (learning spaces), Courses and EducationEvents (published "
    "opportunities) with their sessions, in one `@graph`. Streamed. Shape: docs/catalogue-format.md.",
    openapi_extra={"responses": {200: {"description": "OK", "content": {"application/ld+json": {}}}}},
)
def catalogue_jsonld(request, city: str):
    city_row = city_or_404(city)
    chunks = export_jsonld(city=city_row, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type="application/ld+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{city_row.slug}-catalogue.jsonld"'
    return response


class CsvQuery(Schema):
    kind: str = Field("opportunities", pattern="^(opportunities|spaces)$", description=" or ".join(CSV_KINDS))
    excel: bool = Field(False, description="a byte-order mark first, and formula-like text quoted, for Excel")


@router.get(
    "/{city}/catalogue.csv",
    summary="The city's open catalogue as CSV (opportunities, one row per session, or spaces)",
    openapi_extra={"responses": {200: {"description": "OK", "content": {"text/csv": {}}}}},
)
def catalogue_csv(request, city: str, query: Query[CsvQuery]):
    city_row = city_or_404(city)
    chunks = export_csv(city=city_row, kind=query.kind, excel=query.excel)
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{city_row.slug}-{query.kind}.csv"'
    return response


class ImportProblem(Schema):
    line: int | None = Field(None, description="CSV: the physical line of the file")
    index: int | None = Field(None, description="JSON-LD: the position of the node in @graph")
    field: str
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    skipped_invalid: int
    dry_run: bool
    errors: list[ImportProblem]


class ImportQuery(Schema):
    format: str | None = Field(
        None, pattern="^(jsonld|csv)$", description="jsonld or csv; default: from the content"
    )
    valid_only: bool = Field(False, description="import the valid records and skip the others")
    dry_run: bool = Field(False, description="check and count, but write nothing")


@router.post(
    "/{city}/catalogue/import",
    auth=django_auth,
    response={200: ImportOut},
    summary="Import a catalogue file (city staff)",
    description="Send the file as the request body (`Content-Type: application/ld+json` or `text/csv`) or "
    "as the `file` field of a multipart form. Every record is checked first: with any error the answer is a "
    "400 problem listing them all (`errors`, each with its `line` or `index`, `field` and `message`) and "
    "nothing is written, unless `valid_only` is set. Records are upserted by identifier; re-importing the "
    "same file changes nothing. Needs a session of a superuser or of a staff user who is city staff of the "
    "city.",
    openapi_extra=file_request_body("application/ld+json", "text/csv"),
)
def catalogue_import_endpoint(request, city: str, query: Query[ImportQuery]):
    city_row = city_or_404(city)
    ensure_can_import(request.user, city_row)  # before reading a large body
    result = catalogue_import(
        actor=request.user, city=city_row, data=request_file(request, max_bytes()), format=query.format,
        valid_only=query.valid_only, dry_run=query.dry_run,
    )  # fmt: skip
    return {**result.counts(), "dry_run": result.dry_run, "errors": result.errors}
