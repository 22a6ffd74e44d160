"""Erasure (PDPA): a learner's statements are pseudonymised, their documents and account data deleted,
in one transaction, audited; nothing else changes."""

import hashlib
import json

import pytest
from django.contrib.auth import get_user_model

from rianru.core.errors import NotAllowed
from rianru.core.models import AuditEvent
from rianru.learners import services
from rianru.learners.models import Learner, LearnerEmail, LearnerStatement
from rianru.learners.tests.factories import make_learner
from rianru.lrs import services as lrs_services
from rianru.lrs.models import Attachment, Document, Statement, StatementIndex
from rianru.lrs.tests.helpers import XapiClient, make_credential, statement
from rianru.lrs.tests.test_attachments import (
    attachment_meta,
    jws,
    multipart,
    part_headers,
    post_multipart,
    signed,
)
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

HOME = "https://rianru.org/khon-kaen/"
ACTIVITY = "https://rianru.org/khon-kaen/opportunities/weaving"
SOMSRI_MBOX = "mailto:somsri@example.org"
SOMSRI_WORK = "somsri.work@example.org"
WORK_SHA1 = hashlib.sha1(f"mailto:{SOMSRI_WORK}".encode()).hexdigest()  # noqa: S324 - xAPI


def account(name: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}


SOMSRI = {"objectType": "Agent", "name": "สมศรี ใจดี", "account": {"homePage": HOME, "name": "somsri"}}
SOMCHAI = {"objectType": "Agent", "name": "สมชาย", "mbox": "mailto:somchai@example.org"}


def snapshot(pks) -> dict:
    """Each statement as bytes, with its index rows."""
    rows = {}
    for row in Statement.objects.filter(pk__in=pks).order_by("pk"):
        index = sorted(StatementIndex.objects.filter(statement=row).values_list("kind", "key", "stored"))
        rows[row.pk] = (json.dumps(row.data, sort_keys=True).encode(), row.actor_key, row.voided, index)
    return rows


@pytest.fixture
def world(kk, partner, xapi, store):
    """Somsri (account, a verified address, a verified work address known by its SHA-1) and Somchai, with
    statements mentioning Somsri in every place an agent can be, and documents."""
    somsri = make_learner(kk, account_name="somsri", emails=["somsri@example.org", SOMSRI_WORK])
    somchai = make_learner(kk, account_name="somchai", emails=["somchai@example.org"])
    ids = {}
    ids["own_mbox"], ids["own_account"], ids["own_sha1"] = store(
        statement(actor={"name": "Somsri", "mbox": SOMSRI_MBOX}),
        statement(actor=SOMSRI, result={"score": {"scaled": 0.9}, "completion": True}),
        statement(actor={"mbox_sha1sum": WORK_SHA1}),
    )
    ids["instructed"], ids["group"], ids["context_agent"], ids["sub"], ids["object"] = store(
        statement(
            actor=SOMCHAI, context={"instructor": SOMSRI, "team": {"objectType": "Group", "member": [SOMSRI]}}
        ),
        statement(actor={"objectType": "Group", "name": "Weavers", "member": [SOMSRI, SOMCHAI]}),
        statement(
            actor=SOMCHAI,
            context={"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": SOMSRI_MBOX}}]},
        ),
        statement(
            actor=SOMCHAI,
            verb={"id": "http://adlnet.gov/expapi/verbs/observed"},
            object={
                "objectType": "SubStatement",
                "actor": SOMSRI,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
                "object": {"id": ACTIVITY},
            },
        ),
        statement(actor=SOMCHAI, verb={"id": "http://adlnet.gov/expapi/verbs/mentored"}, object=SOMSRI),
    )
    (ids["somchai"],) = store(statement(actor=SOMCHAI))
    (ids["ref"],) = store(
        statement(actor=SOMCHAI, verb={"id": "http://adlnet.gov/expapi/verbs/liked"},
                  object={"objectType": "StatementRef", "id": ids["own_account"]})
    )  # fmt: skip
    (ids["voided"],) = store(statement(actor=SOMSRI))
    (ids["voiding"],) = store(
        statement(actor=SOMSRI, verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                  object={"objectType": "StatementRef", "id": ids["voided"]})
    )  # fmt: skip
    # attachments: Somsri's certificate; Somchai's certificate, also on a statement she instructed; a
    # statement she instructed, signed (the signature's payload names her)
    own, theirs, handbook = b"Certificate: Somsri", b"Certificate: Somchai", b"The weaving handbook"
    for data, content in (
        (statement(actor=SOMSRI, attachments=[attachment_meta(own)]), own),
        (statement(actor=SOMSRI, attachments=[attachment_meta(handbook)]), handbook),
        (statement(actor=SOMCHAI, attachments=[attachment_meta(handbook)]), handbook),
        (statement(actor=SOMCHAI, attachments=[attachment_meta(theirs)]), theirs),
        (
            statement(actor=SOMCHAI, context={"instructor": SOMSRI}, attachments=[attachment_meta(theirs)]),
            theirs,
        ),
    ):
        response = post_multipart(xapi, multipart(data, [(content, part_headers(content))]))
        assert response.status_code == 200, response.content
    data = statement(actor=SOMCHAI, context={"instructor": {"mbox": SOMSRI_MBOX}})
    _meta, body = signed(data, jws(data))
    response = post_multipart(xapi, body)
    assert response.status_code == 200, response.content
    for path, params in (
        (
            "activities/state",
            {"activityId": ACTIVITY, "agent": json.dumps({"mbox": SOMSRI_MBOX}), "stateId": "p"},
        ),
        ("agents/profile", {"agent": json.dumps(account("somsri")), "profileId": "prefs"}),
        ("activities/state", {"activityId": ACTIVITY, "agent": json.dumps(SOMCHAI), "stateId": "p"}),
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "about"}),
    ):
        response = xapi.request("PUT", path, params=params, body={"x": 1}, headers={"If-None-Match": "*"})
        assert response.status_code == 204
    return somsri, somchai, ids


