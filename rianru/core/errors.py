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
