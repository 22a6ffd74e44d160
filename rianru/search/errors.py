"""The search app's errors."""

from rianru.core.errors import ApplicationError


class SearchUnavailable(ApplicationError):
    status = 503
    code = "search_unavailable"
