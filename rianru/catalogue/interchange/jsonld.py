"""schema.org JSON-LD: the nodes of partners, spaces and opportunities (export and page embeds), and
the reader that turns such nodes back into records (import). The shape is in docs/catalogue-format.md.

Node ids are Rianru identifiers, `rianru:<city>:<space|opportunity|partner>:<slug>`; a row's
`identifier` is its external id, or its node id when it has none.
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from rianru.catalogue.interchange.records import (
    OpportunityRecord,
    ParsedFile,
    Problem,
    SessionRecord,
    SpaceRecord,
    ValueParser,
    duration_to_hours,
    hours_to_duration,
    own_id,
    parse_own_id,
)
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.core.errors import ValidationFailed

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


# --- Reading nodes --------------------------------------------------------------------------------


def _types(node: dict) -> list[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return [v.removeprefix(SCHEMA).removeprefix("schema:") for v in values if isinstance(v, str)]


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ref(value) -> str:
    """The id a property refers to: {"@id": …}, a node with an identifier, or a plain string."""
    value = _as_list(value)[0] if isinstance(value, list) and value else value
    if isinstance(value, dict):
        ref = value.get("@id") or value.get("identifier") or ""
        return ref if isinstance(ref, str) else ""
    return value if isinstance(value, str) else ""


def _bilingual(parser: ValueParser, record, field: str, value, *, required: bool = False) -> None:
    """A text in both languages from JSON-LD value objects; a plain string counts for both."""
    found = {"th": "", "en": ""}
    plain = ""
    for item in _as_list(value):
        if isinstance(item, dict):
            language = str(item.get("@language", ""))[:2].lower()
            text = parser.text(field + "_th", item.get("@value"))
            if language in found:
                found[language] = found[language] or text
            elif not language:
                plain = plain or text
        else:
            plain = plain or parser.text(field + "_th", item)
    for language in ("th", "en"):
        record.fields[f"{field}_{language}"] = found[language] or plain
    if required and not (record.fields[f"{field}_th"] or record.fields[f"{field}_en"]):
        record.problem(f"{field}_th", _("This field is required."))


def _identifier(node: dict, record, parser: ValueParser) -> None:
    value = node.get("identifier")
    if isinstance(value, dict):
        value = value.get("value")
    identifier = parser.text("identifier", value) or (
        node.get("@id") if isinstance(node.get("@id"), str) else ""
    )
    if not identifier:
        record.problem("identifier", _("A stable identifier is required (identifier or @id)."))
    record.identifier = identifier
    node_id = node.get("@id")
    record.node_id = node_id if isinstance(node_id, str) else identifier
    own = parse_own_id(record.node_id, "space" if isinstance(record, SpaceRecord) else "opportunity")
    record.slug = own[1] if own else ""


def _organisation(ref: str, organisations: dict[str, dict]) -> str:
    node = organisations.get(ref)
    if node is None:
        return ref
    identifier = node.get("identifier")
    return identifier if isinstance(identifier, str) and identifier else ref


SPACE_NAMES = {
    "identifier": "identifier", "name_th": "name", "name_en": "name", "description_th": "description",
    "description_en": "description", "address_th": "address", "address_en": "address",
    "opening_hours_th": "openingHours", "opening_hours_en": "openingHours", "latitude": "geo.latitude",
    "longitude": "geo.longitude", "facilities": "amenityFeature", "accessibility": "amenityFeature",
    "phone": "telephone", "website": "sameAs", "kind": "additionalProperty.rianru:kind",
    "owner": "additionalProperty.rianru:owner", "zone": "additionalProperty.rianru:zone",
    "community": "additionalProperty.rianru:community", "slug": "@id", "external_id": "identifier",
}  # fmt: skip


def _address(value):
    if isinstance(value, dict) and "@value" not in value:  # a PostalAddress
        parts = [value.get(k) for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")]
        return ", ".join(str(p) for p in parts if isinstance(p, str | int) and p)
    return value


def read_space(node: dict, index: int, *, time_zone, organisations) -> SpaceRecord:
    record = SpaceRecord(where={"index": index}, names=SPACE_NAMES)
    parser = ValueParser(record, time_zone)
    _identifier(node, record, parser)
    _bilingual(parser, record, "name", node.get("name"), required=True)
    _bilingual(parser, record, "description", node.get("description"))
    _bilingual(parser, record, "address", _address(node.get("address")))
    _bilingual(parser, record, "opening_hours", node.get("openingHours"))
    geo = node.get("geo") if isinstance(node.get("geo"), dict) else {}
    for name in ("latitude", "longitude"):
        if geo.get(name) in (None, ""):
            record.problem(name, _("This field is required."))
        record.fields[name] = parser.decimal(name, geo.get(name))
    record.fields["phone"] = parser.text("phone", node.get("telephone"))
    record.fields["website"] = parser.text("website", _ref(node.get("sameAs")))
    facilities, accessibility = [], []
    for feature in _as_list(node.get("amenityFeature")):
        if not isinstance(feature, dict) or feature.get("value") is False:
            continue
        group, _sep, code = str(feature.get("propertyID", "")).removeprefix("rianru:").partition(":")
        {"facility": facilities, "access": accessibility}.get(group, []).append(code)
    record.fields["facilities"], record.fields["accessibility"] = facilities, accessibility
    properties = {
        str(p.get("propertyID", "")): p.get("value")
        for p in _as_list(node.get("additionalProperty"))
        if isinstance(p, dict)
    }
    record.fields["kind"] = parser.choice("kind", properties.get("rianru:kind"), LearningSpace.Kind.values)
    record.owner = _organisation(
        parser.text("owner", properties.get("rianru:owner"), required=True), organisations
    )
    record.zone = parser.integer("zone", properties.get("rianru:zone"), minimum=1)
    record.community = parser.text("community", properties.get("rianru:community"))
    return record


OPPORTUNITY_NAMES = {
    "identifier": "identifier", "external_id": "identifier", "slug": "@id", "kind": "additionalType",
    "title_th": "name", "title_en": "name", "summary_th": "disambiguatingDescription",
    "summary_en": "disambiguatingDescription", "description_th": "description",
    "description_en": "description", "url": "sameAs", "provider": "provider", "language": "inLanguage",
    "price_thb": "offers.price", "registration_url": "offers.url",
    "has_certificate": "educationalCredentialAwarded", "hours": "timeRequired",
    "age_min": "audience.suggestedMinAge", "age_max": "audience.suggestedMaxAge",
    "life_stages": "audience.audienceType", "topics": "about", "sdg_goals": "about", "sdg_targets": "about",
    "kflc_features": "about", "mode": "courseMode",
}  # fmt: skip


def _mode(value) -> str:
    text = str(value or "").strip()
    for mode, iri in ATTENDANCE_MODES.items():
        if text.lower() == mode or text in (iri, iri.removeprefix(SCHEMA)):
            return mode
    return text.lower()


def _language(values: list) -> str | None:
    codes = {str(v).strip().lower().split("-")[0] for v in values if isinstance(v, str | dict)}
    codes = {c if c != "tts" else "isan" for c in codes}
    for choice, languages in LANGUAGES.items():
        if codes == {c if c != "tts" else "isan" for c in languages}:
            return choice
    return None


def _read_session(item, position: int, *, where, prefix: str, time_zone) -> SessionRecord | None:
    names = {
        "starts_at": f"{prefix}[{position}].startDate", "ends_at": f"{prefix}[{position}].endDate",
        "space": f"{prefix}[{position}].location", "place_th": f"{prefix}[{position}].location",
        "place_en": f"{prefix}[{position}].location", "online_url": f"{prefix}[{position}].location",
        "capacity": f"{prefix}[{position}].maximumAttendeeCapacity",
        "registration_opens_at": f"{prefix}[{position}].offers.availabilityStarts",
        "registration_closes_at": f"{prefix}[{position}].offers.availabilityEnds",
        "is_cancelled": f"{prefix}[{position}].eventStatus",
    }  # fmt: skip
    session = SessionRecord(where=where, names=names)
    if not isinstance(item, dict):
        session.problem("starts_at", _("Expected an object."))
        return session
    if item.get("startDate") is None and item.get("endDate") is None:
        return None  # an undated course instance only says how the course is followed
    parser = ValueParser(session, time_zone)
    session.fields["starts_at"] = parser.datetime("starts_at", item.get("startDate"), required=True)
    session.fields["ends_at"] = parser.datetime("ends_at", item.get("endDate"), required=True)
    session.fields["capacity"] = parser.integer("capacity", item.get("maximumAttendeeCapacity"), minimum=1)
    status = str(item.get("eventStatus") or "")
    session.fields["is_cancelled"] = status.removeprefix(SCHEMA) == "EventCancelled"
    offer = next((o for o in _as_list(item.get("offers")) if isinstance(o, dict)), {})
    session.fields["registration_opens_at"] = parser.datetime(
        "registration_opens_at", offer.get("availabilityStarts")
    )
    session.fields["registration_closes_at"] = parser.datetime(
        "registration_closes_at", offer.get("availabilityEnds")
    )
    session.fields.update(place_th="", place_en="", online_url="")
    for location in _as_list(item.get("location")):
        types = _types(location) if isinstance(location, dict) else []
        if isinstance(location, str) or (isinstance(location, dict) and location.get("@id")):
            session.space = _ref(location)
        elif "VirtualLocation" in types:
            session.fields["online_url"] = parser.text("online_url", location.get("url"))
        elif isinstance(location, dict):
            _bilingual(parser, session, "place", location.get("name"))
    return session


def read_opportunity(
    node: dict, index: int, types: list[str], *, time_zone, organisations
) -> OpportunityRecord:
    record = OpportunityRecord(where={"index": index}, names=dict(OPPORTUNITY_NAMES))
    parser = ValueParser(record, time_zone)
    course = "Course" in types
    _identifier(node, record, parser)
    kinds = COURSE_KINDS if course else (Opportunity.Kind.WORKSHOP, Opportunity.Kind.EVENT)
    record.fields["kind"] = parser.choice(
        "kind", node.get("additionalType"), [str(k) for k in kinds], default=kinds[0]
    )
    _bilingual(parser, record, "title", node.get("name"), required=True)
    _bilingual(parser, record, "summary", node.get("disambiguatingDescription"))
    _bilingual(parser, record, "description", node.get("description"))
    record.fields["url"] = parser.text("url", _ref(node.get("sameAs")))
    provider = node.get("provider") or node.get("organizer")
    record.names["provider"] = "provider" if course else "organizer"
    record.provider = _organisation(parser.text("provider", _ref(provider), required=True), organisations)
    languages = _as_list(node.get("inLanguage"))
    language = _language(languages) if languages else "th"
    if language is None:
        record.problem("language", _("Unsupported languages: use th, en, both, tts (Isan) or zh."))
    record.fields["language"] = language or "th"
    offer = next((o for o in _as_list(node.get("offers")) if isinstance(o, dict)), {})
    record.fields["price_thb"] = parser.decimal("price_thb", offer.get("price"), default=Decimal(0))
    record.fields["registration_url"] = parser.text("registration_url", offer.get("url"))
    record.fields["has_certificate"] = bool(node.get("educationalCredentialAwarded"))
    duration = parser.text("hours", node.get("timeRequired"))
    record.fields["hours"] = duration_to_hours(duration) if duration else None
    if duration and record.fields["hours"] is None:
        record.problem("hours", _("Expected an ISO 8601 duration, e.g. PT3H30M."))
    audience = node.get("audience") if isinstance(node.get("audience"), dict) else {}
    record.fields["age_min"] = parser.integer("age_min", audience.get("suggestedMinAge"))
    record.fields["age_max"] = parser.integer("age_max", audience.get("suggestedMaxAge"))
    record.relations = {"life_stages": parser.codes("life_stages", audience.get("audienceType"))}
    record.relations.update({name: [] for name in TERM_SETS})
    by_set = {iri: name for name, iri in TERM_SETS.items()}
    for term in _as_list(node.get("about")):
        if isinstance(term, dict) and (name := by_set.get(str(term.get("inDefinedTermSet", "")))):
            code = parser.text(name, term.get("termCode"))
            if name == "sdg_goals":
                code = parser.integer(name, code, minimum=1)
            if code not in (None, ""):
                record.relations[name].append(code)
    prefix = "hasCourseInstance" if course else "subEvent"
    items = _as_list(node.get(prefix))
    modes = [
        m
        for m in (
            _mode(i.get("courseMode") or i.get("eventAttendanceMode")) for i in items if isinstance(i, dict)
        )
        if m
    ]
    mode = _mode(node.get("eventAttendanceMode")) or (modes[0] if modes else "")
    default_mode = "online" if record.fields["kind"] == Opportunity.Kind.ONLINE_RESOURCE else "onsite"
    record.names["mode"] = "courseMode" if course else "eventAttendanceMode"
    record.fields["mode"] = parser.choice("mode", mode, Opportunity.Mode.values, default=default_mode)
    for position, item in enumerate(items):
        session = _read_session(item, position, where=record.where, prefix=prefix, time_zone=time_zone)
        if session is not None:
            record.sessions.append(session)
    return record


def read(text: str, *, time_zone: dt.tzinfo, max_records: int) -> tuple[ParsedFile, list[Problem]]:
    """Records of a JSON-LD document (an @graph, a list of nodes, or one node), and problems of nodes
    that are not records. A file that is not JSON-LD at all raises ValidationFailed."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValidationFailed(_("The file's JSON is nested too deeply."), code="malformed_file") from None
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            _("The file is not valid JSON (line %(line)s, column %(column)s): %(reason)s.")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            code="malformed_file",
        ) from None
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        nodes = document["@graph"]
    elif isinstance(document, dict) and "@type" in document:
        nodes = [document]
    elif isinstance(document, list):
        nodes = document
    else:
        raise ValidationFailed(
            _("The file is JSON but not a JSON-LD catalogue: expected an object with an @graph list."),
            code="malformed_file",
        )
    if len(nodes) > max_records:
        raise ValidationFailed(
            _("The file has %(count)s records; at most %(limit)s can be imported at once.")
            % {"count": len(nodes), "limit": max_records},
            code="too_many_records",
        )
    organisations = {
        node["@id"]: node
        for node in nodes
        if isinstance(node, dict) and "Organization" in _types(node) and isinstance(node.get("@id"), str)
    }
    parsed, problems = ParsedFile(), []
    for index, node in enumerate(nodes):
        types = _types(node) if isinstance(node, dict) else []
        if not isinstance(node, dict):
            problems.append(Problem({"index": index}, "@graph", _("Expected an object.")))
        elif "Organization" in types:
            continue  # partners are not imported; their nodes only name the providers
        elif "Place" in types:
            parsed.spaces.append(read_space(node, index, time_zone=time_zone, organisations=organisations))
        elif "Course" in types or "EducationEvent" in types:
            parsed.opportunities.append(
                read_opportunity(node, index, types, time_zone=time_zone, organisations=organisations)
            )
        else:
            message = _(
                "Unsupported @type %(type)s: use Place, Course or EducationEvent "
                "(Organization is read only for references)."
            )
            problems.append(
                Problem({"index": index}, "@type", message % {"type": json.dumps(node.get("@type"))})
            )
    return parsed, problems
