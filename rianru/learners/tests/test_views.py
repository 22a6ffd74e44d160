"""The learner's own learning record page: signed in, their statements only, in Thai and English."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rianru.learners.tests.factories import make_learner
from rianru.lrs.tests.helpers import statement

ACCOUNT = {"homePage": "https://rianru.org/khon-kaen/", "name": "somsri"}


def record_url(language: str, city: str = "khon-kaen") -> str:
    with translation.override(language):
        return reverse("learners:record", kwargs={"city": city})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signing_in_leads_to_the_record(kk, client):
    make_learner(kk, username="somsri", account_name="somsri")
    response = client.get(record_url("th"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login = client.get(response["Location"])
    assert login.status_code == 200 and 'name="password"' in login.content.decode()
    done = client.post(
        response["Location"], {"username": "somsri", "password": "pw", "next": record_url("th")}
    )
    assert done.status_code == 302 and done["Location"] == record_url("th")
    assert client.get(record_url("th")).status_code == 200


@pytest.mark.parametrize(
    ("language", "verb", "title"), [("th", "เข้าร่วม", "ทอผ้า"), ("en", "attended", "Weaving")]
)
def test_the_record_shows_own_statements_in_plain_words(kk, store, language, verb, title):
    somsri = make_learner(kk, username="somsri", account_name="somsri")
    make_learner(kk, username="somchai", account_name="somchai")
    store(
        statement(actor={"account": ACCOUNT}, result={"score": {"raw": 8, "max": 10}}),
        statement(
            actor={"account": {**ACCOUNT, "name": "somchai"}},
            object={"id": "https://rianru.org/khon-kaen/opportunities/pottery",
                    "definition": {"name": {"en": "Pottery for Somchai"}}},
        ),
    )  # fmt: skip
    html = signed_in(somsri.user).get(record_url(language)).content.decode()
    assert f'lang="{language}"' in html
    assert verb in html and title in html and "8/10" in html
    assert "Pottery for Somchai" not in html


def test_someone_without_a_record_in_the_city_is_told_so(kk, store):
    learner = make_learner(kk, username="somsri", account_name="somsri")
    from rianru.network.tests.factories import CityFactory

    CityFactory(slug="yala")
    store(statement(actor={"account": ACCOUNT}))
    html = signed_in(learner.user).get(record_url("en", city="yala")).content.decode()
    assert "no learning record" in html and "Weaving" not in html


def test_the_record_pages_back_in_time(kk, store, monkeypatch):
    from rianru.learners import selectors

    monkeypatch.setattr(selectors, "RECORD_PAGE", 2)
    learner = make_learner(kk, username="somsri", account_name="somsri")
    for name in ("First", "Second", "Third"):
        store(
            statement(
                actor={"account": ACCOUNT},
                object={"id": f"https://x.org/{name}", "definition": {"name": {"en": name}}},
            )
        )
    client = signed_in(learner.user)
    html = client.get(record_url("en")).content.decode()
    assert "Third" in html and "Second" in html and "First" not in html
    older = html.split('href="?before=')[1].split('"')[0]
    html = client.get(record_url("en") + "?before=" + older).content.decode()
    assert "First" in html and "Third" not in html
    assert client.get(record_url("en") + "?before=nonsense<script>").status_code == 200


def test_the_record_page_costs_the_same_queries_for_more_entries(kk, store, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    learner = make_learner(kk, username="somsri", account_name="somsri")
    client = signed_in(learner.user)
    store(statement(actor={"account": ACCOUNT}))
    with CaptureQueriesContext(connection) as one:
        client.get(record_url("en"))
    store(*[statement(actor={"account": ACCOUNT}) for _ in range(5)])
    with CaptureQueriesContext(connection) as six:
        client.get(record_url("en"))
    assert len(six) == len(one)
