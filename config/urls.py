"""Top-level routes. Thai at /…, English at /en/… (`i18n_patterns`, Thai unprefixed as the default).

Fixed paths (admin, and later api/xapi) come before the city pages, whose paths all start with the
city slug; `rianru.network.http.RESERVED_CITY_SLUGS` keeps a city from shadowing them.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("xapi/", include("rianru.lrs.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("rianru.learners.urls")),
    path("", include("rianru.web.urls")),
    path("", include("rianru.catalogue.urls")),
    path("", include("rianru.search.urls")),
    path("", include("rianru.network.urls")),
    path("", include("rianru.monitoring.urls")),
    prefix_default_language=False,
)

handler404 = "rianru.web.views.page_not_found"
handler500 = "rianru.web.views.server_error"
