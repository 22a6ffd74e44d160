"""Opportunities as xAPI activities: an opportunity's activity IRI is its canonical page URL.

Registered with the LRS (`rianru.lrs.hooks.register_activity_resolver`) so that a CSV upload may name an
opportunity by its Rianru id (`rianru:<city>:opportunity:<slug>`), its external id, its slug or its URL.
"""

from rianru.catalogue import activities
from rianru.catalogue.interchange.records import parse_own_id
from rianru.catalogue.models import Opportunity
from rianru.lrs.hooks import ResolvedActivity
from rianru.network.models import City


def opportunity_activity_id(opportunity: Opportunity) -> str:
    """The canonical URL of an opportunity's page (Thai, the unprefixed language), its xAPI activity id."""
    return activities.opportunity_activity_id(city_slug=opportunity.city.slug, slug=opportunity.slug)


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
    elif (parsed := activities.parse_opportunity_activity_id(reference)) is not None:
        found = rows.filter(slug=parsed[1]).first() if parsed[0] == city.slug else None
    else:
        found = rows.filter(external_id=reference).first() or rows.filter(slug=reference).first()
    return opportunity_activity(found) if found is not None else None
