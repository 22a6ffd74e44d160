"""The Statement resource: PUT, POST (single and batch), GET with filters and paging, voiding, formats."""

import json
from urllib.parse import parse_qs, urlparse

import pytest

from rianru.lrs.models import Statement
from rianru.lrs.tests.helpers import new_id, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_post_stores_and_returns_ids(xapi, credential):
    response = xapi.post_statements(statement())
    assert response.status_code == 200
    [statement_id] = response.json()
    row = Statement.objects.get(statement_id=statement_id)
    assert row.city == credential[0].city
    assert row.partner == credential[0].partner
    assert row.data["authority"]["account"]["name"] == credential[0].key
    assert row.data["version"] == "2.0.0"
    assert row.data["stored"] == row.data["timestamp"]
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert response["X-Experience-API-Consistent-Through"]


def test_put_stores_with_the_given_id(xapi):
    statement_id = new_id()
    assert xapi.put_statement(statement_id, statement()).status_code == 204
    response = xapi.get_statements({"statementId": statement_id})
    assert response.status_code == 200
    assert response.json()["id"] == statement_id
    assert response["Last-Modified"]


def test_put_needs_statement_id_and_matching_id(xapi):
    assert xapi.request("PUT", "statements", body=statement()).status_code == 400
    response = xapi.put_statement(new_id(), statement(id=new_id()))
    assert response.status_code == 400
    assert "differs" in response.json()["message"]


def test_a_stored_statement_is_immutable(xapi):
    statement_id = new_id()
    assert xapi.put_statement(statement_id, statement()).status_code == 204
    # the same statement again is accepted and changes nothing
    assert xapi.put_statement(statement_id, statement()).status_code == 204
    assert xapi.post_statements(statement(id=statement_id)).status_code == 200
    changed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert xapi.put_statement(statement_id, changed).status_code == 409
    assert xapi.post_statements(statement(id=statement_id, **{"verb": changed["verb"]})).status_code == 409
    assert Statement.objects.filter(statement_id=statement_id).count() == 1
    assert Statement.objects.get(statement_id=statement_id).verb_id.endswith("attended")


def test_a_batch_is_all_or_nothing(xapi):
    good = statement()
    bad = statement(actor={"name": "no identifier"})
    response = xapi.post_statements([good, bad])
    assert response.status_code == 400
    assert "statement [1]" in response.json()["message"]
    assert Statement.objects.count() == 0
    same_id = new_id()
    assert xapi.post_statements([statement(id=same_id), statement(id=same_id)]).status_code == 400
    assert Statement.objects.count() == 0
    assert len(xapi.post_statements([statement(), statement()]).json()) == 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), (json.dumps(statement()), "text/plain"), ("[]", "application/json")],
)
def test_bad_bodies_are_400(xapi, body, content_type):
    assert xapi.post_statements(body, content_type=content_type).status_code == 400


def test_get_filters(xapi):
    registration = new_id()
    other_agent = {"objectType": "Agent", "account": {"homePage": "https://moodle.example.org", "name": "42"}}
    a = xapi.post_statements(statement(context={"registration": registration})).json()[0]
    b = xapi.post_statements(
        statement(
            actor=other_agent,
            verb={"id": "http://adlnet.gov/expapi/verbs/completed"},
            object={"id": "https://rianru.org/pottery"},
            context={
                "instructor": {"mbox": "mailto:teacher@example.org"},
                "contextActivities": {"parent": {"id": "https://rianru.org/khon-kaen/opportunities/weaving"}},
            },
        )
    ).json()[0]

    def ids(**params):
        response = xapi.get_statements(params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["statements"]]

    assert ids() == [b, a]
    assert ids(agent=json.dumps(other_agent)) == [b]
    assert ids(agent=json.dumps({"mbox": "mailto:teacher@example.org"})) == []
    assert ids(agent=json.dumps({"mbox": "mailto:teacher@example.org"}), related_agents="true") == [b]
    assert ids(verb="http://adlnet.gov/expapi/verbs/completed") == [b]
    assert ids(activity="https://rianru.org/khon-kaen/opportunities/weaving") == [a]
    assert ids(activity="https://rianru.org/khon-kaen/opportunities/weaving", related_activities="true") == [
        b,
        a,
    ]
    assert ids(registration=registration) == [a]
    assert ids(ascending="true") == [a, b]
    stored_a = Statement.objects.get(statement_id=a).data["stored"]
    assert ids(since=stored_a) == [b] or ids(since=stored_a) == []  # same microsecond is possible
    assert a in ids(until=stored_a)


