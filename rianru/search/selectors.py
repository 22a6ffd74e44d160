"""Search: one query box over opportunities, learning spaces and partners, with facets, near me and
"did you mean". The search page and `GET /api/v1/search` both call `search()` with the `SearchParams` that
`rianru.search.forms` makes of the request.

Ranking is tantivy's BM25 over segmented Thai and English, titles weighted `TITLE_BOOST` times the rest.
Every word of the query must match; when none matches everything, the query is corrected (keyboard
layout, then typos) and the corrected results are shown with the correction; failing that, results
matching any word are shown as partial.
Facet counts are disjunctive: the counts of one facet ignore that facet's own selection, so a user can
add a second value to it.
"""

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import tantivy
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rianru.network.models import City
from rianru.search import text
from rianru.search.cache import results_cache
from rianru.search.choices import FLAG_LABELS, value_labels
from rianru.search.errors import SearchUnavailable
from rianru.search.index import reader
from rianru.search.query import (
    FLAG_FACETS,
    LIST_FACETS,
    Hit,
    SearchParams,
    all_of,
    any_of,
    filter_clauses,
    run,
    spaces_near,
    text_query,
)
from rianru.search.suggest import suggest

FACET_SIZE = 100


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    params: SearchParams
    count: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None  # the corrected query whose results are shown
    partial: bool = False  # no result matched every word: these match some
    # Serialised forms of this (cached) result, e.g. the API's JSON body, made once per result.
    rendered: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.params.page_size))


# --- the search -------------------------------------------------------------------------------------


def _searcher() -> tuple[int, tantivy.Searcher]:
    generation, searcher = reader.searcher()
    if searcher is None:
        raise SearchUnavailable(_("The search index is not built yet. Run `rianru search rebuild`."))
    return generation, searcher


def search(*, city: City, params: SearchParams, now: dt.datetime | None = None) -> SearchResult:
    """The page of results and the facet counts of one search (cached per index generation)."""
    generation, searcher = _searcher()
    key = (generation, city.pk, translation.get_language(), tuple(params.to_query()), params.page,
           params.page_size)  # fmt: skip
    result = results_cache.get(key) if settings.RIANRU_SEARCH_RESULT_CACHE else None
    if result is None:
        result = _search(searcher, city=city, params=params, now=now or timezone.now())
        if settings.RIANRU_SEARCH_RESULT_CACHE:
            results_cache.put(key, result)
    return result


def _search(searcher, *, city: City, params: SearchParams, now: dt.datetime) -> SearchResult:
    tokens = text.query_tokens(params.q) if params.q else []
    near = spaces_near(city, params)
    _query, count, hits = run(searcher, params, city, tokens, near=near)
    suggestion, partial = None, False
    used_tokens = tokens
    if count == 0 and tokens:
        suggestion = suggest(searcher, params, city, tokens)
        if suggestion:
            corrected = text.query_tokens(suggestion)
            _query, count, hits = run(searcher, params, city, corrected, near=near)
            if count:
                used_tokens = corrected
            else:  # the corrected words exist, but not together: fall back to "some words"
                suggestion, tokens = None, corrected
        if count == 0 and len(tokens) > 1:
            _query, count, hits = run(searcher, params, city, tokens, require_all=False, near=near)
            partial, used_tokens = count > 0, tokens
    _hydrate(hits, city=city, tokens=used_tokens, near=near, now=now)
    facets = facet_counts(searcher, params, city, used_tokens, near=near, require_all=not partial)
    return SearchResult(
        params=params, count=count, hits=hits, facets=facets, suggestion=suggestion, partial=partial
    )


ICS_MAX_OPPORTUNITIES = 500


def matching_opportunity_ids(
    *, city: City, params: SearchParams, limit: int = ICS_MAX_OPPORTUNITIES
) -> list[int]:
    """The ids of the first `limit` opportunities this search finds, in its order (for exports)."""
    _generation, searcher = _searcher()
    only = replace(params, filters={**params.filters, "type": ("opportunity",)}, page=1, page_size=limit)
    tokens = text.query_tokens(only.q) if only.q else []
    near = spaces_near(city, only)
    _query, _count, hits = run(searcher, only, city, tokens, near=near)
    return [hit.pk for hit in hits]


def facet_counts(
    searcher, params, city, tokens, *, near=None, require_all=True
) -> dict[str, list[FacetValue]]:
    """Counts per facet value; a facet's own selection is left out of its counts (disjunctive)."""
    words = text_query(tokens, require_all=require_all)
    extra = [words] if words else []
    if near is not None:
        extra.append(any_of("space_ids", [str(pk) for pk in near]) if near else tantivy.Query.empty_query())
    active = set(params.filters) | set(params.flags) | ({"free"} if params.paid else set())
    groups: dict[str | None, list[str]] = {None: []}
    for param, _field in LIST_FACETS:
        groups.setdefault(param if param in active else None, []).append(param)
    for name in FLAG_FACETS:
        groups.setdefault(name if name in active else None, []).append(name)
    counts: dict[str, dict[str, int]] = {}
    for without, names in groups.items():
        if not names:
            continue
        aggregation = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        result = searcher.aggregate(
            all_of(filter_clauses(params, city, without=without) + extra), aggregation
        )
        for name in names:
            counts[name] = {b["key"]: b["doc_count"] for b in result.get(name, {}).get("buckets", [])}
    choices = value_labels(city)
    facets: dict[str, list[FacetValue]] = {}
    for param, _field in LIST_FACETS:
        selected = set(params.filters.get(param, ()))
        labels = choices[param]
        values = [
            FacetValue(value=value, label=labels.get(value, value), count=counts[param].get(value, 0),
                       selected=value in selected)
            for value in labels
            if counts[param].get(value) or value in selected
        ]  # fmt: skip
        if param in ("partner", "community"):
            values.sort(key=lambda v: (-v.count, v.label))
        facets[param] = values
    for name in FLAG_FACETS:
        facets[name] = [
            FacetValue(value="true", label=FLAG_LABELS[name](), count=counts[name].get("true", 0),
                       selected=name in params.flags)
        ]  # fmt: skip
    return facets


# --- results ----------------------------------------------------------------------------------------


def _hydrate(hits: list[Hit], *, city: City, tokens: list[str], near, now) -> None:
    """Highlights and distances; what a result shows comes from the index (`rianru.search.cards`)."""
    for hit in hits:
        card = hit.obj
        hit.title_highlight = text.highlight(card.title, tokens, max_chars=300)
        hit.highlight = text.highlight(card.summary, tokens) if card.summary else ""
        if near:
            distances = [near[pk] for pk in hit.space_ids if pk in near]
            hit.distance_km = round(min(distances), 2) if distances else None
