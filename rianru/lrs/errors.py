"""The LRS's errors. xAPI names the status of each failure; the message says what is wrong.

These messages go to partner systems over the xAPI wire protocol and stay in English (the language of
the specification), like the protocol's own property names.
"""

from rianru.core.errors import ApplicationError, NotAllowed, NotFound, TooLarge, ValidationFailed

# A 409 is the platform's own `rianru.core.errors.Conflict`; a 413 is its TooLarge, named for the xAPI door.
PayloadTooLarge = TooLarge


class BadRequest(ValidationFailed):
    code = "bad_request"


class Unauthorized(ApplicationError):
    code = "unauthorized"
    status = 401


class Forbidden(NotAllowed):
    code = "forbidden"


class DocumentNotFound(NotFound):
    code = "not_found"


class PreconditionFailed(ApplicationError):
    code = "precondition_failed"
    status = 412


class UnsupportedMediaType(ApplicationError):
    code = "unsupported_media_type"
    status = 415
