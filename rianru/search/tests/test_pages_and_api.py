"""The search page and `GET /api/v1/search` over the same service."""

import pytest
from django.urls import reverse

from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.tests.html import LANGUAGES, get_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(city, search_index):
    opportunity = OpportunityFactory(city=city, title_th="เวิร์กช็อปทอผ้าไหม", title_en="Silk weaving workshop")
    SessionFactory(opportunity=opportunity)
    space = LearningSpaceFactory(city=city, name_th="ห้องสมุดบึงแก่นนคร", name_en="Bueng Kaen Nakhon library")
    search_index.build()
    return {"opportunity": opportunity, "space": space}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_lists_highlighted_results(client, city, indexed, language):
    prefix = "" if language == "th" else "/en"
    query = "ผ้าไหม" if language == "th" else "silk"
    page = get_page(client, f"{prefix}/{city.slug}/search/?q={query}", language=language)
    links = [a.get("href") for a in page.select("a")]
    assert indexed["opportunity"].get_absolute_url().removeprefix("/en") in {
        href.removeprefix("/en") for href in links if href
    }
    assert page.select("mark")


def test_htmx_gets_the_results_fragment_only(client, city, indexed):
    response = client.get(f"/{city.slug}/search/?q=silk", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-area"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_unknown_facet_values_give_a_400_page_with_the_reason(client, city, indexed):
    response = client.get(f"/en/{city.slug}/search/?sdg=99&q=silk")
    assert response.status_code == 400
    assert "Unknown value for sdg" in response.content.decode()


def test_html_in_the_query_is_escaped(client, city, indexed):
    body = client.get(f"/{city.slug}/search/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_api_answers_count_results_and_facets(client, city, indexed):
    response = client.get("/api/v1/search", {"q": "silk", "city": city.slug, "lang": "en"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    hit = data["results"][0]
    assert hit["type"] == "opportunity" and hit["id"] == indexed["opportunity"].pk
    assert hit["title"] == "Silk weaving workshop"
    assert hit["url"] == "/en" + indexed["opportunity"].get_absolute_url()
    assert "<mark>" in hit["title_highlight"]
    assert {"type", "sdg", "life_stage", "free", "open_now"} <= set(data["facets"])
    from rianru.search.api import SearchOut

    SearchOut.model_validate(data)  # what is sent is what the OpenAPI document says


def test_api_finds_a_partial_thai_compound(client, city, indexed):
    data = client.get("/api/v1/search", {"q": "แก่นนคร", "city": city.slug}).json()
    assert ("space", indexed["space"].pk) in {(hit["type"], hit["id"]) for hit in data["results"]}


def test_api_external_id_is_returned(client, city, indexed):
    opportunity = indexed["opportunity"]
    opportunity.external_id = "moodle-course-42"
    opportunity.save()
    from rianru.search import indexer

    indexer.catch_up()
    data = client.get("/api/v1/search", {"q": "silk", "city": city.slug}).json()
    assert data["results"][0]["external_id"] == "moodle-course-42"


@pytest.mark.parametrize(
    "query",
    [
        {"sdg": "x"},
        {"page_size": "1000"},
        {"lat": "abc", "lon": "1"},
        {"city": "atlantis"},
        {"date_to": "tomorrow"},
    ],
)
def test_api_bad_input_is_a_problem_document(client, city, indexed, query):
    response = client.get("/api/v1/search", {"city": city.slug, **query})
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/problem+json"


def test_api_without_an_index_says_so(client, city, settings, tmp_path):
    from rianru.search.index import reader

    settings.RIANRU_SEARCH_INDEX_DIR = tmp_path / "missing"
    reader.refresh()
    response = client.get("/api/v1/search", {"city": city.slug})
    assert response.status_code == 503
    assert "rianru search rebuild" in response.json()["detail"]


def test_search_is_in_the_navigation(client, city, indexed):
    page = get_page(client, reverse("web:city_home", kwargs={"city": city.slug}), language="th")
    assert reverse("search:search", kwargs={"city": city.slug}) in [a.get("href") for a in page.select("a")]


def test_query_count_is_bounded(client, city, indexed, django_assert_max_num_queries):
    for n in range(12):
        opportunity = OpportunityFactory(city=city, title_en=f"Silk dyeing {n}")
        SessionFactory(opportunity=opportunity)
    from rianru.search import indexer

    indexer.catch_up()
    # Results come from the index: the city and (cold cache) the facet labels are all the database gives.
    with django_assert_max_num_queries(12):
        client.get("/api/v1/search", {"q": "silk", "city": city.slug})
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/search", {"q": "silk", "city": city.slug})
    assert response.json()["count"] == 13


def test_a_search_exports_its_sessions_as_icalendar(client, city, indexed):
    from icalendar import Calendar

    other = OpportunityFactory(city=city, title_en="Pottery", description_en="Clay.", description_th="ดินเผา")
    SessionFactory(opportunity=other)
    from rianru.search import indexer

    indexer.catch_up()
    response = client.get(f"/en/{city.slug}/search.ics", {"q": "silk"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Silk weaving workshop"]
    assert client.get(f"/{city.slug}/search.ics", {"sdg": "99"}).status_code == 400
