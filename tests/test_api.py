"""The JSON API: shapes, filters, problem+json errors, city isolation and the committed OpenAPI schema."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.network.models import Sector
from rianru.network.tests.factories import CityFactory, PartnerFactory

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(reference_data):
    khon_kaen, yala = (
        CityFactory(slug="khon-kaen", name_en="Khon Kaen"),
        CityFactory(slug="yala", name_en="Yala"),
    )
    kku = PartnerFactory(city=khon_kaen, slug="khon-kaen-university", sector=Sector.EDUCATION)
    free = OpportunityFactory(city=khon_kaen, provider=kku, slug="free-yoga", price_thb=0)
    free.life_stages.set(["older_people"])
    free.sdg_goals.set([3])
    paid = OpportunityFactory(city=khon_kaen, provider=kku, slug="barista", price_thb=Decimal("900"))
    SessionFactory(opportunity=paid, starts_at=timezone.now() + dt.timedelta(days=1))
    OpportunityFactory(city=yala, slug="yala-only")
    LearningSpaceFactory(city=yala, slug="yala-library")
    return khon_kaen, yala


def test_cities_and_partners(client, cities):
    body = client.get("/api/v1/cities/").json()
    assert [c["slug"] for c in body] == ["khon-kaen", "yala"]
    partners = client.get("/api/v1/cities/khon-kaen/partners/?sector=education").json()
    assert [p["slug"] for p in partners["items"]] == ["khon-kaen-university"]
    assert partners["items"][0]["url"] == "/khon-kaen/partners/khon-kaen-university/"


def test_opportunities_filter_and_stay_in_their_city(client, cities):
    body = client.get("/api/v1/cities/khon-kaen/opportunities/").json()
    assert body["count"] == 2
    assert {o["slug"] for o in body["items"]} == {"free-yoga", "barista"}
    assert body["items"][0]["slug"] == "barista"  # soonest next session first
    free = client.get(
        "/api/v1/cities/khon-kaen/opportunities/?free=true&life_stage=older_people&sdg=3"
    ).json()
    assert [o["slug"] for o in free["items"]] == ["free-yoga"]
    assert free["items"][0]["life_stages"] == ["older_people"]
    assert client.get("/api/v1/cities/khon-kaen/opportunities/yala-only/").status_code == 404
    assert [s["slug"] for s in client.get("/api/v1/cities/yala/spaces/").json()["items"]] == ["yala-library"]


def test_opportunity_detail_has_sessions_and_vocabularies(client, cities):
    body = client.get("/api/v1/cities/khon-kaen/opportunities/free-yoga/").json()
    assert body["sdg_goals"] == [3] and body["sessions"] == []
    assert body["title_th"] and body["title_en"]
    barista = client.get("/api/v1/cities/khon-kaen/opportunities/barista/").json()
    assert len(barista["sessions"]) == 1 and barista["price_thb"] == "900.00"


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/cities/atlantis/", 404, "city_not_found"),
        ("/api/v1/cities/khon-kaen/opportunities/?sdg=99", 400, "invalid"),
        ("/api/v1/cities/khon-kaen/opportunities/?mode=teleport", 400, "invalid"),
        ("/api/v1/cities/khon-kaen/opportunities/?life_stage=<script>", 400, "invalid"),
        ("/api/v1/cities/khon-kaen/partners/?sector=church", 400, "invalid"),
        ("/api/v1/cities/khon-kaen/partners/nobody/", 404, "not_found"),
    ],
)
def test_bad_input_is_a_problem_document(client, cities, url, status, code):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    assert "<script>" not in response.content.decode()


def test_the_committed_openapi_schema_matches_the_code(client):
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert served == committed, "the API changed: run `make openapi` and commit docs/openapi.json"


def test_the_api_docs_page_loads_nothing_from_outside(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle" in page
    assert "https://" not in page and "http://" not in page


@pytest.mark.parametrize("extra", [0, 15])
def test_api_lists_run_a_fixed_number_of_queries(client, cities, django_assert_max_num_queries, extra):
    khon_kaen, _ = cities
    for n in range(extra):
        opportunity = OpportunityFactory(city=khon_kaen, slug=f"extra-{n}")
        opportunity.life_stages.set(["working_age", "older_people"])
        LearningSpaceFactory(city=khon_kaen, slug=f"space-{n}")
    for path in ("opportunities", "spaces", "partners"):
        with django_assert_max_num_queries(6):
            assert client.get(f"/api/v1/cities/khon-kaen/{path}/").status_code == 200
