"""`GET /api/v1/search`: the search the pages use, as JSON."""

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from rianru.network.selectors import city_get_remembered
from rianru.search import selectors
from rianru.search.forms import search_params
from rianru.search.query import Hit

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field("", description="Words in Thai, English or both; segmented and normalised.")
    city: str = Field("", description="City slug (default: the instance's default city).")
    lang: str = Field("", description="Language of titles, labels and URLs: th (default) or en.")
    type: list[str] = Field([], description="opportunity, space, partner (several allowed).")
    kind: list[str] = Field([], description="Kind of opportunity or learning space.")
    life_stage: list[str] = []
    sdg: list[str] = Field([], description="SDG goal numbers, 1–17.")
    kflc: list[str] = Field([], description="KFLC building blocks (sub-area codes).")
    partner: list[str] = Field([], description="Partner slugs (the provider or the space's owner).")
    sector: list[str] = []
    zone: list[str] = Field([], description="Zone numbers.")
    community: list[str] = Field([], description="Community slugs.")
    mode: list[str] = Field([], description="online, onsite, blended.")
    language: list[str] = Field([], description="Language of instruction: th, en, th_en, isan, zh.")
    free: str = Field("", description="true: free only; false: paid only.")
    certificate: str = Field("", description="true: with a certificate.")
    open_now: str = Field("", description="true: registration open now for a session.")
    accessible: str = Field("", description="true: a step-free venue.")
    age: str = Field("", description="An age the opportunity is meant for (0–120).")
    date_from: str = Field("", description="First day (YYYY-MM-DD; a year ≥ 2400 is Buddhist era).")
    date_to: str = Field("", description="Last day (YYYY-MM-DD).")
    lat: str = Field("", description="Near me: latitude of the point.")
    lon: str = Field("", description="Near me: longitude of the point.")
    radius_km: str = Field("", description="Near me: radius in km (default 5, at most 100).")
    sort: str = Field("", description="relevance (default with words), date (default without), distance.")
    page: str = "1"
    page_size: str = Field("20", description="1–100.")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchHitOut(Schema):
    id: int
    type: str
    external_id: str | None
    slug: str
    title: str
    title_th: str
    title_en: str
    url: str
    highlight: str = Field(description="HTML: the matched words in <mark>, the rest escaped.")
    title_highlight: str
    score: float
    distance_km: float | None
    kind: str | None = None
    provider: str | None = None
    next_session_at: dt.datetime | None = None
    mode: str | None = None
    is_free: bool | None = None
    sector: str | None = None


class SearchOut(Schema):
    query: str
    count: int
    page: int
    pages: int
    page_size: int
    suggestion: str | None = Field(
        description="When nothing matched: the corrected query whose results these are."
    )
    partial: bool = Field(description="No result matched every word: these match some of them.")
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]


def hit_out(hit: Hit) -> dict:
    card = hit.obj
    return {
        "id": hit.pk,
        "type": hit.type,
        "external_id": card.external_id or None,
        "slug": card.slug,
        "title": card.title,
        "title_th": card.title_th,
        "title_en": card.title_en,
        "url": card.get_absolute_url(),
        "highlight": hit.highlight,
        "title_highlight": hit.title_highlight,
        "score": hit.score,
        "distance_km": hit.distance_km,
        "kind": card.kind or None,
        "provider": card.provider.slug or None,
        "next_session_at": card.next_session_at.isoformat() if card.next_session_at else None,
        "mode": card.mode or None,
        "is_free": card.is_free,
        "sector": card.sector or None,
    }


def result_out(result: selectors.SearchResult) -> dict:
    params = result.params
    return {
        "query": params.q,
        "count": result.count,
        "page": params.page,
        "pages": result.pages,
        "page_size": params.page_size,
        "suggestion": result.suggestion,
        "partial": result.partial,
        "results": [hit_out(hit) for hit in result.hits],
        "facets": {name: [vars(value) for value in values] for name, values in result.facets.items()},
    }


@router.get("/search", response=SearchOut, summary="Search opportunities, learning spaces and partners")
def search(request, query: Query[SearchQuery]):
    data = query.dict()
    language = data.pop("lang") or "th"
    # Remembered per process: a search answered from the result cache then needs no database at all.
    city = city_get_remembered(slug=data.pop("city") or settings.RIANRU_DEFAULT_CITY)
    with translation.override("en" if language == "en" else "th"):
        params = search_params(data, city=city)
        result = selectors.search(city=city, params=params)
        # Built to the SearchOut schema (the OpenAPI document) and sent as is: no second validation pass.
        # A result reused from the cache reuses its JSON too.
        body = result.rendered.get("api")
        if body is None:
            body = result.rendered["api"] = json.dumps(
                result_out(result), cls=DjangoJSONEncoder, ensure_ascii=False
            ).encode()
        return HttpResponse(body, content_type="application/json")
