"""Plain functions over xAPI statement data: agent identifiers, the agents and activities a statement
mentions, statement equality and the `ids`/`canonical` formats. No database, no HTTP."""

import copy
import re

from rianru.lrs.xapi.validation import agent_ifis


def agent_key(agent: dict) -> str:
    """The inverse functional identifier of an agent or identified group as one string ('' if none)."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox'].lower()}"
    if "mbox_sha1sum" in agent:
        return f"mbox_sha1sum:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']} {agent['account']['name']}"
    return ""


def actor_keys(actor: dict) -> set[str]:
    """An agent's key; for a group its own key (if identified) and its members' keys."""
    keys = {agent_key(actor)} - {""}
    if actor.get("objectType") == "Group":
        keys |= {agent_key(member) for member in actor.get("member", [])} - {""}
    return keys


def is_agent(value: dict) -> bool:
    return value.get("objectType") in ("Agent", "Group")


def statement_agents(statement: dict) -> tuple[set[str], set[str]]:
    """(direct, related): the keys of the actor and agent object; and of every agent anywhere."""
    direct = set(actor_keys(statement["actor"]))
    obj = statement["object"]
    if is_agent(obj):
        direct |= actor_keys(obj)
    related = set(direct)

    def add_context(body: dict) -> None:
        context = body.get("context", {})
        for key in ("instructor", "team"):
            if key in context:
                related.update(actor_keys(context[key]))
        for item in context.get("contextAgents", []):
            related.update(actor_keys(item["agent"]))
        for item in context.get("contextGroups", []):
            related.update(actor_keys(item["group"]))

    add_context(statement)
    if "authority" in statement:
        related.update(actor_keys(statement["authority"]))
    if obj.get("objectType") == "SubStatement":
        related.update(actor_keys(obj["actor"]))
        if is_agent(obj["object"]):
            related.update(actor_keys(obj["object"]))
        add_context(obj)
    return direct, related


def context_activity_list(value) -> list[dict]:
    return [value] if isinstance(value, dict) else list(value)


def statement_activities(statement: dict) -> tuple[set[str], set[str], list[dict]]:
    """(direct, related, activities): the object's activity id; every activity id; the activity objects."""
    objects: list[dict] = []

    def collect(body: dict) -> None:
        obj = body["object"]
        if obj.get("objectType", "Activity") == "Activity":
            objects.append(obj)
        for activities in body.get("context", {}).get("contextActivities", {}).values():
            objects.extend(context_activity_list(activities))

    collect(statement)
    obj = statement["object"]
    direct = {obj["id"]} if obj.get("objectType", "Activity") == "Activity" else set()
    if obj.get("objectType") == "SubStatement":
        collect(obj)
    return direct, {activity["id"] for activity in objects}, objects


COMPARISON_IGNORED = ("id", "authority", "stored", "version", "timestamp", "attachments")
DURATION_SECONDS_RE = re.compile(r"(\d+\.\d{2})\d*S$")


def normalize(statement: dict) -> dict:
    """Store context activities as arrays, as xAPI returns them (in the statement and a SubStatement)."""
    for body in (statement, statement.get("object", {})):
        context_activities = body.get("context", {}).get("contextActivities")
        if context_activities:
            for key, value in context_activities.items():
                if isinstance(value, dict):
                    context_activities[key] = [value]
    return statement


def truncated_duration(duration: str) -> str:
    """Durations compare to 0.01 s: 'PT0.1237S' and 'PT0.12S' are the same (xAPI 2.0, 4.2.7)."""
    return DURATION_SECONDS_RE.sub(r"\1S", duration)


def comparable(statement: dict, ignored=COMPARISON_IGNORED) -> dict:
    """The parts of a statement that decide whether two statements with one id are the same."""
    result = normalize(copy.deepcopy({key: value for key, value in statement.items() if key not in ignored}))
    for body in (result, result.get("object", {})):
        if isinstance(body.get("result"), dict) and isinstance(body["result"].get("duration"), str):
            body["result"]["duration"] = truncated_duration(body["result"]["duration"])
    return result


def same_statement(received: dict, stored: dict) -> bool:
    if comparable(received) != comparable(stored):
        return False
    return "timestamp" not in received or received["timestamp"] == stored.get("timestamp")


