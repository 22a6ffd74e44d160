from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.search import views

app_name = "search"
urlpatterns = [
    path("<city:city>/search/", views.search_page, name="search"),
    path("<city:city>/search.ics", views.search_ics, name="search_ics"),
]
