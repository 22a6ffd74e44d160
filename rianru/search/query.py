"""A search as the index sees it: the typed parameters (`SearchParams`), the tantivy query they make, near
me (learning spaces within a radius) and running the query for a page of hits.

Ranking is tantivy's BM25 over segmented Thai and English, titles weighted `TITLE_BOOST` times the rest.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from django.core.cache import cache

from rianru.catalogue import geo
from rianru.catalogue.models import LearningSpace
from rianru.network.models import City
from rianru.search import text
from rianru.search.cards import Card
from rianru.search.choices import CACHE_SECONDS
from rianru.search.documents import parse_key
from rianru.search.index import SCHEMA

TITLE_BOOST = 3.0
MAX_PAGE_SIZE = 100
MAX_PAGE = 500
MAX_RADIUS_KM = 100.0
TYPES = ("opportunity", "space", "partner")
SORTS = ("relevance", "date", "distance")
# (parameter, index field): facets whose values are chosen from lists and counted.
LIST_FACETS = (
    ("type", "type"),
    ("kind", "kind"),
    ("life_stage", "life_stage"),
    ("sdg", "sdg"),
    ("kflc", "kflc"),
    ("partner", "partner"),
    ("sector", "sector"),
    ("zone", "zone"),
    ("community", "community"),
    ("mode", "mode"),
    ("language", "language"),
)
# Yes/no facets: the parameter selects "true" in the field of the same name.
FLAG_FACETS = ("free", "certificate", "open_now", "accessible")


@dataclass(frozen=True)
class SearchParams:
    """A validated search request (`rianru.search.forms.search_params()`
    makes it from a request's parameters)."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list facets
    flags: frozenset[str] = frozenset()  # flag facets set to yes
    paid: bool = False  # free=false: paid only
    age: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 5.0
    near_community: str = ""  # the point is this community's (the mean of its learning spaces)
    sort: str = ""
    page: int = 1
    page_size: int = 20

    @property
    def near(self) -> bool:
        return self.lat is not None and self.lon is not None

    def to_query(self) -> list[tuple[str, str]]:
        """The URL query of this search (shareable; the page's links are built from it)."""
        pairs = [("q", self.q)] if self.q else []
        for param, _field in LIST_FACETS:
            pairs += [(param, v) for v in self.filters.get(param, ())]
        pairs += [(name, "true") for name in FLAG_FACETS if name in self.flags]
        if self.paid:
            pairs.append(("free", "false"))
        for name in ("age", "date_from", "date_to") + (() if self.near_community else ("lat", "lon")):
            if getattr(self, name) is not None:
                pairs.append((name, str(getattr(self, name))))
        if self.near_community:
            pairs.append(("near_community", self.near_community))
        if self.near:
            pairs.append(("radius_km", f"{self.radius_km:g}"))
        if self.sort:
            pairs.append(("sort", self.sort))
        return pairs


@dataclass
class Hit:
    type: str
    pk: int
    score: float
    obj: Any = None  # the Card (rianru.search.cards) once hydrated
    distance_km: float | None = None
    space_ids: list[int] = field(default_factory=list)
    highlight: str = ""
    title_highlight: str = ""


# --- query building ---------------------------------------------------------------------------------


def _term(field_name: str, value: str) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field_name, value)


def any_of(field_name: str, values: Iterable[str]) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, field_name, list(values))


def all_of(clauses: list[tantivy.Query]) -> tantivy.Query:
    if not clauses:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in clauses])


def _word_query(token: str) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.boost_query(_term("title", token), TITLE_BOOST)),
            (tantivy.Occur.Should, _term("body", token)),
        ]
    )


def _token_query(token: str) -> tantivy.Query:
    """A word, or for a compound (ภาษาจีน) also both its halves (in ภาษา|จีนกลาง, indexed with จีน)."""
    halves = text.compound_halves(token)
    if not halves:
        return _word_query(token)
    both = tantivy.Query.boolean_query([(tantivy.Occur.Must, _word_query(half)) for half in halves])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, _word_query(token)), (tantivy.Occur.Should, both)]
    )