def ids_format(statement: dict) -> dict:
    """The `ids` format: agents and groups by their identifier only, activities and verbs by id."""
    result = copy.deepcopy(statement)

    def agent_ids(agent: dict) -> dict:
        reduced = {"objectType": agent.get("objectType", "Agent")}
        for ifi in agent_ifis(agent):
            reduced[ifi] = agent[ifi]
        if agent.get("objectType") == "Group" and not agent_ifis(agent):
            reduced["member"] = [agent_ids(member) for member in agent.get("member", [])]
        return reduced

    def reduce(body: dict) -> None:
        body["actor"] = agent_ids(body["actor"])
        body["verb"] = {"id": body["verb"]["id"]}
        obj = body["object"]
        object_type = obj.get("objectType", "Activity")
        if object_type == "Activity":
            body["object"] = {"id": obj["id"]}
        elif object_type in ("Agent", "Group"):
            body["object"] = agent_ids(obj)
        elif object_type == "SubStatement":
            reduce(obj)
        context = body.get("context", {})
        for key in ("instructor", "team"):
            if key in context:
                context[key] = agent_ids(context[key])
        for key, activities in context.get("contextActivities", {}).items():
            context["contextActivities"][key] = [
                {"id": activity["id"]} for activity in context_activity_list(activities)
            ]
        for item in context.get("contextAgents", []):
            item["agent"] = agent_ids(item["agent"])
        for item in context.get("contextGroups", []):
            item["group"] = agent_ids(item["group"])

    reduce(result)
    if "authority" in result:
        result["authority"] = agent_ids(result["authority"])
    return result


def one_language(language_map: dict, preferred: list[str]) -> dict:
    """Keep one entry of a language map: the first preferred language present, else the first entry."""
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for language in preferred:
        language = language.lower()
        if language in lowered:
            return {lowered[language]: language_map[lowered[language]]}
        for tag in lowered:
            if tag.split("-")[0] == language.split("-")[0] and language != "*":
                return {lowered[tag]: language_map[lowered[tag]]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def canonical_format(statement: dict, preferred: list[str], definitions: dict[str, dict]) -> dict:
    """The `canonical` format: canonical activity definitions, language maps reduced to one language."""
    result = copy.deepcopy(statement)

    def definition(activity: dict) -> None:
        known = definitions.get(activity["id"])
        if known:
            activity["definition"] = copy.deepcopy(known)
        found = activity.get("definition")
        if not found:
            return
        for key in ("name", "description"):
            if key in found:
                found[key] = one_language(found[key], preferred)
        for key in ("choices", "scale", "source", "target", "steps"):
            for component in found.get(key, []):
                if "description" in component:
                    component["description"] = one_language(component["description"], preferred)

    def reduce(body: dict) -> None:
        verb = body["verb"]
        if "display" in verb:
            verb["display"] = one_language(verb["display"], preferred)
        obj = body["object"]
        if obj.get("objectType", "Activity") == "Activity":
            definition(obj)
        elif obj.get("objectType") == "SubStatement":
            reduce(obj)
        for activities in body.get("context", {}).get("contextActivities", {}).values():
            for activity in context_activity_list(activities):
                definition(activity)
        for attachment in body.get("attachments", []):
            for key in ("display", "description"):
                if key in attachment:
                    attachment[key] = one_language(attachment[key], preferred)

    reduce(result)
    return result


MERGED_DEFINITION_KEYS = ("name", "description", "extensions")


def merge_definition(old: dict, new: dict) -> dict:
    """A canonical definition: the newer values win, language maps are merged."""
    merged = copy.deepcopy(old)
    for key, value in new.items():
        if key in MERGED_DEFINITION_KEYS and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def person(agent: dict) -> dict:
    """The Person object of the Agents resource for one agent."""
    result: dict = {"objectType": "Person"}
    if "name" in agent:
        result["name"] = [agent["name"]]
    for ifi in agent_ifis(agent):
        result[ifi] = [agent[ifi]]
    return result


def agents_replace(statement: dict, keys: set[str], replacement: dict) -> bool:
    """Replace, in place, every agent or group identified by one of `keys` anywhere in a statement (actor,
    agent object, group members, instructor, team, contextAgents, contextGroups, authority, the same inside
    a SubStatement) by `replacement` (an IFI, e.g. `{"account": {...}}`); their `name` goes too. A group
    keeps its members (each replaced if it is one of `keys`). Returns whether anything changed."""
    changed = False

    def replace(agent: dict) -> dict:
        nonlocal changed
        result = agent
        if agent_key(agent) in keys:
            result = {key: value for key, value in agent.items() if key == "objectType" or key == "member"}
            result.update(copy.deepcopy(replacement))
            changed = True
        if result.get("objectType") == "Group" and "member" in result:
            result["member"] = [replace(member) for member in result["member"]]
        return result

    def body_replace(body: dict) -> None:
        body["actor"] = replace(body["actor"])
        if is_agent(body["object"]):
            body["object"] = replace(body["object"])
        context = body.get("context", {})
        for key in ("instructor", "team"):
            if key in context:
                context[key] = replace(context[key])
        for item in context.get("contextAgents", []):
            item["agent"] = replace(item["agent"])
        for item in context.get("contextGroups", []):
            item["group"] = replace(item["group"])

    body_replace(statement)
    if "authority" in statement:
        statement["authority"] = replace(statement["authority"])
    if statement["object"].get("objectType") == "SubStatement":
        body_replace(statement["object"])
    return changed
