"""An ApplicationError that escapes a page view becomes an error page with the error's status and message."""

from django.shortcuts import render

from rianru.core.errors import ApplicationError, status_title

# The JSON API renders its own problem documents, and the xAPI store keeps the xAPI wire format.
NOT_PAGES = ("/api/", "/xapi/")


class ApplicationErrorMiddleware:
    """Pages that show an error on their form catch it themselves; any other ApplicationError (an unknown
    record, a refused action, a file too large...) is shown here in the site's layout, in the page's language,
    with its status (404, 403, 400, 413...) instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path_info.startswith(NOT_PAGES):
            return None
        context = {"title": status_title(exception.status), "message": exception.message}
        return render(request, "web/error.html", context, status=exception.status)
