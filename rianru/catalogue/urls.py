from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("<city:city>/opportunities/", views.opportunity_list, name="opportunity_list"),
    path("<city:city>/opportunities/<slug:slug>/", views.opportunity_detail, name="opportunity_detail"),
    path("<city:city>/spaces/", views.space_list, name="space_list"),
    path("<city:city>/spaces/<slug:slug>/", views.space_detail, name="space_detail"),
    path("<city:city>/map/", views.map_page, name="map"),
    path("<city:city>/calendar/", views.calendar_page, name="calendar"),
    path("<city:city>/calendar.ics", views.city_ics, name="city_ics"),
    path(
        "<city:city>/opportunities/<slug:slug>/sessions/<int:pk>.ics", views.session_ics, name="session_ics"
    ),
    path("<city:city>/partners/<slug:slug>/calendar.ics", views.partner_ics, name="partner_ics"),
]
