"""The statement validator, table-driven: each row is a change to a valid statement and the verdict."""

import copy

import pytest

from rianru.lrs.xapi.validation import Invalid, parse_timestamp, validate_agent_parameter, validate_statement

BASE = {
    "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
    "object": {"id": "http://example.org/activity"},
}


def changed(path: str, value):
    """BASE with the property at a dotted path set to value (or removed when value is DELETE)."""
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    if value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return data


DELETE = object()
AGENT = {"mbox": "mailto:a@example.org"}
GROUP = {"objectType": "Group", "member": [AGENT]}

VALID = [
    ("minimal", "actor.name", "Learner"),
    ("id", "id", "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"),
    ("upper-case id", "id", "9E13CEFD-53D3-4EAC-B5ED-2CF6693903BB"),
    ("mbox_sha1sum", "actor", {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
    ("openid", "actor", {"openid": "http://openid.example.org/12345"}),
    ("account", "actor", {"account": {"homePage": "http://example.org", "name": "1625378"}}),
    ("anonymous group", "actor", GROUP),
    ("identified group", "actor", {"objectType": "Group", "mbox": "mailto:team@example.org"}),
    ("agent object", "object", {"objectType": "Agent", "mbox": "mailto:b@example.org"}),
    ("statement ref", "object", {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}),
    (
        "substatement",
        "object",
        {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": {"id": "http://x.org/v"},
            "object": {"id": "http://x.org/a"},
        },
    ),
    ("score", "result", {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True}),
    ("duration", "result.duration", "PT1H30M0.12S"),
    ("duration weeks", "result.duration", "P2W"),
    ("timestamp Z", "timestamp", "2024-09-17T10:00:00.123Z"),
    ("timestamp offset", "timestamp", "2024-09-17T10:00:00+07:00"),
    ("context", "context", {"registration": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb", "language": "th-TH"}),
    (
        "context activities",
        "context.contextActivities",
        {"parent": {"id": "http://x.org/p"}, "grouping": [{"id": "http://x.org/g"}]},
    ),
    ("revision", "context.revision", "2"),
    ("extensions", "result.extensions", {"http://x.org/ext": {"any": ["thing"]}}),
    ("version", "version", "2.0.0"),
    ("version 1.0", "version", "1.0.3"),
    ("language map", "object.definition", {"name": {"th": "ทอผ้า", "zh-Hant-TW": "織布", "en-US": "Weaving"}}),
    (
        "choice interaction",
        "object.definition",
        {
            "interactionType": "choice",
            "correctResponsesPattern": ["a"],
            "choices": [{"id": "a", "description": {"en": "A"}}],
        },
    ),
    (
        "attachment",
        "attachments",
        [
            {
                "usageType": "http://x.org/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 3,
                "sha2": "a" * 64,
            }
        ],
    ),
    (
        "context agents",
        "context.contextAgents",
        [{"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["http://x.org/t"]}],
    ),
    ("context groups", "context.contextGroups", [{"objectType": "contextGroup", "group": GROUP}]),
]

INVALID = [
    ("missing actor", "actor", DELETE, "missing required property actor"),
    ("unknown property", "extra", 1, "unknown property extra"),
    ("bad id", "id", "not-a-uuid", "is not a UUID"),
    ("two IFIs", "actor", {"mbox": "mailto:a@x.org", "openid": "http://x.org"}, "exactly one"),
    ("no IFI", "actor", {"name": "Nobody"}, "exactly one"),
    ("mbox without mailto", "actor", {"mbox": "a@x.org"}, "mailto"),
    ("bad sha1", "actor", {"mbox_sha1sum": "xyz"}, "SHA-1"),
    ("account without homePage", "actor", {"account": {"name": "x"}}, "homePage"),
    ("anonymous group without members", "actor", {"objectType": "Group"}, "member"),
    ("group in group", "actor", {"objectType": "Group", "member": [GROUP]}, "unknown property member"),
    ("verb not IRI", "verb.id", "completed", "absolute IRI"),
    ("display not language map", "verb.display", {"not a tag!": "x"}, "RFC 5646"),
    ("display text not string", "verb.display", {"en": 1}, "must be a string"),
    ("object type unknown", "object.objectType", "Thing", "not an object type"),
    ("statement ref bad id", "object", {"objectType": "StatementRef", "id": "1"}, "UUID"),
    (
        "nested substatement",
        "object",
        {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": {"id": "http://x.org/v"},
            "object": {
                "objectType": "SubStatement",
                "actor": AGENT,
                "verb": {"id": "http://x.org/v"},
                "object": {"id": "http://x.org/a"},
            },
        },
        "another SubStatement",
    ),
    (
        "substatement with id",
        "object",
        {
            "objectType": "SubStatement",
            "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
            "actor": AGENT,
            "verb": {"id": "http://x.org/v"},
            "object": {"id": "http://x.org/a"},
        },
        "unknown property id",
    ),
    ("scaled out of range", "result.score", {"scaled": 1.5}, "between -1 and 1"),
    ("raw above max", "result.score", {"raw": 11, "max": 10}, "more than max"),
    ("min above max", "result.score", {"min": 5, "max": 1}, "less than max"),
    ("success as string", "result.success", "true", "true or false"),
    ("bad duration", "result.duration", "1 hour", "ISO 8601 duration"),
    ("timestamp without zone", "timestamp", "2024-09-17T10:00:00", "time zone"),
    ("timestamp with space", "timestamp", "2024-09-17 10:00:00Z", "ISO 8601"),
    ("timestamp -00:00", "timestamp", "2024-09-17T10:00:00-00:00", "-00:00"),
    ("revision with agent object", "object", {"objectType": "Agent", "mbox": "mailto:b@x.org"}, None),
    ("registration not uuid", "context.registration", "abc", "UUID"),
    ("team not group", "context.team", AGENT, "must be a Group"),
    ("context activity not activity", "context.contextActivities", {"parent": "http://x.org"}, "Activity"),
    (
        "unknown context activity key",
        "context.contextActivities",
        {"sibling": []},
        "unknown property sibling",
    ),
    ("extension key not IRI", "result.extensions", {"key": 1}, "absolute IRI"),
    ("version 3", "version", "3.0.0", "not a version"),
    ("choices without type", "object.definition", {"choices": []}, "needs an interactionType"),
    ("scale on choice", "object.definition", {"interactionType": "choice", "scale": []}, "not allowed"),
    (
        "unknown interaction type",
        "object.definition",
        {"interactionType": "essay"},
        "not an interaction type",
    ),
    (
        "attachment without sha2",
        "attachments",
        [{"usageType": "http://x.org/u", "display": {"en": "x"}, "contentType": "text/plain", "length": 3}],
        "sha2",
    ),
    ("voiding a non-ref", "verb.id", "http://adlnet.gov/expapi/verbs/voided", "StatementRef"),
    (
        "context agent wrong type",
        "context.contextAgents",
        [{"objectType": "Agent", "agent": AGENT}],
        "contextAgent",
    ),
    ("statement objectType", "objectType", "Statement", "no objectType"),
]


@pytest.mark.parametrize(("name", "path", "value"), VALID, ids=[row[0] for row in VALID])
def test_valid_statements_pass(name, path, value):
    assert validate_statement(changed(path, value), "2.0.0")


@pytest.mark.parametrize(("name", "path", "value", "message"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_statements_say_what_is_wrong(name, path, value, message):
    data = changed(path, value)
    if name == "revision with agent object":
        data["context"] = {"revision": "1"}
        message = "only allowed when the object is an Activity"
    with pytest.raises(Invalid) as error:
        validate_statement(data, "2.0.0")
    assert message in str(error.value)


def test_context_agents_are_2_0_only():
    data = changed("context.contextAgents", [{"objectType": "contextAgent", "agent": AGENT}])
    assert validate_statement(data, "2.0.0")
    with pytest.raises(Invalid, match="unknown property contextAgents"):
        validate_statement(data, "1.0.3")


def test_version_2_is_refused_under_1_0_3():
    with pytest.raises(Invalid, match="not a version"):
        validate_statement(changed("version", "2.0.0"), "1.0.3")


def test_agent_parameter():
    assert validate_agent_parameter({"objectType": "Agent", "mbox": "mailto:a@x.org"})
    with pytest.raises(Invalid):
        validate_agent_parameter({"objectType": "Group", "member": [AGENT]})
    with pytest.raises(Invalid):
        validate_agent_parameter(["not", "an", "agent"])


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-09-17T10:00:00Z", "2024-09-17T10:00:00+00:00"),
        ("2024-09-17T17:00:00+0700", "2024-09-17T10:00:00+00:00"),
        ("2024-09-17T17:00:00.123456789+07", "2024-09-17T10:00:00.123456+00:00"),
    ],
)
def test_parse_timestamp(text, iso):
    from datetime import UTC

    assert parse_timestamp(text).astimezone(UTC).isoformat() == iso