def test_erasure_pseudonymises_statements_and_deletes_documents(world, xapi, kk):
    somsri, somchai, ids = world
    mentioning = set(ids.values()) - {ids["somchai"]}
    untouched_pks = list(
        Statement.objects.exclude(statement_id__in=mentioning)
        .exclude(has_attachments=True)
        .values_list("pk", flat=True)
    )
    before = snapshot(untouched_pks)
    statement_ids = set(Statement.objects.values_list("statement_id", flat=True))
    user_pk = somsri.user.pk

    report = services.learner_erase(actor=None, learner=somsri)

    assert (
        report.statements == 14 and report.documents == 2 and report.attachments == 2 and report.user_deleted
    )
    # nothing else changed: Somchai's own statements byte for byte, with their index rows
    assert snapshot(untouched_pks) == before
    assert set(Statement.objects.values_list("statement_id", flat=True)) == statement_ids  # ids kept
    # no trace of Somsri in any statement, index row or document
    everything = json.dumps(list(Statement.objects.values_list("data", flat=True)), ensure_ascii=False)
    for trace in ("somsri@example.org", SOMSRI_WORK, WORK_SHA1, '"somsri"', "สมศรี"):
        assert trace not in everything
    keys = set(StatementIndex.objects.values_list("key", flat=True)) | set(
        Document.objects.values_list("agent_key", flat=True)
    )
    assert not any("somsri" in key or WORK_SHA1 in key for key in keys)
    assert Document.objects.count() == 2  # Somchai's state and the activity profile stay
    # the statements keep everything but the identity
    own = Statement.objects.get(statement_id=ids["own_account"]).data
    pseudonym = own["actor"]
    assert set(pseudonym) == {"objectType", "account"}
    assert pseudonym["account"]["homePage"] == "https://rianru.org/khon-kaen/erased/"
    assert own["result"] == {"score": {"scaled": 0.9}, "completion": True}
    for key in ("own_mbox", "own_sha1"):  # every identifier of one person: one pseudonym
        assert Statement.objects.get(statement_id=ids[key]).data["actor"] == pseudonym
    group = Statement.objects.get(statement_id=ids["group"]).data["actor"]
    assert group["name"] == "Weavers" and group["member"][0] == pseudonym and group["member"][1] == SOMCHAI
    assert Statement.objects.get(statement_id=ids["sub"]).data["object"]["actor"] == pseudonym
    assert Statement.objects.get(statement_id=ids["object"]).data["object"] == pseudonym
    assert Statement.objects.get(statement_id=ids["voided"]).voided  # voiding is untouched
    # her own attachment's content is gone; Somchai's certificate, shared with a changed statement, stays
    # and so is the signature of a statement that names her
    # (content another statement uses stays)
    assert sorted(bytes(c) for c in Attachment.objects.values_list("content", flat=True)) == [
        b"Certificate: Somchai",
        b"The weaving handbook",
    ]
    # the learner's account data is gone, and her user account (no other role)
    assert not Learner.objects.filter(pk=somsri.pk).exists()
    assert not LearnerEmail.objects.filter(learner_id=somsri.pk).exists()
    assert not LearnerStatement.objects.filter(learner_id=somsri.pk).exists()
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    assert LearnerStatement.objects.filter(learner=somchai).exists()
    # audited, without the identity
    events = {event.action: event for event in AuditEvent.objects.filter(action__contains="erase")}
    assert events["learners.learner_erase"].data["statements"] == 14
    assert events["lrs.agent_erase"].target_id == str(kk.pk)
    assert "somsri" not in json.dumps([event.data for event in events.values()])


