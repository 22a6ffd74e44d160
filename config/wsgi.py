"""The WSGI application: the site, with the xAPI resources on a lean path (`rianru/lrs/xapi/handler.py`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
site = get_wsgi_application()  # sets Django up

from rianru.lrs.xapi.handler import XapiWSGIHandler, dispatch, xapi_paths  # noqa: E402 - after set-up

application = dispatch(site, XapiWSGIHandler(), xapi_paths())