def text_query(tokens: list[str], *, require_all: bool = True) -> tantivy.Query | None:
    if not tokens:
        return None
    per_token = [_token_query(token) for token in tokens]
    occur = tantivy.Occur.Must if require_all else tantivy.Occur.Should
    return tantivy.Query.boolean_query([(occur, clause) for clause in per_token])


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def filter_clauses(params: SearchParams, city: City, *, without: str | None = None) -> list[tantivy.Query]:
    clauses = [_term("city", city.slug), _term("live", "true")]
    for param, field_name in LIST_FACETS:
        if param != without and params.filters.get(param):
            clauses.append(any_of(field_name, params.filters[param]))
    for name in params.flags:
        if name != without:
            clauses.append(_term(name, "true"))
    if params.paid and without != "free":
        clauses.append(_term("free", "false"))
    if params.age is not None:
        clauses.append(
            tantivy.Query.range_query(SCHEMA, "age_min", tantivy.FieldType.Integer, None, params.age)
        )
        clauses.append(
            tantivy.Query.range_query(SCHEMA, "age_max", tantivy.FieldType.Integer, params.age, None)
        )
    if params.date_from or params.date_to:
        clauses.append(
            tantivy.Query.range_query(
                SCHEMA, "session_days", tantivy.FieldType.Date,
                _day_start(params.date_from) if params.date_from else None,
                _day_start(params.date_to) if params.date_to else None,
            )
        )  # fmt: skip
    return clauses


# --- near me ----------------------------------------------------------------------------------------


def _space_points(city: City) -> list[tuple[int, float, float]]:
    cache_key = f"search:space-points:{city.pk}"
    points = cache.get(cache_key)
    if points is None:
        points = [
            (pk, float(lat), float(lon))
            for pk, lat, lon in LearningSpace.objects.filter(city=city).values_list(
                "pk", "latitude", "longitude"
            )
        ]
        cache.set(cache_key, points, CACHE_SECONDS)
    return points


def community_point(city: City, slug: str) -> tuple[float, float] | None:
    community = geo.community_find(city=city, slug=slug)
    return geo.community_point(community) if community else None


def spaces_near(city: City, params: SearchParams) -> dict[int, float] | None:
    """{space id: distance in km} around the search's point, or None when it has none (not "near me")."""
    if params.lat is None or params.lon is None:
        return None
    return spaces_within(city, params.lat, params.lon, params.radius_km)


def spaces_within(city: City, lat: float, lon: float, radius_km: float) -> dict[int, float]:
    """{space id: distance in km} for the city's learning spaces within the radius."""
    found = {}
    for pk, space_lat, space_lon in _space_points(city):
        distance = geo.distance_km(lat, lon, space_lat, space_lon)
        if distance <= radius_km:
            found[pk] = distance
    return found


def _count_and_hits(searcher, query, params: SearchParams, order_by_date: bool):
    offset = (params.page - 1) * params.page_size
    if order_by_date:
        result = searcher.search(
            query, params.page_size, count=True, order_by_field="next_start", order=tantivy.Order.Asc,
            offset=offset,
        )  # fmt: skip
    else:
        result = searcher.search(query, params.page_size, count=True, offset=offset)
    hits = []
    for score, address in result.hits:
        stored = searcher.doc(address).to_dict()
        kind, pk = parse_key(stored["key"][0])
        space_ids = [int(v) for v in stored.get("space_ids", [])]
        card = Card(kind, pk, json.loads(bytes(stored["card"][0])))
        score = float(score) if isinstance(score, float) else 0.0
        hits.append(Hit(type=kind, pk=pk, score=score, space_ids=space_ids, obj=card))
    return result.count, hits


def run(searcher, params: SearchParams, city: City, tokens: list[str], *, require_all=True, near=None):
    clauses = filter_clauses(params, city)
    words = text_query(tokens, require_all=require_all)
    if near is not None:
        clauses.append(any_of("space_ids", [str(pk) for pk in near]) if near else tantivy.Query.empty_query())
    sort = params.sort or ("distance" if params.near else "relevance" if tokens else "date")
    if sort == "distance" and near:
        # Score = closeness of the nearest learning space: the query itself only filters.
        closeness = tantivy.Query.disjunction_max_query(
            [
                tantivy.Query.const_score_query(_term("space_ids", str(pk)), 1000.0 - distance)
                for pk, distance in near.items()
            ]
        )
        filters = clauses + ([words] if words else [])
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.const_score_query(all_of(filters), 0.0)),
             (tantivy.Occur.Must, closeness)]
        )  # fmt: skip
        return query, *_count_and_hits(searcher, query, params, order_by_date=False)
    query = all_of(clauses + ([words] if words else []))
    return query, *_count_and_hits(searcher, query, params, order_by_date=(sort == "date"))
