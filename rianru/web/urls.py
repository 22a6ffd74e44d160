from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.web import views

app_name = "web"
urlpatterns = [
    path("", views.index, name="index"),
    path("<city:city>/", views.city_home, name="city_home"),
]
