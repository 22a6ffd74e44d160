from django.conf import settings


def site(request):
    """`city` is the city of the page (set by `rianru.network.http.city_page`), or None."""
    return {"RIANRU_DEFAULT_CITY": settings.RIANRU_DEFAULT_CITY, "city": getattr(request, "city", None)}
