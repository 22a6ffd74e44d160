"""A strict validator of xAPI 1.0.3 and 2.0 statements, agents and parameters.

`validate_statement(data, version)` raises `Invalid` with a message naming the property at fault
(`statement.object.definition.name: ...`); it never changes the data. xAPI forbids properties it does
not define, so unknown keys are errors at every level. `version` is "1.0.3" or "2.0.0": 2.0 adds
`contextAgents` and `contextGroups` and requires a time zone in timestamps.
"""

import re
import uuid
from datetime import datetime

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MAILTO_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
# RFC 5646 language tags, the common forms: language[-script][-region][-variant]*[-extension]*[-privateuse]
LANGUAGE_TAG_RE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[xX](?:-[A-Za-z0-9]{1,8})+|i-[A-Za-z]{2,8}|[A-Za-z]{2,3}-[A-Za-z]{2,8})$"
)
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
DURATION_RE = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$|^P\d+(?:\.\d+)?W$"
)
VERSION_RE = {"1.0.3": re.compile(r"^1\.0(\.\d+)?$"), "2.0.0": re.compile(r"^(1\.0|2\.0)(\.\d+)?$")}
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
INTERACTION_TYPES = {
    "true-false": set(),
    "choice": {"choices"},
    "fill-in": set(),
    "long-fill-in": set(),
    "matching": {"source", "target"},
    "performance": {"steps"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "numeric": set(),
    "other": set(),
}
COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}


class Invalid(ValueError):
    """The data breaks a rule of the xAPI specification; the message says which and where."""


def fail(path: str, message: str):
    raise Invalid(f"{path}: {message}")


def check_object(value, path: str, *, allowed: set[str], required: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        fail(path, f"unknown propert{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}")
    missing = sorted(required - set(value))
    if missing:
        fail(path, f"missing required propert{'ies' if len(missing) > 1 else 'y'} {', '.join(missing)}")
    return value


def check_string(value, path: str) -> str:
    if not isinstance(value, str):
        fail(path, "must be a string")
    return value


def check_bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        fail(path, "must be true or false")
    return value


def check_number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "must be a number")
    return value


def check_iri(value, path: str) -> str:
    check_string(value, path)
    if not IRI_RE.match(value):
        fail(path, f"{value!r} is not an absolute IRI")
    return value


def check_uuid(value, path: str) -> str:
    check_string(value, path)
    if not UUID_RE.match(value):
        fail(path, f"{value!r} is not a UUID")
    return value


def is_language_tag(value) -> bool:
    return isinstance(value, str) and bool(LANGUAGE_TAG_RE.match(value))


