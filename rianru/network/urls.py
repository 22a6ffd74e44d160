from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.network import views

# The city home page and the partner page show catalogue data too, so web owns them (`web:city_home`,
# `web:partner_detail`); config/settings links City and Partner to them (ABSOLUTE_URL_OVERRIDES).
app_name = "network"
urlpatterns = [
    path("<city:city>/partners/", views.partner_list, name="partner_list"),
    path("<city:city>/mou/", views.mou_list, name="mou_list"),
    path("<city:city>/mou/<slug:slug>/", views.mou_detail, name="mou_detail"),
]