def test_the_old_identifiers_find_nothing_afterwards(world, xapi):
    somsri, _somchai, ids = world
    count = len(
        xapi.get_statements({"related_agents": "true", "agent": json.dumps({"mbox": SOMSRI_MBOX})}).json()[
            "statements"
        ]
    )
    assert count > 0
    services.learner_erase(actor=None, learner=somsri)
    for agent in (
        {"mbox": SOMSRI_MBOX},
        account("somsri"),
        {"mbox_sha1sum": WORK_SHA1},
        {"mbox": f"mailto:{SOMSRI_WORK}"},
    ):
        for related in ("false", "true"):
            response = xapi.get_statements({"agent": json.dumps(agent), "related_agents": related})
            assert response.json()["statements"] == [], (agent, related)
    state = xapi.request(
        "GET",
        "activities/state",
        params={"activityId": ACTIVITY, "agent": json.dumps({"mbox": SOMSRI_MBOX}), "stateId": "p"},
    )
    assert state.status_code == 404
    profile = xapi.request(
        "GET", "agents/profile", params={"agent": json.dumps(account("somsri")), "profileId": "prefs"}
    )
    assert profile.status_code == 404
    # the pseudonym finds her statements: the index rows follow the rewritten statements
    pseudonym = Statement.objects.get(statement_id=ids["own_account"]).data["actor"]
    found = xapi.get_statements({"agent": json.dumps(pseudonym)}).json()["statements"]
    assert {s["id"] for s in found} >= {ids["own_account"], ids["own_mbox"], ids["own_sha1"], ids["object"]}
    related = xapi.get_statements({"agent": json.dumps(pseudonym), "related_agents": "true"}).json()[
        "statements"
    ]
    assert {ids["instructed"], ids["context_agent"], ids["sub"], ids["ref"]} <= {s["id"] for s in related}


def test_index_rows_match_the_rewritten_statements(world):
    from rianru.lrs.services import index_entries

    somsri, _somchai, _ids = world
    services.learner_erase(actor=None, learner=somsri)
    for row in Statement.objects.filter(object_statement_id__isnull=True):
        stored = set(StatementIndex.objects.filter(statement=row, kind__in="gG").values_list("kind", "key"))
        assert stored == {entry for entry in index_entries(row.data) if entry[0] in "gG"}, row.data
    counts = StatementIndex.objects.values_list("statement_id", "kind", "key")
    assert len(list(counts)) == len(set(counts))  # no duplicated row (several identifiers, one pseudonym)


def test_the_same_person_erased_again_gets_the_same_pseudonym(kk, partner):
    first = lrs_services.erasure_agent(city=kk, agents=[account("somsri")])
    assert first == lrs_services.erasure_agent(city=kk, agents=[account("somsri"), {"mbox": SOMSRI_MBOX}])
    assert first != lrs_services.erasure_agent(city=kk, agents=[account("somchai")])
    assert first != lrs_services.erasure_agent(city=CityFactory(), agents=[account("somsri")])


