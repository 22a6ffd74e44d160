"""Who may manage which city: one predicate per question, used by the admin (and later pages and API)."""

from rianru.network.models import City, CityMembership


def managed_city_ids(user) -> set[int] | None:
    """The ids of the cities a user may manage; None means every city (superusers)."""
    if not getattr(user, "is_active", False):
        return set()
    if user.is_superuser:
        return None
    return set(CityMembership.objects.filter(user=user).values_list("city_id", flat=True))


def can_manage_city(user, city: City | int | None) -> bool:
    city_ids = managed_city_ids(user)
    city_id = city.pk if isinstance(city, City) else city
    return city_ids is None or city_id in city_ids
