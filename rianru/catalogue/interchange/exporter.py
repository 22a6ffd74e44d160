"""Export a city's open catalogue as text chunks to stream: JSON-LD, or one of the two CSV files.

Open data only: published opportunities (with all their sessions), every learning space, and the
partners' public names and websites (never their contact people). Rows are read in chunks of CHUNK
with their relations prefetched per chunk, and each node is written as soon as it is built, so a city
of 100,000 opportunities streams in constant memory.
"""

import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from rianru.catalogue.interchange import csv_format, jsonld
from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.frameworks.models import KflcItem, SdgGoal, SdgTarget
from rianru.network.models import City, Partner
from rianru.network.selectors import city_time_zone, for_city

CHUNK = 500
CSV_KINDS = ("opportunities", "spaces")


def published_opportunities(city: City) -> QuerySet[Opportunity]:
    sessions = Session.objects.select_related("space").order_by("starts_at", "pk")
    return (
        for_city(Opportunity.objects, city)
        .filter(status=Opportunity.Status.PUBLISHED)
        .select_related("provider")
        .prefetch_related(
            Prefetch("life_stages", queryset=LifeStage.objects.order_by("position")),
            Prefetch("topics", queryset=Topic.objects.order_by("slug")),
            Prefetch("sdg_goals", queryset=SdgGoal.objects.order_by("number")),
            Prefetch("sdg_targets", queryset=SdgTarget.objects.order_by("goal", "position")),
            Prefetch("kflc_features", queryset=KflcItem.objects.order_by("position")),
            Prefetch("sessions", queryset=sessions),
        )
        .order_by("pk")
    )


def spaces(city: City) -> QuerySet[LearningSpace]:
    return for_city(LearningSpace.objects, city).select_related("owner", "zone", "community").order_by("pk")


def partners(city: City) -> QuerySet[Partner]:
    return for_city(Partner.objects, city).order_by("pk")


def _rows(queryset: QuerySet, city: City) -> Iterator:
    for row in queryset.iterator(chunk_size=CHUNK):
        row.city = city  # for get_absolute_url, without a query per row
        yield row


def _json_lines(nodes: Iterable[dict]) -> Iterator[str]:
    yield '{"@context": ' + json.dumps(jsonld.CONTEXT) + ', "@graph": [\n'
    separator = ""
    for node in nodes:
        yield separator + json.dumps(node, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def export_jsonld(*, city: City, base_url: str = "") -> Iterator[str]:
    """The city's catalogue as one JSON-LD document: Organizations, Places, then Courses and Events.

    `base_url` (e.g. https://rianru.example) makes the pages' `url`s absolute; without it they are paths.
    """
    time_zone = city_time_zone(city)
    labels = {
        "facility": jsonld.both_labels(LearningSpace.Facility),
        "access": jsonld.both_labels(LearningSpace.Access),
    }

    def nodes() -> Iterator[dict]:
        for partner in _rows(partners(city), city):
            yield jsonld.partner_node(partner, city_slug=city.slug)
        for space in _rows(spaces(city), city):
            with translation.override(settings.LANGUAGE_CODE):  # the pages' URLs in the default language
                node = jsonld.space_node(space, city_slug=city.slug, base_url=base_url, labels=labels)
            yield node
        for opportunity in _rows(published_opportunities(city), city):
            with translation.override(settings.LANGUAGE_CODE):
                node = jsonld.opportunity_node(
                    opportunity, city_slug=city.slug, time_zone=time_zone, base_url=base_url
                )
            yield node

    return _json_lines(nodes())


def export_csv(*, city: City, kind: str = "opportunities", excel: bool = False) -> Iterator[str]:
    """One CSV file: `opportunities` (one row per session) or `spaces`. `excel`: a byte-order mark, and
    text cells that look like formulas quoted with an apostrophe."""
    if kind == "spaces":
        rows = (csv_format.space_row(space, city_slug=city.slug) for space in _rows(spaces(city), city))
        return csv_format.write_rows(csv_format.SPACE_COLUMNS, rows, excel=excel)
    time_zone = city_time_zone(city)
    rows = (
        row
        for opportunity in _rows(published_opportunities(city), city)
        for row in csv_format.opportunity_rows(opportunity, city_slug=city.slug, time_zone=time_zone)
    )
    return csv_format.write_rows(csv_format.KINDS["opportunities"], rows, excel=excel)
