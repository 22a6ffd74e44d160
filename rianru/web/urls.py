from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.web import views

app_name = "web"
urlpatterns = [
    path("", views.index, name="index"),
    path("<city:city>/", views.city_home, name="city_home"),
    path("<city:city>/partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
    path("<city:city>/lrs/statements/", views.statement_list, name="statement_list"),
    path("<city:city>/lrs/statements/<uuid:statement_id>/", views.statement_detail, name="statement_detail"),
]