@pytest.mark.parametrize(
    "params",
    [
        {"agent": "not json"},
        {"agent": json.dumps({"name": "no ifi"})},
        {"verb": "not an iri"},
        {"registration": "x"},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"ascending": "yes"},
        {"format": "pretty"},
        {"unknown": "1"},
        {"statementId": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb", "verb": "http://x.org/v"},
        {
            "statementId": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
            "voidedStatementId": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
        },
    ],
)
def test_bad_get_parameters_are_400(xapi, params):
    response = xapi.get_statements(params)
    assert response.status_code == 400
    assert response.json()["message"]


@pytest.mark.parametrize("ascending", ["true", "false"])
def test_more_pages_stay_valid_while_statements_arrive(xapi, ascending):
    first = xapi.post_statements([statement() for _ in range(5)]).json()
    page = xapi.get_statements({"limit": 2, "ascending": ascending}).json()
    seen = [item["id"] for item in page["statements"]]
    xapi.post_statements([statement() for _ in range(3)])  # arrive while paging
    while page["more"]:
        url = urlparse(page["more"])
        assert url.path == "/xapi/statements"
        page = xapi.get_statements({"more": parse_qs(url.query)["more"][0]}).json()
        seen += [item["id"] for item in page["statements"]]
    assert sorted(seen) == sorted(first)
    assert xapi.get_statements({"more": "forged"}).status_code == 400


def test_voiding(xapi):
    target = xapi.post_statements(statement()).json()[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post_statements(voiding).json()[0]
    assert xapi.get_statements({"statementId": target}).status_code == 404
    assert xapi.get_statements({"voidedStatementId": target}).json()["id"] == target
    listed = [item["id"] for item in xapi.get_statements().json()["statements"]]
    assert listed == [voiding_id]
    # a voiding statement cannot be voided
    xapi.post_statements(
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    )
    assert xapi.get_statements({"statementId": voiding_id}).status_code == 200


def test_statement_refs_match_their_targets_filters(xapi):
    target = xapi.post_statements(statement(verb={"id": "http://x.org/verbs/liked"})).json()[0]
    ref = xapi.post_statements(
        statement(
            verb={"id": "http://x.org/verbs/shared"}, object={"objectType": "StatementRef", "id": target}
        )
    ).json()[0]
    listed = [
        item["id"] for item in xapi.get_statements({"verb": "http://x.org/verbs/liked"}).json()["statements"]
    ]
    assert listed == [ref, target]


def test_formats(xapi):
    statement_id = xapi.post_statements(statement()).json()[0]
    ids = xapi.get_statements({"statementId": statement_id, "format": "ids"}).json()
    assert ids["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert ids["object"] == {"id": "https://rianru.org/khon-kaen/opportunities/weaving"}
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:somsri@example.org"}
    canonical = xapi.get_statements(
        {"statementId": statement_id, "format": "canonical"}, headers={"Accept-Language": "th"}
    ).json()
    assert canonical["verb"]["display"] == {"th": "เข้าร่วม"}
    assert canonical["object"]["definition"]["name"] == {"th": "ทอผ้า"}
    exact = xapi.get_statements({"statementId": statement_id}, headers={"Accept-Language": "th"}).json()
    assert exact["verb"]["display"] == {"en-US": "attended", "th": "เข้าร่วม"}


def test_context_activities_come_back_as_arrays(xapi):
    data = statement(context={"contextActivities": {"parent": {"id": "http://x.org/parent"}}})
    statement_id = xapi.post_statements(data).json()[0]
    stored = xapi.get_statements({"statementId": statement_id}).json()
    assert stored["context"]["contextActivities"]["parent"] == [{"id": "http://x.org/parent"}]


def test_head_has_headers_and_no_body(xapi):
    statement_id = xapi.post_statements(statement()).json()[0]
    response = xapi.request("HEAD", "statements", params={"statementId": statement_id})
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Experience-API-Version"] == "2.0.0"


def test_version_1_0_3_statements(xapi103):
    statement_id = xapi103.post_statements(statement()).json()[0]
    response = xapi103.get_statements({"statementId": statement_id})
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response.json()["version"] == "1.0.0"
    context_agents = {"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:x@y.org"}}]}
    assert xapi103.post_statements(statement(context=context_agents)).status_code == 400


