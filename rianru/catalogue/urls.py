from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("<city:city>/opportunities/", views.opportunity_list, name="opportunity_list"),
    path("<city:city>/opportunities/<slug:slug>/", views.opportunity_detail, name="opportunity_detail"),
    path("<city:city>/spaces/", views.space_list, name="space_list"),
    path("<city:city>/spaces/<slug:slug>/", views.space_detail, name="space_detail"),
]
