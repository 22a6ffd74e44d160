from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.network import views

# The partner page (`network:partner_detail`) shows catalogue data too, so its view lives in web;
# config/urls.py adds it to this namespace.
app_name = "network"
urlpatterns = [
    path("<city:city>/partners/", views.partner_list, name="partner_list"),
    path("<city:city>/mou/", views.mou_list, name="mou_list"),
    path("<city:city>/mou/<slug:slug>/", views.mou_detail, name="mou_detail"),
]
