"""Application errors: services raise these; pages show them (on their form, or as an error page with the
error's status: rianru.web.middleware), the API renders RFC 9457 problems (config/problems.py)."""

from django.utils.translation import gettext_lazy as _

# The title of an error page or problem document, by HTTP status.
STATUS_TITLES = {
    400: _("Invalid request"),
    401: _("Sign-in needed"),
    403: _("Not allowed"),
    404: _("Not found"),
    409: _("Conflict"),
    413: _("Too large"),
    415: _("Unsupported media type"),
    429: _("Too many requests"),
    503: _("Temporarily unavailable"),
}


def status_title(status: int) -> str:
    """A short translated title for an error of this HTTP status ("Not found", "Not allowed"...)."""
    return str(STATUS_TITLES.get(status) or (_("Server error") if status >= 500 else _("Request failed")))


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


class NotAllowed(ApplicationError):
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
