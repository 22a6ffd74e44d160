from django.urls import path

import rianru.network.http  # noqa: F401  (registers the <city:…> converter)
from rianru.learners import views

app_name = "learners"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("<city:city>/my-learning/", views.learning_record, name="record"),
]
