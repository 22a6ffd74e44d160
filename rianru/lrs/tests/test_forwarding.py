"""Forwarding to another LRS: a real second Rianru (`rianru serve` on its own SQLite database and port).

The target is started only after a first attempt at its port failed, so the retry path is the real one.
"""

import contextlib
import datetime as dt
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from rianru.core.errors import NotAllowed, ValidationFailed
from rianru.lrs import crypto, forwarder
from rianru.lrs.models import Forwarding, ForwardingRejection, Statement
from rianru.lrs.services import forwarding, statements_store
from rianru.lrs.tests.helpers import make_credential, new_id, statement
from rianru.lrs.tests.live import Target, free_port
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory


@pytest.fixture(autouse=True)
def in_english():
    """The messages these tests read are the English ones (Thai is the site's default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    server = Target(tmp_path_factory.mktemp("target-lrs"))
    yield server
    server.stop()


@pytest.fixture
def source(db):
    credential, _secret = make_credential()
    return credential


def store(credential, count: int, **overrides) -> list[str]:
    return statements_store(
        credential=credential,
        statements=[statement(id=new_id(), **overrides) for _ in range(count)],
        xapi_version="2.0.0",
    )


def setup_forwarding(credential, target, **options) -> Forwarding:
    return forwarding.forwarding_create(
        actor=None, city=credential.city, endpoint=target.url, key=target.key, secret=target.secret, **options
    )


def test_statements_reach_the_target_after_it_comes_up(source, target):
    other_city, _ = make_credential()
    ours = store(source, 150)
    store(other_city, 5)  # another city's statements are not forwarded
    row = setup_forwarding(source, target)
    # the target is not running yet: a failed attempt, nothing lost, the next one later
    outcome = forwarder.forward_once(row)
    assert "Cannot reach" in outcome.error
    row.refresh_from_db()
    assert (row.cursor, row.failures, row.forwarded) == (0, 1, 0)
    assert row.next_attempt_at > timezone.now()
    assert "Connection refused" in row.last_error
    assert forwarder.forward_once(row).skipped == "waiting"
    # a second failure waits twice as long
    forwarder.forward_once(row, now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.failures == 2
    assert forwarder.backoff_seconds(2) == 2 * forwarder.backoff_seconds(1)
    target.start()
    outcome = forwarder.forward_once(row, now=row.next_attempt_at)
    assert (outcome.sent, outcome.error) == (150, "")
    row.refresh_from_db()
    assert (row.failures, row.last_error, row.next_attempt_at, row.forwarded) == (0, "", None, 150)
    assert row.cursor == Statement.objects.latest("pk").pk
    received = {s["id"]: s for s in target.statements()}
    assert set(ours) <= set(received)
    # what the target stores is the same statement: same id, actor, verb, object, timestamp
    mine = Statement.objects.get(statement_id=ours[0]).data
    theirs = received[ours[0]]
    for key in ("actor", "verb", "object", "timestamp"):
        assert theirs[key] == mine[key]
    # nothing new: nothing sent; new statements: only they are sent
    assert forwarder.forward_once(row).sent == 0
    newer = store(source, 3)
    assert forwarder.forward_once(row).sent == 3
    assert set(newer) <= {s["id"] for s in target.statements()}
    # sending everything again duplicates nothing at the target
    before = len(target.statements())
    forwarding.forwarding_rewind(actor=None, forwarding=row)
    assert forwarder.forward_once(row).sent == 153
    assert len(target.statements()) == before


def test_a_refused_statement_is_recorded_and_skipped(source, target):
    target.start()
    good = store(source, 2)
    # xAPI 1.0.3 has no contextAgents: a 1.0.3 target refuses this one, the others pass
    refused = store(
        source, 1,
        context={"contextAgents": [
            {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.org"}},
        ]},
    )  # fmt: skip
    later = store(source, 2)
    row = setup_forwarding(source, target, xapi_version="1.0.3")
    outcome = forwarder.forward_once(row)
    assert (outcome.sent, outcome.rejected, outcome.error) == (4, 1, "")
    rejection = ForwardingRejection.objects.get()
    assert str(rejection.statement.statement_id) == refused[0]
    assert rejection.status == 400
    assert "contextAgents" in rejection.message
    ids = {s["id"] for s in target.statements(version="1.0.3")}
    assert set(good + later) <= ids
    assert refused[0] not in ids
    # sent again after the target was fixed (here: the forwarding speaks 2.0), the record goes
    forwarding.forwarding_update(actor=None, forwarding=row, xapi_version="2.0.0")
    accepted, still = forwarding.rejections_retry(actor=None, rejections=ForwardingRejection.objects.all())
    assert (accepted, still) == (1, 0)
    assert not ForwardingRejection.objects.exists()


def test_a_wrong_secret_is_a_failure_not_a_rejection(source, target):
    target.start()
    store(source, 3)
    row = forwarding.forwarding_create(
        actor=None, city=source.city, endpoint=target.url, key=target.key, secret="wrong"
    )
    outcome = forwarder.forward_once(row)
    assert "401" in outcome.error
    row.refresh_from_db()
    assert (row.cursor, row.failures) == (0, 1)
    assert not ForwardingRejection.objects.exists()
    forwarding.forwarding_update(actor=None, forwarding=row, secret=target.secret)
    assert forwarder.forward_once(row).sent == 3


def test_the_commands(source, target, capsys, monkeypatch):
    target.start()
    store(source, 4)
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(target.secret + "\n"))
    call_command(
        "lrs_forwarding",
        "add",
        "--city",
        source.city.slug,
        "--endpoint",
        target.url,
        "--key",
        target.key,
        "--json",
    )
    created = json.loads(capsys.readouterr().out)
    row = Forwarding.objects.get(pk=created["id"])
    assert target.secret not in row.secret_encrypted
    call_command("lrs_forward", "--once", "--json")
    assert json.loads(capsys.readouterr().out)[0]["sent"] == 4
    call_command("lrs_forwarding", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["forwarded"] == 4 and listed[0]["pending"] == 0
    assert target.secret not in json.dumps(listed)
    call_command("lrs_forwarding", "disable", "--id", str(row.pk))
    row.refresh_from_db()
    assert not row.enabled
    broken = forwarding.forwarding_create(
        actor=None, city=source.city, endpoint=f"http://127.0.0.1:{free_port()}/xapi/", key="k", secret="s"
    )
    with pytest.raises(CommandError, match="failed"):
        call_command("lrs_forward")
    broken.refresh_from_db()
    assert broken.failures == 1
    with contextlib.suppress(CommandError, SystemExit):  # other checks (reference data) fail in tests
        call_command("rianru_check")
    assert f"LRS forwarding {broken.pk}: retrying" in capsys.readouterr().out


def test_forwarding_from_now_skips_the_past(source, target):
    store(source, 2)
    row = setup_forwarding(source, target, from_now=True)
    assert row.cursor == Statement.objects.latest("pk").pk
    target.start()
    new = store(source, 1)
    assert forwarder.forward_once(row).sent == 1
    assert new[0] in {s["id"] for s in target.statements()}


def test_gaps_are_looked_at_again(source, target):
    """An id skipped by the cursor (a transaction not yet committed) is sent when it shows up."""
    target.start()
    first = store(source, 1)
    row = setup_forwarding(source, target)
    assert forwarder.forward_once(row).sent == 1
    late = Statement.objects.get(statement_id=first[0])
    # pretend the statement committed late: the cursor passed its id, which is recorded as a gap
    Forwarding.objects.filter(pk=row.pk).update(
        cursor=late.pk + 1, gaps=[[late.pk, late.pk, timezone.now().isoformat()]]
    )
    row.refresh_from_db()
    assert forwarder.forward_once(row).sent == 1
    row.refresh_from_db()
    assert row.gaps == []
    # a gap nobody filled is forgotten after GAP_SECONDS
    old = (timezone.now() - dt.timedelta(seconds=forwarder.GAP_SECONDS + 1)).isoformat()
    Forwarding.objects.filter(pk=row.pk).update(gaps=[[10**9, 10**9, old]])
    row.refresh_from_db()
    forwarder.forward_once(row)
    row.refresh_from_db()
    assert row.gaps == []


def test_gap_arithmetic():
    assert forwarder.without([[1, 10, "t"]], {1, 5, 10}) == [[2, 4, "t"], [6, 9, "t"]]
    assert forwarder.without([[3, 3, "t"]], {3}) == []


def test_one_process_at_a_time(source, target):
    row = setup_forwarding(source, target)
    Forwarding.objects.filter(pk=row.pk).update(
        lease_owner="elsewhere", lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert forwarder.forward_once(row).skipped == "busy"


def test_the_secret_is_stored_encrypted(source, settings):
    row = forwarding.forwarding_create(
        actor=None, city=source.city, endpoint="https://lrs.example.org/xapi", key="k", secret="s3cret-value"
    )
    assert row.endpoint == "https://lrs.example.org/xapi/"
    assert "s3cret" not in row.secret_encrypted
    assert crypto.decrypt(row.secret_encrypted) == "s3cret-value"
    # a new secret key with the old one in the fallbacks still decrypts; re-encrypting moves to the new key
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-secret-key-for-the-test", [old_key]
    assert crypto.decrypt(row.secret_encrypted) == "s3cret-value"
    assert forwarding.reencrypt_secrets() == 1
    row.refresh_from_db()
    settings.SECRET_KEY_FALLBACKS = []
    assert crypto.decrypt(row.secret_encrypted) == "s3cret-value"
    settings.SECRET_KEY = old_key
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(row.secret_encrypted)


@pytest.mark.parametrize("endpoint", ["ftp://lrs.example.org/", "lrs.example.org", "https://x.org/xapi?a=1"])
def test_a_bad_endpoint_is_refused(source, endpoint):
    with pytest.raises(ValidationFailed):
        forwarding.forwarding_create(actor=None, city=source.city, endpoint=endpoint, key="k", secret="s")


def test_only_city_staff_configure_forwarding(source):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    staff = users.create_user(username="staff", is_staff=True)
    CityMembership.objects.create(user=staff, city=source.city, role=CityMembership.Role.CITY_STAFF)
    partner_admin = users.create_user(username="padmin", is_staff=True)
    CityMembership.objects.create(
        user=partner_admin, city=source.city, role=CityMembership.Role.PARTNER_ADMIN, partner=source.partner
    )
    other_staff = users.create_user(username="other", is_staff=True)
    CityMembership.objects.create(user=other_staff, city=CityFactory(), role=CityMembership.Role.CITY_STAFF)
    options = {"city": source.city, "endpoint": "https://lrs.example.org/xapi/", "key": "k", "secret": "s"}
    assert forwarding.forwarding_create(actor=staff, **options).pk
    for user in (partner_admin, other_staff):
        with pytest.raises(NotAllowed):
            forwarding.forwarding_create(actor=user, **options)


def test_the_admin_never_shows_the_secret(source, admin_client):
    add = admin_client.post(
        "/en/admin/lrs/forwarding/add/",
        {"city": source.city.pk, "name": "National LRS", "endpoint": "https://lrs.example.org/xapi/",
         "key": "k", "secret": "very-secret-1", "xapi_version": "2.0.0", "enabled": "on"},
    )  # fmt: skip
    assert add.status_code == 302, add.content[:2000]
    row = Forwarding.objects.get()
    assert crypto.decrypt(row.secret_encrypted) == "very-secret-1"
    page = admin_client.get(f"/en/admin/lrs/forwarding/{row.pk}/change/")
    assert page.status_code == 200
    assert b"very-secret-1" not in page.content and row.secret_encrypted.encode() not in page.content
    # saving without a secret keeps it, and never touches the progress
    Forwarding.objects.filter(pk=row.pk).update(cursor=42, forwarded=7)
    change = admin_client.post(
        f"/en/admin/lrs/forwarding/{row.pk}/change/",
        {"name": "National LRS", "endpoint": "https://lrs2.example.org/xapi/", "key": "k2", "secret": "",
         "xapi_version": "1.0.3", "enabled": "on"},
    )  # fmt: skip
    assert change.status_code == 302, change.content[:2000]
    row.refresh_from_db()
    assert (row.endpoint, row.key, row.xapi_version, row.cursor, row.forwarded) == (
        "https://lrs2.example.org/xapi/", "k2", "1.0.3", 42, 7,
    )  # fmt: skip
    assert crypto.decrypt(row.secret_encrypted) == "very-secret-1"
    assert admin_client.get("/en/admin/lrs/forwardingrejection/").status_code == 200
    assert admin_client.get("/admin/lrs/forwarding/").status_code == 200


def test_partner_admins_do_not_see_forwarding(source):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username="padmin", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="lrs"))
    CityMembership.objects.create(
        user=user, city=source.city, role=CityMembership.Role.PARTNER_ADMIN, partner=source.partner
    )
    forwarding.forwarding_create(
        actor=None, city=source.city, endpoint="https://x.org/xapi/", key="k", secret="s"
    )
    client = Client()
    client.force_login(user)
    assert client.get("/en/admin/lrs/forwarding/").status_code == 403
    assert b"/admin/lrs/forwarding/" not in client.get("/en/admin/").content


def test_statements_stored_wakes_the_forwarder(source):
    from rianru.lrs.hooks import statements_stored

    statements_stored.connect(forwarder.wake, dispatch_uid="test-wake")
    try:
        forwarder._wake.clear()
        statements_stored.send(sender=Statement, city_id=1, partner_id=1, credential_id=1, statements=[])
        assert forwarder._wake.is_set()
    finally:
        statements_stored.disconnect(dispatch_uid="test-wake")
        forwarder._wake.clear()


def test_under_load_the_forwarder_looks_at_most_a_few_times_a_second():
    import threading

    stop = threading.Event()
    forwarder._wake.set()  # statements were stored
    started = time.monotonic()
    forwarder.wait_for_statements(stop, interval=30)
    assert forwarder.WAKE_MIN_GAP <= time.monotonic() - started < 10
    assert not forwarder._wake.is_set()
    # stopping does not wait for the gap
    stop.set()
    forwarder._wake.set()
    started = time.monotonic()
    forwarder.wait_for_statements(stop, interval=30)
    assert time.monotonic() - started < forwarder.WAKE_MIN_GAP
