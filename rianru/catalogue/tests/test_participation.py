"""Opportunities as xAPI activities: canonical ids, their spellings,
participation on the page and in the API."""

import pytest
from django.contrib.auth import get_user_model

from rianru.catalogue import selectors
from rianru.catalogue.activities import (
    opportunity_activity_id,
    opportunity_activity_ids,
    parse_opportunity_activity_id,
)
from rianru.catalogue.models import Opportunity
from rianru.catalogue.tests.factories import OpportunityFactory
from rianru.core.tests.html import parse_response
from rianru.lrs.presentation import ADL
from rianru.lrs.services import statements_store
from rianru.lrs.tests.helpers import make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

pytestmark = pytest.mark.django_db

BASE = "https://learn.khonkaen.go.th"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.RIANRU_PUBLIC_URL = BASE


def test_the_canonical_id_is_the_thai_page_under_the_public_url():
    assert (
        opportunity_activity_id(city_slug="khon-kaen", slug="silk") == f"{BASE}/khon-kaen/opportunities/silk/"
    )


def test_every_spelling_parses_back_and_the_canonical_comes_first():
    spellings = opportunity_activity_ids(city_slug="khon-kaen", slug="silk")
    assert spellings[0] == f"{BASE}/khon-kaen/opportunities/silk/"
    assert set(spellings) == {
        f"{scheme}://learn.khonkaen.go.th{language}/khon-kaen/opportunities/silk{end}"
        for scheme in ("http", "https")
        for language in ("", "/en")
        for end in ("", "/")
    }
    assert {parse_opportunity_activity_id(spelling) for spelling in spellings} == {("khon-kaen", "silk")}
    assert parse_opportunity_activity_id("HTTPS://Learn.KhonKaen.go.th/khon-kaen/opportunities/silk/") == (
        "khon-kaen",
        "silk",
    )


@pytest.mark.parametrize(
    "activity_id",
    [
        "https://elsewhere.example/khon-kaen/opportunities/silk/",  # another host
        f"{BASE}/khon-kaen/opportunities/silk/?session=1",  # a query makes it another activity
        f"{BASE}/khon-kaen/opportunities/silk/#part",
        f"{BASE}/khon-kaen/opportunities/silk/sessions/4.ics",
        f"{BASE}/khon-kaen/opportunities/",
        f"{BASE}/fr/khon-kaen/opportunities/silk/",  # not a language of the site
        f"{BASE}/admin/opportunities/silk/",  # a reserved path, never a city
        "ftp://learn.khonkaen.go.th/khon-kaen/opportunities/silk/",
        "urn:uuid:6f1c2c7e-0000-4000-8000-000000000000",
        "not a url",
        "",
    ],
)
def test_other_ids_are_not_opportunities(activity_id):
    assert parse_opportunity_activity_id(activity_id) is None


def test_a_public_url_with_a_path(settings):
    settings.RIANRU_PUBLIC_URL = "https://example.org/rianru/"
    assert (
        opportunity_activity_id(city_slug="yala", slug="x")
        == "https://example.org/rianru/yala/opportunities/x/"
    )
    assert parse_opportunity_activity_id("http://example.org/rianru/en/yala/opportunities/x") == ("yala", "x")
    assert parse_opportunity_activity_id("https://example.org/yala/opportunities/x/") is None


# --- participation --------------------------------------------------------------------------------------


