from django.conf import settings


def site(request):
    return {"RIANRU_DEFAULT_CITY": settings.RIANRU_DEFAULT_CITY}
