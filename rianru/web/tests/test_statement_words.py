"""One statement reads the same in the learner's record and in the staff statement browser
(both take their words from `rianru.lrs.presentation`)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rianru.learners.selectors import learner_home_page
from rianru.learners.tests.factories import make_learner
from rianru.lrs.presentation import ADL, verb_label
from rianru.lrs.services import statements_store
from rianru.lrs.tests.helpers import make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_record_and_the_browser_show_a_statement_in_the_same_words(
    language, django_capture_on_commit_callbacks
):
    city = CityFactory(slug="khon-kaen")
    learner = make_learner(city, username="somsri", account_name="somsri")
    staff = get_user_model().objects.create_user("staff", password="x")
    CityMembership.objects.create(user=staff, city=city, role=CityMembership.Role.CITY_STAFF)
    credential = make_credential(PartnerFactory(city=city))[0]
    with django_capture_on_commit_callbacks(execute=True):  # the learners app links the statement
        statements_store(
            credential=credential,
            statements=[
                statement(
                    actor={
                        "objectType": "Agent",
                        "account": {"homePage": learner_home_page(city), "name": "somsri"},
                    },
                    # only an English display: the Thai pages name the well-known verb in Thai
                    verb={"id": ADL + "completed", "display": {"en-US": "completed"}},
                    object={
                        "id": "https://rianru.org/khon-kaen/opportunities/silk",
                        "definition": {"name": {"en-US": "Silk weaving", "th": "ทอผ้าไหม"}},
                    },
                    result={"score": {"scaled": 0.855}, "completion": True},
                )
            ],
            xapi_version="2.0.0",
        )
    with translation.override(language):
        record_url = reverse("learners:record", kwargs={"city": "khon-kaen"})
        browser_url = reverse("web:statement_list", kwargs={"city": "khon-kaen"})
        words = [
            verb_label(ADL + "completed", {"en-US": "completed"}),
            {"th": "ทอผ้าไหม", "en": "Silk weaving"}[language],
            "85.5%",
        ]
    if language == "th":
        assert words[0] != "completed"  # the translated name, not the English display
    record = signed_in(learner.user).get(record_url).content.decode()
    browser = signed_in(staff).get(browser_url).content.decode()
    for word in words:
        assert word in record, word
        assert word in browser, word
