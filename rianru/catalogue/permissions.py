"""Who may do what with a city's catalogue: one predicate per action, for pages, API and services alike."""

from rianru.network.models import City, CityMembership


def can_import_catalogue(user, city: City) -> bool:
    """Superusers, and staff users who are city staff (not only a partner's administrator) of the city."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.is_superuser:
        return True
    return (
        user.is_staff
        and CityMembership.objects.filter(user=user, city=city, role=CityMembership.Role.CITY_STAFF).exists()
    )
