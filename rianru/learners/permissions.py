"""Who may do what with learners: one predicate per action, for the admin, the pages and the services.

Learners' records are personal data (PDPA): city staff of the learner's city (and superusers) manage them;
partner administrators do not (a partner sees only the statements its own credentials stored).
"""

from rianru.network.permissions import city_staff_city_ids, is_city_staff


def can_manage_learners(user, city_id: int) -> bool:
    return is_city_staff(user, city_id)


def learner_city_ids(user) -> set[int] | None:
    """The cities whose learners a user manages; None means every city (superusers)."""
    return city_staff_city_ids(user)


def can_erase_learner(user, learner) -> bool:
    return can_manage_learners(user, learner.city_id)
