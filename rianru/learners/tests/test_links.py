"""Statements are linked to the learners their actors are: when they arrive, and when a learner or a
verified address appears later."""

import hashlib

import pytest

from rianru.learners import selectors, services
from rianru.learners.models import LearnerStatement
from rianru.learners.tests.factories import UserFactory, make_learner
from rianru.lrs.tests.helpers import XapiClient, make_credential, statement
from rianru.network.tests.factories import CityFactory, PartnerFactory

HOME = "https://rianru.org/khon-kaen/"


def linked(learner) -> set[str]:
    return {
        str(sid)
        for sid in LearnerStatement.objects.filter(learner=learner).values_list(
            "statement__statement_id", flat=True
        )
    }


def by_account(name: str, home: str = HOME) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


def test_the_home_page_comes_from_the_public_url(kk, settings):
    learner = make_learner(kk, account_name="somsri")
    assert selectors.learner_account(learner)["account"] == {"homePage": HOME, "name": "somsri"}
    settings.RIANRU_PUBLIC_URL = "https://learn.khonkaen.go.th"
    assert selectors.learner_home_page(kk) == "https://learn.khonkaen.go.th/khon-kaen/"


def test_statements_arriving_are_linked_by_account_and_verified_email(kk, store):
    learner = make_learner(kk, account_name="somsri", emails=["Somsri@Example.org"])
    other = make_learner(kk, account_name="other")
    sha1 = hashlib.sha1(b"mailto:somsri@example.org").hexdigest()  # noqa: S324 - xAPI
    ids = store(
        statement(actor=by_account("somsri")),
        statement(actor={"mbox": "mailto:somsri@example.org"}),
        statement(actor={"mbox": "mailto:SOMSRI@example.org"}),
        statement(actor={"mbox_sha1sum": sha1}),
        statement(actor={"objectType": "Group", "member": [by_account("somsri"), by_account("other")]}),
        statement(actor=by_account("somsri", home="http://rianru.org/khon-kaen/")),  # another homePage
        statement(actor=by_account("somsri", home="https://rianru.org/yala/")),
        statement(actor={"mbox": "mailto:nobody@example.org"}),
        statement(actor={"openid": "https://id.example.org/somsri"}),
        statement(actor=by_account("other"), object=by_account("somsri")),  # the object is not the learner
        statement(actor=by_account("other"), context={"instructor": by_account("somsri")}),
    )
    assert [i for i, sid in enumerate(ids) if sid in linked(learner)] == [0, 1, 2, 3, 4]
    assert linked(other) == {ids[4], ids[9], ids[10]}


def test_an_unverified_address_links_nothing_until_it_is_verified(
    kk, store, django_capture_on_commit_callbacks
):
    learner = make_learner(kk, emails=["somsri@example.org"], verified=False)
    first = store(statement())  # the helper's actor is mailto:somsri@example.org
    assert linked(learner) == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.learner_email_verify(actor=None, email=learner.emails.get())
    assert linked(learner) == set(first)
    later = store(statement())
    assert linked(learner) == set(first + later)


def test_a_new_learner_gets_the_statements_stored_before(kk, store, django_capture_on_commit_callbacks):
    ids = store(statement(actor=by_account("newcomer")), statement(actor=by_account("someone-else")))
    with django_capture_on_commit_callbacks(execute=True):
        learner = services.learner_create(actor=None, city=kk, user=UserFactory(), account_name="newcomer")
    assert linked(learner) == {ids[0]}
    assert services.learner_statements_link(learner=learner) == 0  # idempotent
    LearnerStatement.objects.all().delete()
    assert services.city_relink(city=kk) == 1
    assert linked(learner) == {ids[0]}


def test_a_statement_referring_to_the_learners_is_not_theirs(kk, store, django_capture_on_commit_callbacks):
    learner = make_learner(kk, account_name="somsri")
    (target,) = store(statement(actor=by_account("somsri")))
    (ref,) = store(
        statement(actor=by_account("teacher"), object={"objectType": "StatementRef", "id": target})
    )
    LearnerStatement.objects.all().delete()
    assert services.learner_statements_link(learner=learner) == 1
    assert linked(learner) == {target}
    assert ref not in linked(learner)


