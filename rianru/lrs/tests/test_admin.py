"""Credentials in the admin: created with the secret shown once, revoked and rotated;
scoped per city and partner."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from rianru.lrs.models import Credential, Statement
from rianru.lrs.services import hash_secret
from rianru.lrs.tests.helpers import XapiClient, make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.adminpages import assert_admin_page, city_staff, model_url
from rianru.network.tests.factories import CityFactory, PartnerFactory


@pytest.fixture
def two_partners(db):
    city = CityFactory()
    return PartnerFactory(city=city), PartnerFactory(city=city)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def partner_admin(partner):
    user = get_user_model().objects.create_user(username="partner-admin", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="lrs"))
    CityMembership.objects.create(
        user=user, city=partner.city, role=CityMembership.Role.PARTNER_ADMIN, partner=partner
    )
    return user


def test_admin_pages_open(admin_client, two_partners):
    # In English here; rianru/core/tests/test_translations.py checks that every message has its Thai.
    credential, secret = make_credential(two_partners[0])
    XapiClient(credential.key, secret).post_statements(statement())
    for model, obj in ((Credential, credential), (Statement, Statement.objects.get())):
        assert_admin_page(admin_client.get(model_url(model, "changelist", language="en")), model, "en")
        assert_admin_page(admin_client.get(model_url(model, "change", obj.pk, language="en")), model, "en")
    assert_admin_page(admin_client.get(model_url(Credential, "add", language="en")), Credential, "en")
    for language in ("th", "en"):
        assert admin_client.get(model_url(Credential, "changelist", language=language)).status_code == 200


def test_creating_a_credential_shows_the_secret_once(admin_client, two_partners):
    partner = two_partners[0]
    response = admin_client.post(
        model_url(Credential, "add", language="en"),
        {
            "partner": partner.pk,
            "name": "Moodle",
            "scopes": ["statements/write", "statements/read/mine"],
            "xapi_version": "2.0.0",
        },
        follow=True,
    )
    assert response.status_code == 200
    credential = Credential.objects.get(partner=partner)
    assert credential.scopes == ["statements/write", "statements/read/mine"]
    secret = re.search(r"secret: ([\w-]+)", response.content.decode()).group(1)
    assert credential.secret_hash == hash_secret(secret)
    assert XapiClient(credential.key, secret).post_statements(statement()).status_code == 200
    page = admin_client.get(model_url(Credential, "change", credential.pk, language="en")).content.decode()
    assert secret not in page
    assert credential.secret_hash not in page


def test_revoke_and_rotate_actions(admin_client, two_partners):
    credential, secret = make_credential(two_partners[0])
    url = model_url(Credential, "changelist", language="en")
    response = admin_client.post(url, {"action": "rotate", "_selected_action": [credential.pk]}, follow=True)
    new_secret = re.search(r"secret: ([\w-]+)", response.content.decode()).group(1)
    assert XapiClient(credential.key, secret).get_statements().status_code == 401
    assert XapiClient(credential.key, new_secret).get_statements().status_code == 200
    admin_client.post(url, {"action": "revoke", "_selected_action": [credential.pk]}, follow=True)
    assert XapiClient(credential.key, new_secret).get_statements().status_code == 401


def test_partner_admin_sees_and_creates_only_their_partners_credentials(two_partners):
    mine, theirs = two_partners
    make_credential(mine)
    other, _secret = make_credential(theirs)
    client = logged_in(partner_admin(mine))
    listing = client.get(model_url(Credential, "changelist", language="en")).content.decode()
    assert mine.name_en in listing
    assert other.key not in listing
    assert client.get(model_url(Credential, "change", other.pk, language="en")).status_code == 302
    refused = client.post(
        model_url(Credential, "add", language="en"),
        {"partner": theirs.pk, "scopes": ["statements/write"], "xapi_version": "2.0.0"},
    )
    assert refused.status_code == 200  # the form again, with the partner refused
    assert not Credential.objects.filter(partner=theirs).exclude(pk=other.pk).exists()


def test_city_staff_see_only_their_citys_statements(two_partners):
    credential, secret = make_credential(two_partners[0])
    XapiClient(credential.key, secret).post_statements(statement())
    elsewhere, secret_elsewhere = make_credential(PartnerFactory(city=CityFactory()))
    XapiClient(elsewhere.key, secret_elsewhere).post_statements(statement())
    staff = city_staff(username="staff", cities=[two_partners[0].city], apps=("lrs",))
    listing = logged_in(staff).get(model_url(Statement, "changelist", language="en")).content.decode()
    assert "1 xAPI statement" in listing
