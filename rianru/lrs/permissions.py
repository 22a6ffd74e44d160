"""Who may manage a partner's LRS credentials: city staff of its city, its own partner administrators."""

from rianru.network.models import CityMembership, Partner


def can_manage_credentials(user, partner: Partner) -> bool:
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    membership = CityMembership.objects.filter(user=user, city_id=partner.city_id).first()
    if membership is None:
        return False
    if membership.role == CityMembership.Role.CITY_STAFF:
        return True
    return membership.partner_id == partner.pk


def can_upload_statements(user, partner: Partner) -> bool:
    """Attendance and completion files: the same people who manage the partner's credentials."""
    return can_manage_credentials(user, partner)


def can_manage_forwarding(user, city) -> bool:
    """Forwarding a city's statements to another LRS: its city staff (and superusers)."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return CityMembership.objects.filter(
        user=user, city_id=city.pk, role=CityMembership.Role.CITY_STAFF
    ).exists()


def scope_may_read_all(credential) -> bool:
    return credential.has_scope("statements/read")


def scope_may_read(credential) -> bool:
    return credential.has_scope("statements/read") or credential.has_scope("statements/read/mine")
