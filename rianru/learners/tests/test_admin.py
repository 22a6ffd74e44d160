"""Learners in the admin: city staff of the learner's city only; created through the service; erased by
an action with a confirmation page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from rianru.core.models import AuditEvent
from rianru.learners.models import Learner, LearnerEmail
from rianru.learners.tests.factories import UserFactory, make_learner
from rianru.lrs.models import Statement
from rianru.lrs.tests.helpers import statement
from rianru.network.models import CityMembership
from rianru.network.tests.adminpages import assert_admin_page, model_url
from rianru.network.tests.factories import CityFactory, PartnerFactory


def staff_user(username: str, city, role=CityMembership.Role.CITY_STAFF, partner=None):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["learners", "lrs"]))
    CityMembership.objects.create(user=user, city=city, role=role, partner=partner)
    client = Client()
    client.force_login(user)
    return user, client


def test_admin_pages_open(admin_client, kk):
    # In English here; rianru/core/tests/test_translations.py checks that every message has its Thai.
    learner = make_learner(kk, account_name="somsri", emails=["somsri@example.org"])
    assert_admin_page(admin_client.get(model_url(Learner, "changelist", language="en")), Learner, "en")
    page = admin_client.get(model_url(Learner, "change", learner.pk, language="en"))
    assert_admin_page(page, Learner, "en")
    assert "https://rianru.org/khon-kaen/" in page.content.decode()
    assert "somsri@example.org" in page.content.decode()
    assert_admin_page(admin_client.get(model_url(Learner, "add", language="en")), Learner, "en")
    for language in ("th", "en"):
        assert admin_client.get(model_url(Learner, "changelist", language=language)).status_code == 200


def test_adding_a_learner_goes_through_the_service(admin_client, kk):
    user = UserFactory(username="somsri")
    response = admin_client.post(
        model_url(Learner, "add", language="en"),
        {
            "city": kk.pk,
            "user": user.pk,
            "account_name": "",
            "display_name": "สมศรี",
            "emails-TOTAL_FORMS": "1",
            "emails-INITIAL_FORMS": "0",
            "emails-0-address": "Somsri@Example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    learner = Learner.objects.get(user=user)
    assert len(learner.account_name) == 16 and learner.display_name == "สมศรี"
    assert learner.emails.get().address == "somsri@example.org"
    assert not learner.emails.get().verified
    assert AuditEvent.objects.filter(action="learners.learner_create", target_id=str(learner.pk)).exists()
    bad = admin_client.post(
        model_url(Learner, "add", language="en"),
        {"city": kk.pk, "user": UserFactory().pk, "account_name": "Not Valid", "emails-TOTAL_FORMS": "0",
         "emails-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert bad.status_code == 200 and "account name has 3 to 64" in bad.content.decode()


def test_verify_and_erase_actions(admin_client, kk, store):
    learner = make_learner(kk, account_name="somsri", emails=["somsri@example.org"], verified=False)
    store(statement())
    changelist = model_url(Learner, "changelist", language="en")
    admin_client.post(changelist, {"action": "verify_emails", "_selected_action": [learner.pk]})
    assert LearnerEmail.objects.get().verified
    confirm = admin_client.post(changelist, {"action": "erase", "_selected_action": [learner.pk]})
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode() and Learner.objects.exists()
    done = admin_client.post(
        changelist, {"action": "erase", "_selected_action": [learner.pk], "confirm": "yes"}
    )
    assert done.status_code == 302
    assert not Learner.objects.exists()
    assert "somsri@example.org" not in str(Statement.objects.get().data)


def test_only_city_staff_of_the_city_see_learners(kk):
    learner = make_learner(kk, account_name="somsri")
    _user, partner_admin = staff_user(
        "padmin", kk, role=CityMembership.Role.PARTNER_ADMIN, partner=PartnerFactory(city=kk)
    )
    _user, other_city = staff_user("other", CityFactory())
    _user, kk_staff = staff_user("kk", kk)
    assert partner_admin.get(model_url(Learner, "changelist", language="en")).status_code == 403
    assert partner_admin.get(model_url(Learner, "change", learner.pk, language="en")).status_code == 403
    assert other_city.get(model_url(Learner, "changelist", language="en")).status_code == 200
    assert "somsri" not in other_city.get(model_url(Learner, "changelist", language="en")).content.decode()
    assert (
        other_city.get(model_url(Learner, "change", learner.pk, language="en")).status_code == 302
    )  # not found
    assert "somsri" in kk_staff.get(model_url(Learner, "changelist", language="en")).content.decode()
    assert kk_staff.get(model_url(Learner, "delete", learner.pk, language="en")).status_code == 403


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_erase_confirmation_is_translated_page(admin_client, kk, language):
    learner = make_learner(kk, account_name="somsri")
    page = admin_client.post(
        model_url(Learner, "changelist", language=language),
        {"action": "erase", "_selected_action": [learner.pk]},
    )
    assert page.status_code == 200 and f'lang="{language}"' in page.content.decode()
