"""The xAPI endpoint, mounted at /xapi/ outside the language prefixes (xAPI paths have no trailing slash)."""

from django.urls import path

from rianru.lrs.xapi import views

app_name = "lrs"
urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("activities", views.activities, name="activities"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("agents", views.agents, name="agents"),
    path("about", views.about, name="about"),
]
