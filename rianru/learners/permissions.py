"""Who may do what with learners: one predicate per action, for the admin, the pages and the services.

Learners' records are personal data (PDPA): city staff of the learner's city (and superusers) manage them;
partner administrators do not (a partner sees only the statements its own credentials stored).
"""

from rianru.network.models import CityMembership


def can_manage_learners(user, city_id: int) -> bool:
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return CityMembership.objects.filter(
        user=user, city_id=city_id, role=CityMembership.Role.CITY_STAFF
    ).exists()


def learner_city_ids(user) -> set[int] | None:
    """The cities whose learners a user manages; None means every city (superusers)."""
    if not getattr(user, "is_active", False):
        return set()
    if user.is_superuser:
        return None
    return set(
        CityMembership.objects.filter(user=user, role=CityMembership.Role.CITY_STAFF).values_list(
            "city_id", flat=True
        )
    )


def can_erase_learner(user, learner) -> bool:
    return can_manage_learners(user, learner.city_id)
