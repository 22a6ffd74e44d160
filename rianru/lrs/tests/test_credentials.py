"""Credentials per partner: create, revoke, rotate, hashed secrets, scopes, city isolation, the CLI."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from rianru.core.errors import NotAllowed
from rianru.core.models import AuditEvent
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import ALL_SCOPES, Credential
from rianru.lrs.services import credential_create, credential_revoke, credential_rotate
from rianru.lrs.tests.helpers import XapiClient, make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory


def test_secret_is_stored_hashed_and_shown_once(db):
    credential, secret = make_credential()
    assert secret not in credential.secret_hash
    assert Credential.objects.get(pk=credential.pk).secret_hash != secret
    assert credential.scopes == ALL_SCOPES
    assert AuditEvent.objects.filter(action="lrs.credential_create", target_id=str(credential.pk)).exists()


def test_unknown_scope_is_refused(db):
    with pytest.raises(BadRequest):
        credential_create(actor=None, partner=PartnerFactory(), scopes=["everything"])


def test_wrong_missing_or_revoked_credentials_are_401(db):
    credential, secret = make_credential()
    assert XapiClient(credential.key, "wrong").get_statements().status_code == 401
    anonymous = XapiClient(credential.key, secret)
    anonymous.auth = ""
    response = anonymous.get_statements()
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert XapiClient(credential.key, secret).get_statements().status_code == 200
    credential_revoke(actor=None, credential=credential)
    assert XapiClient(credential.key, secret).get_statements().status_code == 401


def test_rotate_replaces_the_secret(db):
    credential, old = make_credential()
    credential, new = credential_rotate(actor=None, credential=credential)
    assert XapiClient(credential.key, old).get_statements().status_code == 401
    assert XapiClient(credential.key, new).get_statements().status_code == 200


@pytest.mark.parametrize(
    ("scopes", "write", "read", "documents"),
    [
        (["statements/write"], 200, 403, 403),
        (["statements/read/mine"], 403, 200, 403),
        (["statements/read"], 403, 200, 403),
        (["documents"], 403, 403, 204),
        (["all"], 200, 200, 204),
    ],
)
def test_scopes(db, scopes, write, read, documents):
    credential, secret = make_credential(scopes=scopes)
    client = XapiClient(credential.key, secret)
    assert client.post_statements(statement()).status_code == write
    assert client.get_statements().status_code == read
    params = {"activityId": "http://x.org/a", "profileId": "p"}
    assert client.request("POST", "activities/profile", params=params, body={}).status_code == documents


def test_read_mine_sees_only_the_partners_statements_and_cities_never_mix(db):
    city = CityFactory()
    partner_a, partner_b = PartnerFactory(city=city), PartnerFactory(city=city)
    writer_a, secret_a = make_credential(partner_a, scopes=["statements/write"])
    writer_b, secret_b = make_credential(partner_b, scopes=["statements/write"])
    mine = statement()
    [a_id] = XapiClient(writer_a.key, secret_a).post_statements(mine).json()
    [b_id] = XapiClient(writer_b.key, secret_b).post_statements(statement()).json()
    reader_a, secret = make_credential(partner_a, scopes=["statements/read/mine"])
    listed = XapiClient(reader_a.key, secret).get_statements().json()["statements"]
    assert [item["id"] for item in listed] == [a_id]
    assert XapiClient(reader_a.key, secret).get_statements({"statementId": b_id}).status_code == 404
    reader_all, secret = make_credential(partner_b, scopes=["statements/read"])
    listed = XapiClient(reader_all.key, secret).get_statements().json()["statements"]
    assert {item["id"] for item in listed} == {a_id, b_id}
    # another city's credential sees nothing of this city and may reuse the ids
    elsewhere, secret = make_credential(PartnerFactory(city=CityFactory()), scopes=["all"])
    other = XapiClient(elsewhere.key, secret)
    assert other.get_statements().json()["statements"] == []
    assert other.put_statement(a_id, statement()).status_code == 204


@pytest.mark.parametrize(
    ("role", "own_partner", "allowed"),
    [
        ("superuser", False, True),
        ("city_staff", False, True),
        ("partner_admin", True, True),
        ("partner_admin", False, False),
        ("none", False, False),
    ],
)
def test_who_may_manage_credentials(db, role, own_partner, allowed):
    partner = PartnerFactory()
    other = PartnerFactory(city=partner.city)
    user = get_user_model().objects.create_user(
        "u", password="x", is_staff=True, is_superuser=role == "superuser"
    )
    if role in ("city_staff", "partner_admin"):
        CityMembership.objects.create(
            user=user,
            city=partner.city,
            role=role,
            partner=(partner if own_partner else other) if role == "partner_admin" else None,
        )
    if allowed:
        credential, _secret = credential_create(actor=user, partner=partner, scopes=["all"])
        credential_revoke(actor=user, credential=credential)
    else:
        with pytest.raises(NotAllowed):
            credential_create(actor=user, partner=partner, scopes=["all"])


def test_cli_create_list_rotate_revoke(db):
    partner = PartnerFactory()
    out = StringIO()
    call_command(
        "lrs_credential",
        "create",
        "--city",
        partner.city.slug,
        "--partner",
        partner.slug,
        "--scope",
        "all",
        "--json",
        stdout=out,
    )
    created = json.loads(out.getvalue())
    assert created["scopes"] == ALL_SCOPES
    assert XapiClient(created["key"], created["secret"]).get_statements().status_code == 200
    out = StringIO()
    call_command(
        "lrs_credential", "list", "--city", partner.city.slug, "--partner", partner.slug, "--json", stdout=out
    )
    assert [row["key"] for row in json.loads(out.getvalue())] == [created["key"]]
    out = StringIO()
    call_command("lrs_credential", "rotate", "--key", created["key"], "--json", stdout=out)
    rotated = json.loads(out.getvalue())
    assert XapiClient(created["key"], rotated["secret"]).get_statements().status_code == 200
    call_command("lrs_credential", "revoke", "--key", created["key"], stdout=StringIO())
    assert XapiClient(created["key"], rotated["secret"]).get_statements().status_code == 401
    with pytest.raises(CommandError):
        call_command(
            "lrs_credential", "create", "--city", partner.city.slug, "--partner", "nobody", stdout=StringIO()
        )
