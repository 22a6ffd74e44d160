"""schema.org JSON-LD: the nodes of partners, spaces and opportunities (export and page embeds). The
reader that turns such nodes back into records (import) is `jsonld_read.py`. The shape is in
docs/catalogue-format.md.

Node ids are Rianru identifiers, `rianru:<city>:<space|opportunity|partner>:<slug>`; a row's
`identifier` is its external id, or its node id when it has none.
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils import translation

from rianru.catalogue.interchange.records import (
    hours_to_duration,
    own_id,
)
from rianru.catalogue.models import LearningSpace, Opportunity

CONTEXT = "https://schema.org"
SCHEMA = "https://schema.org/"
TOPICS_SET = "rianru:topics"
SDG_GOALS_SET = "https://sdgs.un.org/goals"
SDG_TARGETS_SET = "https://sdgs.un.org/goals#targets"
KFLC_SET = "https://www.uil.unesco.org/en/learning-cities#key-features"
TERM_SETS = {
    "topics": TOPICS_SET,
    "sdg_goals": SDG_GOALS_SET,
    "sdg_targets": SDG_TARGETS_SET,
    "kflc_features": KFLC_SET,
}
COURSE_KINDS = (Opportunity.Kind.COURSE, Opportunity.Kind.ONLINE_RESOURCE)
# Opportunity.language -> BCP 47 codes (Isan is ISO 639-3 "tts", Northeastern Thai).
LANGUAGES = {"th": ["th"], "en": ["en"], "th_en": ["th", "en"], "isan": ["tts"], "zh": ["zh"]}
ATTENDANCE_MODES = {
    "online": SCHEMA + "OnlineEventAttendanceMode",
    "onsite": SCHEMA + "OfflineEventAttendanceMode",
    "blended": SCHEMA + "MixedEventAttendanceMode",
}
CANCELLED = SCHEMA + "EventCancelled"
SCHEDULED = SCHEMA + "EventScheduled"
CERTIFICATE = {"@type": "EducationalOccupationalCredential", "credentialCategory": "certificate"}


# --- Building nodes -------------------------------------------------------------------------------


def texts(row, field: str) -> list[dict] | None:
    """Both languages of a bilingual field as JSON-LD value objects (empty ones left out)."""
    values = [
        {"@value": value, "@language": language}
        for language in ("th", "en")
        if (value := getattr(row, f"{field}_{language}", ""))
    ]
    return values or None


def compact(node: dict) -> dict:
    """Leave out properties without a value, so that nodes stay small and stable."""
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


def one_or_many(values: list):
    return values[0] if len(values) == 1 else values


def number(value: Decimal | None):
    """A decimal as a JSON number, without trailing zeros (16.430000 -> 16.43, 3.0 -> 3)."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def local_iso(value: dt.datetime | None, time_zone: dt.tzinfo) -> str | None:
    return value.astimezone(time_zone).isoformat() if value else None


def both_labels(choices) -> dict[str, list[dict]]:
    """{code: [Thai label, English label]} of a TextChoices class."""
    labels = {}
    for language in ("th", "en"):
        with translation.override(language):
            for code, label in choices.choices:
                labels.setdefault(code, []).append({"@value": str(label), "@language": language})
    return labels


def property_value(name: str, value) -> dict | None:
    if value in (None, ""):
        return None
    return {"@type": "PropertyValue", "propertyID": f"rianru:{name}", "value": value}


def partner_node(partner, *, city_slug: str) -> dict:
    node_id = own_id(city_slug, "partner", partner.slug)
    return compact({
        "@type": "Organization",
        "@id": node_id,
        "identifier": node_id,
        "name": texts(partner, "name"),
        "alternateName": partner.short_name_en,
        "description": texts(partner, "description"),
        "url": partner.website,
    })  # fmt: skip


def place_ref(space, *, city_slug: str, base_url: str = "", inline: bool = False) -> dict:
    """A reference to a space's Place node; `inline` adds its name, address and position (page embeds)."""
    node_id = own_id(city_slug, "space", space.slug)
    if not inline:
        return {"@id": node_id}
    return compact({
        "@type": "Place",
        "@id": node_id,
        "name": texts(space, "name"),
        "address": texts(space, "address"),
        "geo": {"@type": "GeoCoordinates", "latitude": number(space.latitude),
                "longitude": number(space.longitude)},
        "url": base_url + space.get_absolute_url(),
    })  # fmt: skip


def space_node(space, *, city_slug: str, base_url: str = "", labels: dict | None = None) -> dict:
    """The Place node of a learning space. `space.owner` (or at least owner slug) must be loaded."""
    labels = labels or {
        "facility": both_labels(LearningSpace.Facility),
        "access": both_labels(LearningSpace.Access),
    }
    node_id = own_id(city_slug, "space", space.slug)
    features = [
        {
            "@type": "LocationFeatureSpecification",
            "propertyID": f"rianru:{group}:{code}",
            "name": labels[group].get(code),
            "value": True,
        }
        for group, codes in (("facility", space.facilities), ("access", space.accessibility))
        for code in codes or ()
    ]
    properties = [
        property_value("kind", space.kind),
        property_value("owner", own_id(city_slug, "partner", space.owner.slug)),
        property_value("zone", space.zone.number if space.zone_id else None),
        property_value("community", space.community.slug if space.community_id else None),
    ]
    return compact({
        "@type": "Place",
        "@id": node_id,
        "identifier": space.external_id or node_id,
        "name": texts(space, "name"),
        "description": texts(space, "description"),
        "address": texts(space, "address"),
        "geo": {"@type": "GeoCoordinates", "latitude": number(space.latitude),
                "longitude": number(space.longitude)},
        "openingHours": texts(space, "opening_hours"),
        "amenityFeature": features,
        "telephone": space.phone,
        "sameAs": space.website,
        "url": base_url + space.get_absolute_url(),
        "additionalProperty": [p for p in properties if p],
    })  # fmt: skip