def test_context_agents_and_groups_are_related_agents(xapi):
    group = {
        "objectType": "Group",
        "mbox": "mailto:class@example.org",
        "member": [{"mbox": "mailto:m@example.org"}],
    }
    context = {
        "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:mentor@example.org"}}],
        "contextGroups": [
            {"objectType": "contextGroup", "group": group, "relevantTypes": ["http://x.org/class"]}
        ],
    }
    statement_id = xapi.post_statements(statement(context=context)).json()[0]
    for agent in ({"mbox": "mailto:mentor@example.org"}, {"mbox": "mailto:m@example.org"}):
        listed = xapi.get_statements({"agent": json.dumps(agent), "related_agents": "true"}).json()[
            "statements"
        ]
        assert [item["id"] for item in listed] == [statement_id]


def test_statement_refs_inherit_agent_registration_and_work_within_one_batch(xapi):
    registration = new_id()
    target = statement(
        id=new_id(), actor={"mbox": "mailto:target@example.org"}, context={"registration": registration}
    )
    ref = statement(id=new_id(), object={"objectType": "StatementRef", "id": target["id"]})
    xapi.post_statements([ref, target])  # the target comes later in the same batch

    def ids(**params):
        return [item["id"] for item in xapi.get_statements(params).json()["statements"]]

    assert set(ids(registration=registration)) == {target["id"], ref["id"]}
    assert set(ids(agent=json.dumps({"mbox": "mailto:target@example.org"}))) == {target["id"], ref["id"]}
    assert ids(agent=json.dumps({"mbox": "mailto:nobody@example.org"})) == []


@pytest.mark.parametrize("ascending", ["true", "false"])
def test_paging_a_filtered_query(xapi, ascending):
    mine = {"mbox": "mailto:pager@example.org"}
    expected = []
    for _ in range(3):  # three requests: three stored times
        expected += xapi.post_statements([statement(actor=mine), statement(actor=mine), statement()]).json()[
            :2
        ]
    params = {"agent": json.dumps(mine), "limit": 2, "ascending": ascending, "since": "2000-01-01T00:00:00Z"}
    page = xapi.get_statements(params).json()
    seen = [item["id"] for item in page["statements"]]
    while page["more"]:
        page = xapi.get_statements({"more": parse_qs(urlparse(page["more"]).query)["more"][0]}).json()
        seen += [item["id"] for item in page["statements"]]
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen)) == 6
    stored = [Statement.objects.get(statement_id=sid).stored for sid in seen]
    assert stored == sorted(stored, reverse=ascending == "false")


def test_statements_stored_is_sent_once_per_batch_with_only_the_new_statements(
    committed_db, xapi, credential
):
    from rianru.lrs.hooks import statements_stored

    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    statements_stored.connect(listener)
    try:
        first = statement(id=new_id())
        assert xapi.post_statements(first).status_code == 200
        second = statement(id=new_id())
        assert xapi.post_statements([first, second]).status_code == 200  # first is not new any more
        assert xapi.post_statements(statement(verb={"id": "bad"})).status_code == 400
    finally:
        statements_stored.disconnect(listener)
    assert [[s["id"] for s in h["statements"]] for h in heard] == [[first["id"]], [second["id"]]]
    assert {h["partner_id"] for h in heard} == {credential[0].partner_id}
    assert all(h["statements"][0]["authority"] for h in heard)
