"""Application errors: services raise these; pages show them, the API renders RFC 7807 problems."""


class ApplicationError(Exception):
    """A failure the user can understand. `message` is already translated (or lazy)."""

    code = "error"
    status = 400

    def __init__(self, message, *, code: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class ValidationFailed(ApplicationError):
    code = "invalid"
    status = 400


class TooLarge(ApplicationError):
    """A file or a request body over its limit."""

    code = "too_large"
    status = 413


class Conflict(ApplicationError):
    """The request contradicts what is stored (an id already taken by something else, a stale version)."""

    code = "conflict"
    status = 409
