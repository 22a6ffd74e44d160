"""Search behaviour: words, facets with disjunctive counts, near me, corrections and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.errors import ValidationFailed
from rianru.frameworks.models import SdgGoal
from rianru.network.models import Sector
from rianru.network.tests.factories import PartnerFactory
from rianru.search import selectors
from rianru.search.forms import search_params

pytestmark = pytest.mark.django_db


def run(city, q="", **filters):
    data = QueryDict(mutable=True)
    data["q"] = q
    for name, value in filters.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return selectors.search(city=city, params=search_params(data, city=city))


def keys(result):
    return [(hit.type, hit.pk) for hit in result.hits]


def facet(result, name):
    return {value.value: value.count for value in result.facets[name]}


@pytest.fixture
def catalogue(city, search_index):
    """A small catalogue: two partners, two spaces, four opportunities."""
    library = PartnerFactory(
        city=city, slug="library-partner", sector=Sector.GOVERNMENT, name_en="City library"
    )
    school = PartnerFactory(
        city=city, slug="school-partner", sector=Sector.EDUCATION, name_en="Nong Waeng school"
    )
    near = LearningSpaceFactory(
        city=city, owner=library, name_en="Central library", name_th="ห้องสมุดกลาง",
        latitude=Decimal("16.430000"), longitude=Decimal("102.830000"), is_accessible=True,
    )  # fmt: skip
    far = LearningSpaceFactory(
        city=city, owner=school, name_en="Lakeside hall", name_th="หอประชุมริมบึง",
        latitude=Decimal("16.480000"), longitude=Decimal("102.830000"), kind=LearningSpace.Kind.SCHOOL,
    )  # fmt: skip
    adults = LifeStage.objects.get(code="working_age")
    elders = LifeStage.objects.get(code="older_people")
    now = timezone.now()
    rows = {}
    rows["thai"] = OpportunityFactory(
        city=city, provider=library, title_th="การทำอาหารอีสาน", title_en="Isan cooking",
        description_en="Cook som tam and larb.", price_thb=0, has_certificate=True,
    )  # fmt: skip
    rows["english"] = OpportunityFactory(
        city=city, provider=school, title_th="ภาษาอังกฤษเพื่อการสื่อสาร", title_en="English for communication",
        price_thb=Decimal("500"), mode=Opportunity.Mode.ONLINE,
    )  # fmt: skip
    rows["cooking_far"] = OpportunityFactory(
        city=city,
        provider=school,
        title_th="ทำอาหารไทย",
        title_en="Thai cooking class",
        price_thb=Decimal("200"),
    )
    rows["online"] = OpportunityFactory(
        city=city, provider=library, kind=Opportunity.Kind.ONLINE_RESOURCE, title_en="Digital library guide",
        title_th="คู่มือห้องสมุดดิจิทัล", mode=Opportunity.Mode.ONLINE,
    )  # fmt: skip
    rows["thai"].life_stages.add(adults, elders)
    rows["english"].life_stages.add(adults)
    rows["thai"].sdg_goals.add(SdgGoal.objects.get(number=4))
    rows["english"].sdg_goals.add(SdgGoal.objects.get(number=8))
    SessionFactory(opportunity=rows["thai"], space=near, starts_at=now + dt.timedelta(days=3))
    SessionFactory(opportunity=rows["english"], space=near, starts_at=now + dt.timedelta(days=20))
    SessionFactory(opportunity=rows["cooking_far"], space=far, starts_at=now + dt.timedelta(days=1))
    search_index.build()
    return {**rows, "near": near, "far": far, "library": library, "school": school}


def test_thai_and_english_words_find_the_same_opportunity(city, catalogue):
    assert ("opportunity", catalogue["thai"].pk) in keys(run(city, "อาหารอีสาน"))
    assert ("opportunity", catalogue["thai"].pk) in keys(run(city, "Isan cooking"))
    assert ("opportunity", catalogue["thai"].pk) in keys(run(city, "อีสาน cooking"))


def test_title_matches_rank_above_body_matches(city, catalogue):
    result = run(city, "library")
    ranked = keys(result)
    # "Digital library guide" (title) before the Isan cooking class held at the library (body only).
    assert ranked.index(("opportunity", catalogue["online"].pk)) < ranked.index(
        ("opportunity", catalogue["thai"].pk)
    )
    assert result.count == len(ranked)


def test_every_word_must_match_else_partial_results(city, catalogue):
    assert keys(run(city, "cooking isan")) == [("opportunity", catalogue["thai"].pk)]
    result = run(city, "cooking zzzzqqq")
    assert result.partial and result.count >= 2


def test_facet_filters_and_disjunctive_counts(city, catalogue):
    result = run(city, "", type="opportunity", sector="education")
    assert {hit.pk for hit in result.hits} == {catalogue["english"].pk, catalogue["cooking_far"].pk}
    # The sector facet's counts ignore its own selection, so "government" still shows what it would add.
    assert facet(result, "sector") == {"education": 2, "government": 2}
    assert facet(result, "mode")["online"] == 1
    both = run(city, "", type="opportunity", sector=["education", "government"])
    assert both.count == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"free": "true"}, {"thai", "online"}),
        ({"free": "false"}, {"english", "cooking_far"}),
        ({"certificate": "true"}, {"thai"}),
        ({"life_stage": "older_people"}, {"thai"}),
        ({"sdg": ["4", "8"]}, {"thai", "english"}),
        ({"mode": "online"}, {"english", "online"}),
        ({"partner": "school-partner"}, {"english", "cooking_far"}),
        ({"accessible": "true"}, {"thai", "english"}),
        ({"age": "70"}, {"thai", "english", "cooking_far", "online"}),
    ],
)
def test_each_filter(city, catalogue, filters, expected):
    result = run(city, "", type="opportunity", **filters)
    assert {hit.pk for hit in result.hits} == {catalogue[name].pk for name in expected}


def test_age_range_and_date_range(city, catalogue):
    young = catalogue["english"]
    young.age_min, young.age_max = 10, 18
    young.save()
    from rianru.search import indexer

    indexer.catch_up()
    assert catalogue["english"].pk not in {h.pk for h in run(city, "", type="opportunity", age="30").hits}
    assert catalogue["english"].pk in {h.pk for h in run(city, "", type="opportunity", age="12").hits}
    today = timezone.now().date()
    window = {"date_from": str(today + dt.timedelta(days=15)), "date_to": str(today + dt.timedelta(days=25))}
    assert {h.pk for h in run(city, "", **window).hits} == {catalogue["english"].pk}
    buddhist = {"date_from": str(today.replace(year=today.year + 543) + dt.timedelta(days=15))}
    assert {h.pk for h in run(city, "", **buddhist).hits} == {catalogue["english"].pk}


def test_near_a_point_ranks_by_distance_within_the_radius(city, catalogue):
    result = run(city, "cooking", lat="16.4801", lon="102.8301", radius_km="10", sort="distance")
    assert keys(result) == [
        ("opportunity", catalogue["cooking_far"].pk),
        ("opportunity", catalogue["thai"].pk),
    ]
    assert result.hits[0].distance_km < 0.1 < result.hits[1].distance_km
    small = run(city, "cooking", lat="16.4801", lon="102.8301", radius_km="1")
    assert keys(small) == [("opportunity", catalogue["cooking_far"].pk)]


def test_near_a_chosen_community(city, catalogue):
    from rianru.network.tests.factories import CommunityFactory

    community = CommunityFactory(city=city)
    far = catalogue["far"]
    far.community = community
    far.save()
    result = run(city, "", type="space", near_community=community.slug, radius_km="1")
    assert keys(result) == [("space", far.pk)]


def test_a_typo_is_corrected_and_its_results_shown(city, catalogue):
    result = run(city, "cookng")
    assert result.suggestion == "cooking"
    assert {hit.pk for hit in result.hits} >= {catalogue["thai"].pk, catalogue["cooking_far"].pk}


def test_the_wrong_keyboard_layout_is_corrected(city, catalogue):
    # "cooking" typed on a Thai Kedmanee keyboard.
    from rianru.search import text

    typed = text.keyboard_swap("cooking")
    assert typed and typed != "cooking"
    result = run(city, typed)
    assert result.suggestion == "cooking"
    assert result.count >= 2


def test_highlights_mark_matches_and_escape_html(city, catalogue):
    opportunity = catalogue["english"]
    opportunity.summary_en = "<b>English</b> with <script>alert(1)</script>"
    opportunity.save()
    from django.utils import translation

    from rianru.search import indexer

    indexer.catch_up()
    with translation.override("en"):
        hit = next(h for h in run(city, "english").hits if h.pk == opportunity.pk)
    assert "<mark>" in hit.title_highlight
    assert "<script>" not in hit.highlight and "&lt;script&gt;" in hit.highlight


@pytest.mark.parametrize(
    "query",
    [
        "x" * 5000,
        "ห้องสมุด" * 2000,
        "!!! ??? ... ---",
        "\u200b\u200c\u200d\ufeff",
        "'; DROP TABLE catalogue_opportunity; --",
        "<script>alert(1)</script>",
        'title:"x" AND body:* OR (',
        "\x00\x01",
    ],
)
def test_hostile_queries_are_answered_cleanly(city, catalogue, query):
    result = run(city, query)
    assert result.count >= 0
    assert Opportunity.objects.filter(city=city).count() == 4


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"sdg": "99"}, "sdg"),
        ({"life_stage": "unicorns"}, "life_stage"),
        ({"type": "people"}, "type"),
        ({"free": "maybe"}, "free"),
        ({"age": "-3"}, "age"),
        ({"date_from": "2026-02-31"}, "date_from"),
        ({"date_from": "2569-02-29"}, "date_from"),  # BE 2569 is 2026, not a leap year
        ({"lat": "16.4"}, "lat"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"radius_km": "1000", "lat": "1", "lon": "1"}, "radius_km"),
        ({"sort": "distance"}, "sort"),
        ({"page": "0"}, "page"),
        ({"near_community": "nowhere"}, "near_community"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(city, catalogue, filters, field):
    with pytest.raises(ValidationFailed) as error:
        search_params(filters, city=city)
    assert field in error.value.extra["errors"]


def test_paging_is_stable_and_counted(city, catalogue):
    first = run(city, "", page_size="2")
    second = run(city, "", page_size="2", page="2")
    assert first.count == second.count >= 4
    assert not set(keys(first)) & set(keys(second))


def test_params_round_trip_through_the_url(city, catalogue):
    params = search_params(
        {"q": "cooking", "sdg": ["4"], "free": "true", "age": "30", "sort": "date"}, city=city
    )
    again = search_params(QueryDict("&".join(f"{k}={v}" for k, v in params.to_query())), city=city)
    assert again == params


def test_a_compound_query_finds_documents_segmented_another_way(city, search_index):
    """ภาษาจีน is one stock word, but ภาษาจีนกลาง segments as ภาษา|จีนกลาง (indexed with จีน, กลาง)."""
    mandarin = OpportunityFactory(city=city, title_th="ภาษาจีนกลางเบื้องต้น", title_en="Mandarin basics")
    cooking = OpportunityFactory(city=city, title_th="ทำอาหารพื้นบ้าน", title_en="Home cooking")
    for opportunity in (mandarin, cooking):
        SessionFactory(opportunity=opportunity)
    search_index.build()
    assert ("opportunity", mandarin.pk) in keys(run(city, "ภาษาจีน"))
    assert ("opportunity", cooking.pk) in keys(run(city, "อาหาร"))
    assert ("opportunity", cooking.pk) not in keys(run(city, "ภาษาจีน"))
