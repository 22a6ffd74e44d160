"""Who is who in a city: the roles every app's permission predicates are built on.

A user belongs to a city through one `CityMembership`: as its **city staff** (everything of the city) or as
the **administrator of one partner** (that partner's rows only). Superusers are city staff everywhere. Every
app asks these questions here and nowhere else, so the admin, pages, API, CLI and xAPI agree.
"""

from rianru.network.models import City, CityMembership, Partner

CITY_STAFF = CityMembership.Role.CITY_STAFF
PARTNER_ADMIN = CityMembership.Role.PARTNER_ADMIN


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _city_id(city: City | int | None) -> int | None:
    return city.pk if isinstance(city, City) else city


def city_membership(user, city: City | int) -> CityMembership | None:
    """The user's membership of a city (one at most), or None; always None for inactive users."""
    if not _active(user):
        return None
    return CityMembership.objects.filter(user=user, city_id=_city_id(city)).first()


def is_city_staff(user, city: City | int) -> bool:
    """Superusers, and the city's staff (not a partner's administrator, not another city's staff)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return CityMembership.objects.filter(user=user, city_id=_city_id(city), role=CITY_STAFF).exists()


def city_staff_city_ids(user) -> set[int] | None:
    """The cities a user is staff of; None means every city (superusers)."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return None
    return set(CityMembership.objects.filter(user=user, role=CITY_STAFF).values_list("city_id", flat=True))


def partner_role(user, partner: Partner) -> str | None:
    """How a user stands to a partner: `CITY_STAFF` (staff of the partner's city, or a superuser),
    `PARTNER_ADMIN` (the administrator of this very partner), or None."""
    if not _active(user):
        return None
    if user.is_superuser:
        return CITY_STAFF
    membership = city_membership(user, partner.city_id)
    if membership is None:
        return None
    if membership.role == CITY_STAFF:
        return CITY_STAFF
    if membership.role == PARTNER_ADMIN and membership.partner_id == partner.pk:
        return PARTNER_ADMIN
    return None


def limited_partner_ids(user) -> set[int] | None:
    """The partners a partner administrator is limited to; None for superusers and anyone who is city
    staff somewhere (their cities limit them instead: `managed_city_ids`)."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return None
    memberships = list(CityMembership.objects.filter(user=user))
    if any(membership.role == CITY_STAFF for membership in memberships):
        return None
    return {membership.partner_id for membership in memberships if membership.partner_id}


def managed_city_ids(user) -> set[int] | None:
    """The ids of the cities a user may manage in the admin (any role); None means every city."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return None
    return set(CityMembership.objects.filter(user=user).values_list("city_id", flat=True))


def can_manage_city(user, city: City | int | None) -> bool:
    city_ids = managed_city_ids(user)
    return city_ids is None or _city_id(city) in city_ids
