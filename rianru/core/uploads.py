"""Files people send (catalogue import, LRS attendance upload): reading them from a request, decoding them."""

from django.utils.translation import gettext as _

from rianru.core.errors import TooLarge, ValidationFailed

# The OpenAPI schema of a file sent as the body or as the `file` field of a multipart form.
FILE_BODY = {"schema": {"type": "string", "format": "binary"}}


def file_request_body(*media_types: str) -> dict:
    """`openapi_extra` for an endpoint taking a file as the body (these types) or as a multipart field."""
    content = {media_type: FILE_BODY for media_type in media_types}
    content["multipart/form-data"] = {"schema": {"type": "object", "properties": {"file": FILE_BODY}}}
    return {"requestBody": {"content": content}}


def request_file(request, limit: int) -> bytes:
    """The file: the request body, or the `file` field of a multipart form; at most limit + 1 bytes, so
    the caller can tell a file over its limit."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        return upload.read(limit + 1) if upload is not None else b""
    return request.read(limit + 1)


def decode_upload(data: bytes, *, limit: int, not_utf8: str, binary: str) -> str:
    """A sent file's text: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), not empty, not
    binary, at most `limit` bytes. `not_utf8` (with `%(position)s` and `%(hint)s`) and `binary` are the
    caller's translated messages, which say what the file should be."""
    if len(data) > limit:
        raise TooLarge(
            _("The file is larger than %(limit)s MB: split it into smaller files.")
            % {"limit": round(limit / 1_000_000, 1)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp874")
            hint = " " + _("It looks like Thai Windows encoding (TIS-620).")
        except UnicodeDecodeError:
            pass
        raise ValidationFailed(
            not_utf8 % {"position": exc.start, "hint": hint}, code="malformed_file"
        ) from None
    if not text.strip():
        raise ValidationFailed(_("The file is empty."), code="malformed_file")
    if "\x00" in text:
        raise ValidationFailed(binary, code="malformed_file")
    return text
