def site(request):
    """The city of a city page (set by `city_page`), for the layout's navigation."""
    return {"city": getattr(request, "city", None)}