def learner(n):
    return {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:learner{n}@example.org"}


def verb(name):
    return {"id": ADL + name, "display": {"en-US": name}}


@pytest.fixture
def weaving(city):
    provider = PartnerFactory(city=city, slug="kku-library")
    opportunity = OpportunityFactory(city=city, provider=provider, slug="silk-weaving")
    credential = make_credential(provider)[0]
    canonical = opportunity_activity_id(city_slug="khon-kaen", slug="silk-weaving")
    english = "http://learn.khonkaen.go.th/en/khon-kaen/opportunities/silk-weaving"
    statements_store(
        credential=credential,
        statements=[
            statement(actor=learner(1), verb=verb("attempted"), object={"id": canonical}),
            statement(actor=learner(1), verb=verb("completed"), object={"id": canonical}),
            statement(actor=learner(2), verb=verb("attempted"), object={"id": english}),
            statement(actor=learner(3), verb=verb("attempted"), object={"id": "https://elsewhere.example/x"}),
        ],
        xapi_version="2.0.0",
    )
    return opportunity


def test_opportunity_participation_counts_every_spelling(weaving):
    from django.utils import translation

    with translation.override("en"):  # the verbs' labels are translated
        result = selectors.opportunity_participation(opportunity=weaving)
    assert result.activity_id == f"{BASE}/khon-kaen/opportunities/silk-weaving/"
    assert (result.learners, result.statements) == (2, 3)
    assert [(verb.label, verb.learners, verb.statements) for verb in result.verbs] == [
        ("attempted", 2, 2),
        ("completed", 1, 1),
    ]


def test_opportunities_for_activity_ids_links_only_this_citys_public_opportunities(weaving, city):
    draft = OpportunityFactory(
        city=city, provider=weaving.provider, slug="draft", status=Opportunity.Status.DRAFT
    )
    yala = CityFactory(slug="yala")
    OpportunityFactory(city=yala, slug="silk-weaving")
    ids = [
        f"{BASE}/khon-kaen/opportunities/silk-weaving/",
        "http://learn.khonkaen.go.th/en/khon-kaen/opportunities/silk-weaving",
        f"{BASE}/khon-kaen/opportunities/{draft.slug}/",
        f"{BASE}/yala/opportunities/silk-weaving/",
        f"{BASE}/khon-kaen/opportunities/missing/",
        "https://elsewhere.example/x",
    ]
    found = selectors.opportunities_for_activity_ids(city=city, activity_ids=ids)
    assert found == {ids[0]: weaving, ids[1]: weaving}


def test_the_public_page_shows_counts_but_never_who(client, weaving):
    response = client.get("/en/khon-kaen/opportunities/silk-weaving/")
    assert response.status_code == 200
    page = parse_response(response)
    section = page.select_one("#participation")
    assert section.select_one(".stat").text == "2"
    rows = [[cell.text for cell in row.select("th, td")] for row in section.select("tbody tr")]
    assert rows == [["attempted", "2", "2"], ["completed", "1", "1"]]
    html = response.content.decode()
    for private in ("learner1@", "Learner 1", "l***@"):
        assert private not in html
    # the activity id and the link to the records are for those who may read them
    assert not section.select("code")
    assert "/lrs/statements/" not in html


def test_staff_see_the_activity_id_and_a_link_to_the_records(client, weaving, city):
    user = get_user_model().objects.create_user("staff", password="x")
    CityMembership.objects.create(user=user, city=city, role=CityMembership.Role.CITY_STAFF)
    client.force_login(user)
    page = parse_response(client.get("/en/khon-kaen/opportunities/silk-weaving/"))
    section = page.select_one("#participation")
    assert section.select_one("code").text == f"{BASE}/khon-kaen/opportunities/silk-weaving/"
    link = section.select_one("a[href*='/lrs/statements/']").get("href")
    assert link.startswith("/en/khon-kaen/lrs/statements/?activity=https%3A%2F%2Flearn.khonkaen.go.th")


def test_no_participation_section_without_records_for_the_public(client, city):
    OpportunityFactory(city=city, slug="quiet")
    page = parse_response(client.get("/en/khon-kaen/opportunities/quiet/"))
    assert page.select("#participation") == []


def test_participation_api(client, weaving):
    response = client.get("/api/v1/cities/khon-kaen/opportunities/silk-weaving/participation?lang=en")
    assert response.status_code == 200
    assert response.json() == {
        "activity_id": f"{BASE}/khon-kaen/opportunities/silk-weaving/",
        "learners": 2,
        "statements": 3,
        "verbs": [
            {"verb": ADL + "attempted", "label": "attempted", "learners": 2, "statements": 2},
            {"verb": ADL + "completed", "label": "completed", "learners": 1, "statements": 1},
        ],
    }


def test_participation_api_errors(client, weaving, city):
    missing = client.get("/api/v1/cities/khon-kaen/opportunities/nope/participation")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/cities/nowhere/opportunities/silk-weaving/participation").status_code == 404
    assert (
        client.get("/api/v1/cities/khon-kaen/opportunities/silk-weaving/participation?lang=fr").status_code
        == 400
    )
    OpportunityFactory(city=city, provider=weaving.provider, slug="draft", status=Opportunity.Status.DRAFT)
    assert client.get("/api/v1/cities/khon-kaen/opportunities/draft/participation").status_code == 404


def test_participation_api_query_count(client, weaving, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # city, opportunity, two counts
        client.get("/api/v1/cities/khon-kaen/opportunities/silk-weaving/participation")