def _defined_terms(opportunity) -> list[dict]:
    terms = [
        {
            "@type": "DefinedTerm",
            "termCode": topic.slug,
            "name": texts(topic, "name"),
            "inDefinedTermSet": TOPICS_SET,
        }
        for topic in opportunity.topics.all()
    ]
    terms += [
        {
            "@type": "DefinedTerm",
            "termCode": str(goal.number),
            "name": texts(goal, "name"),
            "inDefinedTermSet": SDG_GOALS_SET,
            "url": f"https://sdgs.un.org/goals/goal{goal.number}",
        }
        for goal in opportunity.sdg_goals.all()
    ]
    terms += [
        {
            "@type": "DefinedTerm",
            "termCode": target.code,
            "name": texts(target, "name"),
            "inDefinedTermSet": SDG_TARGETS_SET,
            "url": f"https://sdgs.un.org/goals/goal{target.code.split('.')[0]}#targets",
        }
        for target in opportunity.sdg_targets.all()
    ]
    terms += [
        {"@type": "DefinedTerm", "termCode": item.code, "name": texts(item, "title"),
         "inDefinedTermSet": KFLC_SET}
        for item in opportunity.kflc_features.all()
    ]  # fmt: skip
    return [compact(term) for term in terms]


def _session_node(session, *, opportunity, course: bool, city_slug: str, time_zone, base_url, inline_places):
    locations = []
    if session.space_id:
        locations.append(
            place_ref(session.space, city_slug=city_slug, base_url=base_url, inline=inline_places)
        )
    if session.place_th or session.place_en:
        locations.append({"@type": "Place", "name": texts(session, "place")})
    if session.online_url:
        locations.append({"@type": "VirtualLocation", "url": session.online_url})
    registration = compact({
        "@type": "Offer",
        "availabilityStarts": local_iso(session.registration_opens_at, time_zone),
        "availabilityEnds": local_iso(session.registration_closes_at, time_zone),
    })  # fmt: skip
    return compact({
        "@type": "CourseInstance" if course else "EducationEvent",
        "startDate": local_iso(session.starts_at, time_zone),
        "endDate": local_iso(session.ends_at, time_zone),
        "courseMode": opportunity.mode if course else None,
        "eventAttendanceMode": ATTENDANCE_MODES[opportunity.mode],
        "eventStatus": CANCELLED if session.is_cancelled else SCHEDULED,
        "location": one_or_many(locations) if locations else None,
        "maximumAttendeeCapacity": session.capacity,
        "offers": registration if len(registration) > 1 else None,
    })  # fmt: skip


def opportunity_node(
    opportunity, *, city_slug: str, time_zone: dt.tzinfo, base_url: str = "", inline_places: bool = False
) -> dict:
    """The Course or EducationEvent node of an opportunity, its sessions as instances or sub-events.

    Its sessions (with their spaces), life stages, topics, goals, targets and features should be
    prefetched, and `provider` loaded.
    """
    course = opportunity.kind in COURSE_KINDS
    node_id = own_id(city_slug, "opportunity", opportunity.slug)
    sessions = [
        _session_node(
            session, opportunity=opportunity, course=course, city_slug=city_slug, time_zone=time_zone,
            base_url=base_url, inline_places=inline_places,
        )
        for session in opportunity.sessions.all()
    ]  # fmt: skip
    if course and not sessions:  # an instance without dates: available any time, in this mode
        sessions = [{"@type": "CourseInstance", "courseMode": opportunity.mode}]
    stages = [stage.code for stage in opportunity.life_stages.all()]
    audience = compact({
        "@type": "PeopleAudience",
        "suggestedMinAge": opportunity.age_min,
        "suggestedMaxAge": opportunity.age_max,
        "audienceType": stages,
    })  # fmt: skip
    languages = LANGUAGES.get(opportunity.language, [opportunity.language])
    dated = [s for s in sessions if "startDate" in s]
    return compact({
        "@type": "Course" if course else "EducationEvent",
        "@id": node_id,
        "identifier": opportunity.external_id or node_id,
        "additionalType": opportunity.kind,
        "name": texts(opportunity, "title"),
        "disambiguatingDescription": texts(opportunity, "summary"),
        "description": texts(opportunity, "description"),
        "url": base_url + opportunity.get_absolute_url(),
        "sameAs": opportunity.url,
        "provider" if course else "organizer": {
            "@id": own_id(city_slug, "partner", opportunity.provider.slug)
        },
        "inLanguage": one_or_many(languages),
        "isAccessibleForFree": opportunity.is_free,
        "offers": compact({
            "@type": "Offer", "price": str(number(opportunity.price_thb)), "priceCurrency": "THB",
            "url": opportunity.registration_url,
        }),
        "educationalCredentialAwarded": CERTIFICATE if opportunity.has_certificate else None,
        "timeRequired": hours_to_duration(opportunity.hours),
        "audience": audience if len(audience) > 1 else None,
        "about": _defined_terms(opportunity),
        "eventAttendanceMode": None if course else ATTENDANCE_MODES[opportunity.mode],
        "startDate": None if course or not dated else dated[0]["startDate"],
        "endDate": None if course or not dated else max(s["endDate"] for s in dated),
        "hasCourseInstance" if course else "subEvent": sessions,
    })  # fmt: skip


def graph(nodes: list[dict]) -> dict:
    return {"@context": CONTEXT, "@graph": nodes}


def script_json(document: dict) -> str:
    """JSON safe inside <script type="application/ld+json">: <, > and & escaped (as json_script does)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
