"""Who may manage a partner's LRS credentials and who may read which statements (the statement browser).

City staff of a city (and superusers) manage every partner's credentials and read every statement of the
city; a partner administrator manages and reads only their own partner's.
"""

from dataclasses import dataclass

from rianru.network.models import City, Partner
from rianru.network.permissions import CITY_STAFF, PARTNER_ADMIN, city_membership, is_city_staff, partner_role


@dataclass(frozen=True)
class Reader:
    """The statements someone may read: those of one city,
    and of one partner only when `partner_id` is set."""

    city_id: int
    partner_id: int | None = None


def can_manage_credentials(user, partner: Partner) -> bool:
    """The partner's city staff and its own administrator."""
    return partner_role(user, partner) is not None


def can_upload_statements(user, partner: Partner) -> bool:
    """Attendance and completion files: the same people who manage the partner's credentials."""
    return can_manage_credentials(user, partner)


def can_manage_forwarding(user, city) -> bool:
    """Forwarding a city's statements to another LRS: its city staff (and superusers)."""
    return is_city_staff(user, city)


def scope_may_read_all(credential) -> bool:
    return credential.has_scope("statements/read")


def scope_may_read(credential) -> bool:
    return credential.has_scope("statements/read") or credential.has_scope("statements/read/mine")


def reader_of_credential(credential) -> Reader:
    """A credential reads its city's statements (`statements/read`)
    or its partner's (`statements/read/mine`)."""
    return Reader(credential.city_id, None if scope_may_read_all(credential) else credential.partner_id)


def statement_reader(user, city: City) -> Reader | None:
    """What a signed-in user may read in the statement browser of a city; None if nothing.

    Superusers and the city's staff read every statement of the city, a partner administrator those
    stored with their partner's credentials. Another city's membership gives nothing here."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Reader(city.pk)
    membership = city_membership(user, city)  # one query: every page's navigation asks this
    if membership is None:
        return None
    if membership.role == CITY_STAFF:
        return Reader(city.pk)
    if membership.role == PARTNER_ADMIN and membership.partner_id:
        return Reader(city.pk, membership.partner_id)
    return None
