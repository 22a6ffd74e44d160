"""Files people send to the JSON API (catalogue import, LRS attendance upload)."""

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
