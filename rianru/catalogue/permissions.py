"""Who may do what with a city's catalogue: one predicate per action, for pages, API and services alike."""

from rianru.network.models import City
from rianru.network.permissions import is_city_staff


def can_import_catalogue(user, city: City) -> bool:
    """Superusers, and the city's staff (not a partner's administrator)."""
    return is_city_staff(user, city)
