"""The JSON door of the CSV upload: POST a file of attendance and completions for a partner."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from rianru.core.errors import NotFound
from rianru.core.uploads import file_request_body, request_file
from rianru.lrs.services import max_bytes, statements_upload
from rianru.network.models import Partner

router = Router(tags=["learning record store"])


class UploadQuery(Schema):
    dry_run: bool = Field(False, description="check and count, but store nothing")


class UploadOut(Schema):
    rows: int
    stored: int = Field(description="new statements stored")
    unchanged: int = Field(description="rows whose statement was stored by an earlier upload")
    repeated: int = Field(description="rows that repeat an earlier row of the same file")
    dry_run: bool


@router.post(
    "/{city}/partners/{partner}/lrs/upload",
    auth=django_auth,
    response={200: UploadOut},
    summary="Upload attendance and completions as CSV (partner administrators, city staff)",
    description="Send a UTF-8 CSV file (columns in docs/lrs.md) as the request body (`Content-Type: "
    "text/csv`) or as the `file` field of a multipart form. Every row becomes an xAPI statement of the "
    "partner; if any row has an error the answer is a 400 problem listing them all (`errors`, each with its "
    "`line`, `column` and `message`) and nothing is stored. Uploading the same file again stores nothing "
    "new.",
    openapi_extra=file_request_body("text/csv"),
)
def statements_upload_endpoint(request, city: str, partner: str, query: Query[UploadQuery]):
    row = Partner.objects.select_related("city").filter(city__slug=city, slug=partner).first()
    if row is None:
        raise NotFound(_("There is no such partner in this city."))
    result = statements_upload(
        actor=request.user, partner=row, data=request_file(request, max_bytes()), dry_run=query.dry_run
    )
    return result.as_dict()
