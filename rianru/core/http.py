"""Small facts about a page request that every page app asks the same way."""


def fragment_requested(request) -> bool:
    """HTMX asked for the results fragment only (one view, two templates); a history restore needs the
    whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
