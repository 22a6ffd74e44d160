from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("<city:city>/sdg/", views.sdg_index, name="sdg_index"),
    path("<city:city>/sdg/<int:number>/", views.sdg_detail, name="sdg_detail"),
    path("<city:city>/overview/", views.city_overview, name="city_overview"),
]
