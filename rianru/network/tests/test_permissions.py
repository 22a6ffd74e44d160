"""The roles every app's predicates are built on: each role against each question, in two cities."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from rianru.network import permissions as p
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

ROLES = [
    "anonymous",
    "inactive_staff",
    "no_membership",
    "staff",
    "other_city_staff",
    "admin",
    "other_admin",
    "super",
]


@pytest.fixture
def world(db):
    city, other = CityFactory(slug="khon-kaen"), CityFactory(slug="yala")
    partner, sibling = PartnerFactory(city=city, slug="kku"), PartnerFactory(city=city, slug="library")

    def user(name, *, city_=None, role=None, partner_=None, **flags):
        account = User.objects.create_user(name, **flags)
        if city_ is not None:
            CityMembership.objects.create(user=account, city=city_, role=role, partner=partner_)
        return account

    staff, admin = CityMembership.Role.CITY_STAFF, CityMembership.Role.PARTNER_ADMIN
    users = {
        "anonymous": AnonymousUser(),
        "inactive_staff": user("inactive", city_=city, role=staff, is_active=False),
        "no_membership": user("visitor"),
        "staff": user("staff", city_=city, role=staff),
        "other_city_staff": user("yala-staff", city_=other, role=staff),
        "admin": user("admin", city_=city, role=admin, partner_=partner),
        "other_admin": user("sibling-admin", city_=city, role=admin, partner_=sibling),
        "super": user("root", is_superuser=True),
    }
    return city, partner, users


EXPECTED = {
    # role: (is_city_staff, partner_role, can_manage_city, limited_partner_ids is None, city_staff_city_ids)
    "anonymous": (False, None, False, False, "none"),
    "inactive_staff": (False, None, False, False, "none"),
    "no_membership": (False, None, False, False, "none"),
    "staff": (True, "city_staff", True, True, "this"),
    "other_city_staff": (False, None, False, True, "other"),
    "admin": (False, "partner_admin", True, False, "none"),
    "other_admin": (False, None, True, False, "none"),
    "super": (True, "city_staff", True, True, "all"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_question(world, role):
    city, partner, users = world
    user = users[role]
    staff, partner_role, manages, unlimited, staff_of = EXPECTED[role]
    assert p.is_city_staff(user, city) is staff
    assert p.is_city_staff(user, city.pk) is staff
    assert p.partner_role(user, partner) == partner_role
    assert p.can_manage_city(user, city) is manages
    assert (p.limited_partner_ids(user) is None) is unlimited
    ids = p.city_staff_city_ids(user)
    expected_ids = {"none": set(), "this": {city.pk}, "all": None}.get(staff_of)
    if staff_of == "other":
        assert ids is not None and city.pk not in ids and len(ids) == 1
    else:
        assert ids == expected_ids
    if role == "admin":
        assert p.limited_partner_ids(user) == {partner.pk}
