"""Monitoring pages: the SDGs in the city and the city overview."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from rianru.monitoring import selectors
from rianru.network.http import city_page


@city_page
def sdg_index(request):
    goals = selectors.sdg_index(city=request.city, now=timezone.now())
    return render(request, "monitoring/sdg_index.html", {"goals": goals})


@city_page
def sdg_detail(request, number: int):
    goal = selectors.sdg_get(number=number)
    if goal is None:
        raise Http404(number)
    offer = selectors.sdg_offer(city=request.city, now=timezone.now(), goal=goal)
    return render(request, "monitoring/sdg_detail.html", {"goal": goal, **offer})


@city_page
def city_overview(request):
    overview = selectors.city_overview(city=request.city, now=timezone.now())
    return render(request, "monitoring/city_overview.html", overview)