def test_cities_never_share_learners(kk, store):
    yala = CityFactory(slug="yala")
    in_yala = make_learner(yala, emails=["somsri@example.org"])
    in_kk = make_learner(kk, emails=["somsri@example.org"])
    ids = store(statement())
    assert linked(in_kk) == set(ids)
    assert linked(in_yala) == set()
    credential, secret = make_credential(PartnerFactory(city=yala))
    XapiClient(credential.key, secret).post_statements(statement())
    assert services.learner_statements_link(learner=in_yala) == 1
    assert len(linked(in_kk)) == 1


def test_arrivals_without_a_possible_learner_cost_no_query(kk, django_assert_num_queries):
    with django_assert_num_queries(0):
        services.statements_link(
            city_id=kk.pk,
            statements=[
                {"id": "0", "actor": {"openid": "https://id.example.org/x"}},
                {"id": "1", "actor": by_account("x", home="https://moodle.example.org/")},
            ],
        )
    with django_assert_num_queries(1):  # one look-up of the addresses, none more when nobody matches
        services.statements_link(city_id=kk.pk, statements=[{"id": "2", "actor": {"mbox": "mailto:x@y.org"}}])


def test_the_learning_record_is_newest_first_without_voided_statements(kk, store):
    learner = make_learner(kk, account_name="somsri")
    first, second, third = (
        store(statement(actor=by_account("somsri"), result={"score": {"scaled": 0.85}, "completion": True}))[
            0
        ],
        store(statement(actor=by_account("somsri")))[0],
        store(statement(actor=by_account("somsri")))[0],
    )
    store(
        statement(
            actor=by_account("somsri"),
            verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
            object={"objectType": "StatementRef", "id": second},
        )
    )
    entries, cursor = selectors.learner_statements(learner=learner, language="th", limit=1)
    assert [entry.statement_id for entry in entries] == [third]
    assert entries[0].verb == "เข้าร่วม" and entries[0].object == "ทอผ้า"
    entries, cursor = selectors.learner_statements(learner=learner, language="en", before=cursor, limit=1)
    assert [entry.statement_id for entry in entries] == [first]  # the voided one is skipped
    assert (entries[0].verb, entries[0].object, entries[0].score, entries[0].completed) == (
        "attended",
        "Weaving",
        "85%",
        True,
    )
    assert cursor is None
    assert selectors.learner_statement_count(learner=learner) == 2
    assert len(linked(learner)) == 4  # linked all the same


@pytest.mark.parametrize("name", ["ab", "Somsri", "-x-y", "a" * 65, "so msri"])
def test_account_names_are_checked(kk, name):
    from rianru.learners.errors import InvalidAccountName

    with pytest.raises(InvalidAccountName):
        services.learner_create(actor=None, city=kk, user=UserFactory(), account_name=name)


def test_one_learner_per_user_and_city_and_one_verified_owner_per_address(kk):
    from rianru.learners.errors import EmailTaken, LearnerExists

    learner = make_learner(kk, account_name="somsri", emails=["somsri@example.org"])
    with pytest.raises(LearnerExists):
        services.learner_create(actor=None, city=kk, user=learner.user)
    with pytest.raises(LearnerExists):
        services.learner_create(actor=None, city=kk, user=UserFactory(), account_name="somsri")
    other = make_learner(kk, emails=["somsri@example.org"], verified=False)
    with pytest.raises(EmailTaken):
        services.learner_email_verify(actor=None, email=other.emails.get())
    assert not other.emails.get().verified


def test_email_verification_tokens(kk):
    from rianru.learners.errors import VerificationFailed

    learner = make_learner(kk, emails=["somsri@example.org"], verified=False)
    email = learner.emails.get()
    token = services.email_verification_token(email)
    with pytest.raises(VerificationFailed):
        services.learner_email_verify_token(token=token[:-2] + "xx")
    assert services.learner_email_verify_token(token=token).verified