def test_erasure_stays_in_the_learners_city(world, kk):
    somsri, _somchai, _ids = world
    yala = CityFactory(slug="yala")
    credential, secret = make_credential(PartnerFactory(city=yala))
    XapiClient(credential.key, secret).post_statements(statement(actor={"mbox": SOMSRI_MBOX}))
    in_yala = Statement.objects.get(city=yala)
    services.learner_erase(actor=None, learner=somsri)
    assert Statement.objects.get(pk=in_yala.pk).data == in_yala.data


def test_who_may_erase(world, kk):
    somsri, _somchai, _ids = world
    User = get_user_model()
    partner_admin = User.objects.create_user("padmin", is_staff=True)
    CityMembership.objects.create(user=partner_admin, city=kk, role=CityMembership.Role.PARTNER_ADMIN,
                                  partner=PartnerFactory(city=kk))  # fmt: skip
    other_staff = User.objects.create_user("yala-staff", is_staff=True)
    CityMembership.objects.create(user=other_staff, city=CityFactory(), role=CityMembership.Role.CITY_STAFF)
    staff = User.objects.create_user("kk-staff", is_staff=True)
    CityMembership.objects.create(user=staff, city=kk, role=CityMembership.Role.CITY_STAFF)
    for user in (partner_admin, other_staff, somsri.user):
        with pytest.raises(NotAllowed):
            services.learner_erase(actor=user, learner=somsri)
    assert Learner.objects.filter(pk=somsri.pk).exists()
    assert services.learner_erase(actor=staff, learner=somsri).statements == 14
    assert AuditEvent.objects.get(action="learners.learner_erase").actor == staff


def test_a_user_with_another_role_is_kept(kk):
    learner = make_learner(kk, account_name="staffer")
    CityMembership.objects.create(user=learner.user, city=kk, role=CityMembership.Role.CITY_STAFF)
    report = services.learner_erase(actor=None, learner=learner)
    assert not report.user_deleted
    assert get_user_model().objects.filter(pk=learner.user.pk).exists()


def test_every_model_with_personal_data_is_covered_by_erasure(world):
    """Each learners model that holds personal data has no row of the erased learner left."""
    from django.apps import apps

    somsri, _somchai, _ids = world
    models = [
        m for m in apps.get_app_config("learners").get_models() if getattr(m, "personal_data_fields", None)
    ]
    assert {m.__name__ for m in models} == {"Learner", "LearnerEmail", "LearnerStatement"}
    services.learner_erase(actor=None, learner=somsri)
    for model in models:
        lookup = {"pk": somsri.pk} if model is Learner else {"learner_id": somsri.pk}
        assert not model.objects.filter(**lookup).exists(), model


def test_erasing_again_later_keeps_one_index_row_per_identity(world, xapi, kk, store):
    """Statements sent with an old identifier after the erasure can be erased again (the LRS cannot stop a
    partner sending them); the same pseudonym, no duplicated index rows."""
    somsri, _somchai, _ids = world
    agents = [account("somsri"), {"mbox": SOMSRI_MBOX}]
    services.learner_erase(actor=None, learner=somsri)
    pseudonym = lrs_services.erasure_agent(city=kk, agents=agents)
    (late,) = store(statement(actor={"mbox": SOMSRI_MBOX}, context={"instructor": pseudonym}))
    erasure = lrs_services.agent_erase(actor=None, city=kk, agents=agents)
    assert erasure.statements == 1 and erasure.agent == pseudonym
    row = Statement.objects.get(statement_id=late)
    assert row.data["actor"] == pseudonym
    rows = list(StatementIndex.objects.filter(statement=row).values_list("kind", "key"))
    assert len(rows) == len(set(rows))
    assert xapi.get_statements({"agent": json.dumps({"mbox": SOMSRI_MBOX})}).json()["statements"] == []


def test_a_partner_resending_an_erased_statement_gets_a_conflict(kk, xapi, store):
    """The documented trade-off: same id, different agents; the LRS refuses the original copy (409)."""
    learner = make_learner(kk, account_name="somsri", emails=["somsri@example.org"])
    original = statement(id="6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b")  # actor mailto:somsri@example.org
    store(dict(original))
    services.learner_erase(actor=None, learner=learner)
    assert xapi.post_statements(original).status_code == 409
    got = xapi.get_statements({"statementId": original["id"]}).json()
    assert got["id"] == original["id"] and "mbox" not in got["actor"] and "name" not in got["actor"]