def check_language_map(value, path: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be a language map (an object of RFC 5646 language tags)")
    for tag, text in value.items():
        if not is_language_tag(tag):
            fail(path, f"{tag!r} is not an RFC 5646 language tag")
        check_string(text, f"{path}.{tag}")
    return value


def check_extensions(value, path: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be an object whose keys are IRIs")
    for key in value:
        check_iri(key, f"{path} key")
    return value


def parse_timestamp(value: str, *, require_zone: bool = True) -> datetime:
    """An ISO 8601 date and time (xAPI's profile of it); raises ValueError."""
    match = TIMESTAMP_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError("not an ISO 8601 timestamp")
    zone = match.group(8)
    if require_zone and not zone:
        raise ValueError("a timestamp needs a time zone")
    if zone in ("-00", "-0000", "-00:00"):
        raise ValueError("the time zone -00:00 is not allowed")
    text = value
    if zone and zone != "Z" and len(zone) == 5 and ":" not in zone:
        text = value[: -len(zone)] + zone[:3] + ":" + zone[3:]
    elif zone and len(zone) == 3:
        text = value + ":00"
    if match.group(7) and len(match.group(7)) > 7:
        fraction = match.group(7)
        text = text.replace(fraction, fraction[:7], 1)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment


def check_timestamp(value, path: str, version: str) -> str:
    check_string(value, path)
    try:
        parse_timestamp(value, require_zone=True)
    except ValueError as error:
        fail(path, f"{value!r}: {error}")
    return value


def agent_ifis(value: dict) -> list[str]:
    return [ifi for ifi in ("mbox", "mbox_sha1sum", "openid", "account") if ifi in value]


def check_account(value, path: str) -> dict:
    check_object(value, path, allowed={"homePage", "name"}, required={"homePage", "name"})
    check_iri(value["homePage"], f"{path}.homePage")
    check_string(value["name"], f"{path}.name")
    return value


def check_ifis(value: dict, path: str) -> None:
    if "mbox" in value:
        check_string(value["mbox"], f"{path}.mbox")
        if not MAILTO_RE.match(value["mbox"]):
            fail(f"{path}.mbox", "must be a mailto: IRI of an email address")
    if "mbox_sha1sum" in value:
        check_string(value["mbox_sha1sum"], f"{path}.mbox_sha1sum")
        if not SHA1_RE.match(value["mbox_sha1sum"]):
            fail(f"{path}.mbox_sha1sum", "must be the hex SHA-1 of a mailto: IRI")
    if "openid" in value:
        check_iri(value["openid"], f"{path}.openid")
    if "account" in value:
        check_account(value["account"], f"{path}.account")


AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}


def check_agent(value, path: str, *, object_type_required: bool = False) -> dict:
    check_object(value, path, allowed=AGENT_KEYS)
    if object_type_required and "objectType" not in value:
        fail(path, "objectType is required")
    if "objectType" in value and value["objectType"] != "Agent":
        fail(f"{path}.objectType", "must be Agent")
    if "name" in value:
        check_string(value["name"], f"{path}.name")
    if len(agent_ifis(value)) != 1:
        fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")
    check_ifis(value, path)
    return value


def check_group(value, path: str, version: str) -> dict:
    check_object(value, path, allowed=AGENT_KEYS | {"member"}, required={"objectType"})
    if value["objectType"] != "Group":
        fail(f"{path}.objectType", "must be Group")
    if "name" in value:
        check_string(value["name"], f"{path}.name")
    ifis = agent_ifis(value)
    if len(ifis) > 1:
        fail(path, "a Group has at most one of mbox, mbox_sha1sum, openid, account")
    check_ifis(value, path)
    if not ifis and "member" not in value:
        fail(path, "an anonymous Group needs a member list")
    if "member" in value:
        members = value["member"]
        if not isinstance(members, list):
            fail(f"{path}.member", "must be an array of Agents")
        if not ifis and not members:
            fail(f"{path}.member", "an anonymous Group needs at least one member")
        for index, member in enumerate(members):
            check_agent(member, f"{path}.member[{index}]")
    return value


def check_actor(value, path: str, version: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be an Agent or a Group")
    if value.get("objectType") == "Group":
        return check_group(value, path, version)
    return check_agent(value, path)


def check_verb(value, path: str) -> dict:
    check_object(value, path, allowed={"id", "display"}, required={"id"})
    check_iri(value["id"], f"{path}.id")
    if "display" in value:
        check_language_map(value["display"], f"{path}.display")
    return value


def check_interaction_components(value, path: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be an array of interaction components")
    seen = set()
    for index, component in enumerate(value):
        item = f"{path}[{index}]"
        check_object(component, item, allowed={"id", "description"}, required={"id"})
        check_string(component["id"], f"{item}.id")
        if not component["id"].strip():
            fail(f"{item}.id", "must not be empty")
        if component["id"] in seen:
            fail(f"{item}.id", "ids of interaction components must be unique")
        seen.add(component["id"])
        if "description" in component:
            check_language_map(component["description"], f"{item}.description")


def check_definition(value, path: str) -> dict:
    allowed = {"name", "description", "type", "moreInfo", "extensions", "interactionType"}
    allowed |= {"correctResponsesPattern"} | COMPONENT_LISTS
    check_object(value, path, allowed=allowed)
    for key in ("name", "description"):
        if key in value:
            check_language_map(value[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            check_iri(value[key], f"{path}.{key}")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")
    interaction = value.get("interactionType")
    if "interactionType" in value:
        check_string(interaction, f"{path}.interactionType")
        if interaction not in INTERACTION_TYPES:
            fail(f"{path}.interactionType", f"{interaction!r} is not an interaction type of xAPI")
    if "correctResponsesPattern" in value:
        if "interactionType" not in value:
            fail(f"{path}.correctResponsesPattern", "needs an interactionType")
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list):
            fail(f"{path}.correctResponsesPattern", "must be an array of strings")
        for index, item in enumerate(pattern):
            check_string(item, f"{path}.correctResponsesPattern[{index}]")
    for key in COMPONENT_LISTS & set(value):
        if interaction is None:
            fail(f"{path}.{key}", "needs an interactionType")
        if key not in INTERACTION_TYPES[interaction]:
            fail(f"{path}.{key}", f"is not allowed for the interaction type {interaction!r}")
        check_interaction_components(value[key], f"{path}.{key}")
    return value


def check_activity(value, path: str) -> dict:
    check_object(value, path, allowed={"objectType", "id", "definition"}, required={"id"})
    if "objectType" in value and value["objectType"] != "Activity":
        fail(f"{path}.objectType", "must be Activity")
    check_iri(value["id"], f"{path}.id")
    if "definition" in value:
        check_definition(value["definition"], f"{path}.definition")
    return value


def check_statement_ref(value, path: str) -> dict:
    check_object(value, path, allowed={"objectType", "id"}, required={"objectType", "id"})
    if value["objectType"] != "StatementRef":
        fail(f"{path}.objectType", "must be StatementRef")
    check_uuid(value["id"], f"{path}.id")
    return value


def check_object_property(value, path: str, version: str, *, in_substatement: bool = False) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be an object")
    object_type = value.get("objectType", "Activity")
    if object_type == "Activity":
        return check_activity(value, path)
    if object_type == "Agent":
        return check_agent(value, path, object_type_required=True)
    if object_type == "Group":
        return check_group(value, path, version)
    if object_type == "StatementRef":
        return check_statement_ref(value, path)
    if object_type == "SubStatement":
        if in_substatement:
            fail(path, "a SubStatement cannot contain another SubStatement")
        return check_statement_body(value, path, version, substatement=True)
    fail(f"{path}.objectType", f"{object_type!r} is not an object type of xAPI")


def check_score(value, path: str) -> dict:
    check_object(value, path, allowed={"scaled", "raw", "min", "max"})
    for key in value:
        check_number(value[key], f"{path}.{key}")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        fail(f"{path}.scaled", "must be between -1 and 1")
    if "min" in value and "max" in value and value["min"] >= value["max"]:
        fail(path, "min must be less than max")
    if "raw" in value:
        if "min" in value and value["raw"] < value["min"]:
            fail(f"{path}.raw", "must not be less than min")
        if "max" in value and value["raw"] > value["max"]:
            fail(f"{path}.raw", "must not be more than max")
    return value


def check_result(value, path: str) -> dict:
    check_object(
        value, path, allowed={"score", "success", "completion", "response", "duration", "extensions"}
    )
    if "score" in value:
        check_score(value["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in value:
            check_bool(value[key], f"{path}.{key}")
    if "response" in value:
        check_string(value["response"], f"{path}.response")
    if "duration" in value:
        check_string(value["duration"], f"{path}.duration")
        if not DURATION_RE.match(value["duration"]):
            fail(f"{path}.duration", f"{value['duration']!r} is not an ISO 8601 duration")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")
    return value


def check_context_activities(value, path: str) -> dict:
    check_object(value, path, allowed={"parent", "grouping", "category", "other"})
    for key, activities in value.items():
        if isinstance(activities, dict):
            check_activity(activities, f"{path}.{key}")
        elif isinstance(activities, list):
            for index, activity in enumerate(activities):
                check_activity(activity, f"{path}.{key}[{index}]")
        else:
            fail(f"{path}.{key}", "must be an Activity or an array of Activities")
    return value


def check_relevant_types(value, path: str) -> None:
    if not isinstance(value, list) or not value:
        fail(path, "must be a non-empty array of IRIs")
    for index, item in enumerate(value):
        check_iri(item, f"{path}[{index}]")


def check_context_agents(value, path: str, version: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be an array of contextAgent objects")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        check_object(
            item, where, allowed={"objectType", "agent", "relevantTypes"}, required={"objectType", "agent"}
        )
        if item["objectType"] != "contextAgent":
            fail(f"{where}.objectType", "must be contextAgent")
        check_agent(item["agent"], f"{where}.agent")
        if "relevantTypes" in item:
            check_relevant_types(item["relevantTypes"], f"{where}.relevantTypes")


def check_context_groups(value, path: str, version: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be an array of contextGroup objects")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        check_object(
            item, where, allowed={"objectType", "group", "relevantTypes"}, required={"objectType", "group"}
        )
        if item["objectType"] != "contextGroup":
            fail(f"{where}.objectType", "must be contextGroup")
        check_group(item["group"], f"{where}.group", version)
        if "relevantTypes" in item:
            check_relevant_types(item["relevantTypes"], f"{where}.relevantTypes")


def check_context(value, path: str, version: str, object_value: dict) -> dict:
    allowed = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language"}
    allowed |= {"statement", "extensions"}
    if version.startswith("2"):
        allowed |= {"contextAgents", "contextGroups"}
    check_object(value, path, allowed=allowed)
    if "registration" in value:
        check_uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        check_actor(value["instructor"], f"{path}.instructor", version)
    if "team" in value:
        if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
            fail(f"{path}.team", "must be a Group")
        check_group(value["team"], f"{path}.team", version)
    if "contextActivities" in value:
        check_context_activities(value["contextActivities"], f"{path}.contextActivities")
    is_activity = object_value.get("objectType", "Activity") == "Activity"
    for key in ("revision", "platform"):
        if key in value:
            check_string(value[key], f"{path}.{key}")
            if not is_activity:
                fail(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in value and not is_language_tag(value["language"]):
        fail(f"{path}.language", "must be an RFC 5646 language tag")
    if "statement" in value:
        check_statement_ref(value["statement"], f"{path}.statement")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")
    if "contextAgents" in value:
        check_context_agents(value["contextAgents"], f"{path}.contextAgents", version)
    if "contextGroups" in value:
        check_context_groups(value["contextGroups"], f"{path}.contextGroups", version)
    return value


def check_attachments(value, path: str) -> list:
    if not isinstance(value, list):
        fail(path, "must be an array of attachments")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        check_object(
            item,
            where,
            allowed={"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
            required={"usageType", "display", "contentType", "length", "sha2"},
        )
        check_iri(item["usageType"], f"{where}.usageType")
        check_language_map(item["display"], f"{where}.display")
        if "description" in item:
            check_language_map(item["description"], f"{where}.description")
        check_string(item["contentType"], f"{where}.contentType")
        if not re.match(r"^[\w.+-]+/[\w.+-]+", item["contentType"]):
            fail(f"{where}.contentType", "must be an Internet media type")
        if isinstance(item["length"], bool) or not isinstance(item["length"], int) or item["length"] < 0:
            fail(f"{where}.length", "must be a non-negative integer")
        check_string(item["sha2"], f"{where}.sha2")
        if not SHA2_RE.match(item["sha2"]):
            fail(f"{where}.sha2", "must be a hex SHA-2 hash")
        if "fileUrl" in item:
            check_iri(item["fileUrl"], f"{where}.fileUrl")
    return value


def check_statement_body(value, path: str, version: str, *, substatement: bool) -> dict:
    allowed = {"actor", "verb", "object", "result", "context", "timestamp", "attachments"}
    if substatement:
        allowed |= {"objectType"}
    else:
        allowed |= {"id", "stored", "authority", "version", "objectType"}
    check_object(value, path, allowed=allowed, required={"actor", "verb", "object"})
    if not substatement and "objectType" in value:
        fail(f"{path}.objectType", "a Statement has no objectType")
    if "id" in value:
        check_uuid(value["id"], f"{path}.id")
    check_actor(value["actor"], f"{path}.actor", version)
    check_verb(value["verb"], f"{path}.verb")
    check_object_property(value["object"], f"{path}.object", version, in_substatement=substatement)
    voiding = value["verb"]["id"] == VOIDED_VERB and not substatement
    if voiding and value["object"].get("objectType") != "StatementRef":
        fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in value:
        check_result(value["result"], f"{path}.result")
    if "context" in value:
        check_context(value["context"], f"{path}.context", version, value["object"])
    if "timestamp" in value:
        check_timestamp(value["timestamp"], f"{path}.timestamp", version)
    if "stored" in value:
        check_timestamp(value["stored"], f"{path}.stored", version)
    if "authority" in value:
        check_authority(value["authority"], f"{path}.authority", version)
    if "version" in value:
        check_string(value["version"], f"{path}.version")
        if not VERSION_RE[version].match(value["version"]):
            fail(
                f"{path}.version",
                f"{value['version']!r} is not a version this LRS accepts for xAPI {version}",
            )
    if "attachments" in value:
        check_attachments(value["attachments"], f"{path}.attachments")
    return value


def check_authority(value, path: str, version: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be an Agent or a Group")
    if value.get("objectType") == "Group":
        check_group(value, path, version)
        if agent_ifis(value) or len(value.get("member", [])) != 2:
            fail(path, "an authority Group is an anonymous Group of two Agents (OAuth consumer and user)")
        return value
    return check_agent(value, path)


def validate_statement(data, version: str = "2.0.0") -> dict:
    """Check one statement as received; raise `Invalid` at the first rule it breaks."""
    if not isinstance(data, dict):
        raise Invalid("statement: must be a JSON object")
    return check_statement_body(data, "statement", version, substatement=False)


def validate_agent_parameter(data, path: str = "agent") -> dict:
    """The `agent` parameter of the document and agent resources: an Agent (or identified Group)."""
    if not isinstance(data, dict):
        fail(path, "must be a JSON Agent object")
    if data.get("objectType") == "Group":
        check_group(data, path, "2.0.0")
        if not agent_ifis(data):
            fail(path, "must identify an agent")
        return data
    return check_agent(data, path)


def normalize_uuid(value: str) -> str:
    return str(uuid.UUID(value))
