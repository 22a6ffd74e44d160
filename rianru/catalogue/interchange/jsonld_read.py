"""schema.org JSON-LD read back into records (the catalogue import): `read(text, ...)`. The nodes it
reads are those `jsonld.py` writes, and what a partner's own site publishes (docs/catalogue-format.md).
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils.translation import gettext as _

from rianru.catalogue.interchange.jsonld import ATTENDANCE_MODES, COURSE_KINDS, LANGUAGES, SCHEMA, TERM_SETS
from rianru.catalogue.interchange.records import (
    OpportunityRecord,
    ParsedFile,
    Problem,
    SessionRecord,
    SpaceRecord,
    ValueParser,
    duration_to_hours,
    parse_own_id,
)
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.core.errors import ValidationFailed


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
