"""Opportunities as xAPI activities: an opportunity's activity IRI is its canonical page URL.

Registered with the LRS (`rianru.lrs.upload.register_activity_resolver`) so that a CSV upload may name an
opportunity by its Rianru id (`rianru:<city>:opportunity:<slug>`), its external id, its slug or its URL.
"""

from django.conf import settings
from django.utils import translation

from rianru.catalogue.interchange.records import parse_own_id
from rianru.catalogue.models import Opportunity
from rianru.lrs.upload import ResolvedActivity
from rianru.network.models import City


def public_base() -> str:
    return (
        getattr(settings, "RIANRU_PUBLIC_URL", "")
        or getattr(settings, "RIANRU_LRS_HOMEPAGE", "https://rianru.org")
    ).rstrip("/")


def opportunity_activity_id(opportunity: Opportunity) -> str:
    """The canonical URL of an opportunity's page (Thai, the unprefixed language), its xAPI activity id."""
    with translation.override(settings.LANGUAGE_CODE):
        return public_base() + opportunity.get_absolute_url()


def opportunity_activity(opportunity: Opportunity) -> ResolvedActivity:
    names = {lang: getattr(opportunity, f"title_{lang}") for lang in ("th", "en")}
    definition = {"name": {lang: name for lang, name in names.items() if name}}
    if opportunity.kind == Opportunity.Kind.COURSE:
        definition["type"] = "http://adlnet.gov/expapi/activities/course"
    else:
        definition["type"] = "http://adlnet.gov/expapi/activities/meeting"
    return ResolvedActivity(iri=opportunity_activity_id(opportunity), definition=definition)


def resolve(city: City, reference: str) -> ResolvedActivity | None:
    rows = Opportunity.objects.filter(city=city).select_related("city")
    own = parse_own_id(reference, "opportunity")
    if own is not None:
        found = rows.filter(slug=own[1]).first() if own[0] == city.slug else None
    elif reference.startswith(public_base() + "/"):
        found = next(
            (
                row
                for row in rows.filter(slug=reference.rstrip("/").rsplit("/", 1)[-1])
                if opportunity_activity_id(row) == reference
            ),
            None,
        )
    else:
        found = rows.filter(external_id=reference).first() or rows.filter(slug=reference).first()
    return opportunity_activity(found) if found is not None else None
