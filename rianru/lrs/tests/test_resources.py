"""About, the version header, Activities, Agents and the 1.0.3 Alternate Request Syntax."""

import json
from urllib.parse import urlencode

from rianru.lrs.tests.helpers import lean_client, statement

AGENT = {"objectType": "Agent", "name": "Somsri", "mbox": "mailto:somsri@example.org"}


def test_about_needs_no_credentials(db):
    response = lean_client().get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]
    assert response["X-Experience-API-Version"]


def test_version_header_is_required_and_negotiated(xapi):
    xapi.version = ""
    response = xapi.get_statements()
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["message"]
    # the error answers in the credential's own version
    assert response["X-Experience-API-Version"] == "2.0.0"
    for sent, answered in (("1.0", "1.0.3"), ("1.0.1", "1.0.3"), ("2.0.0", "2.0.0"), ("2.0", "2.0.0")):
        xapi.version = sent
        assert xapi.get_statements()["X-Experience-API-Version"] == answered
    xapi.version = "0.95"
    assert xapi.get_statements().status_code == 400


def test_activities_resource_merges_definitions(xapi, django_capture_on_commit_callbacks):
    activity = "https://rianru.org/khon-kaen/opportunities/pottery"
    # canonical definitions are merged after the statements' transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        xapi.post_statements(statement(object={"id": activity, "definition": {"name": {"th": "ปั้นหม้อ"}}}))
    with django_capture_on_commit_callbacks(execute=True):
        xapi.post_statements(statement(object={"id": activity, "definition": {"name": {"en": "Pottery"}}}))
    response = xapi.request("GET", "activities", params={"activityId": activity})
    assert response.json() == {
        "objectType": "Activity",
        "id": activity,
        "definition": {"name": {"th": "ปั้นหม้อ", "en": "Pottery"}},
    }
    unknown = xapi.request("GET", "activities", params={"activityId": "http://x.org/unknown"})
    assert unknown.json() == {"objectType": "Activity", "id": "http://x.org/unknown"}
    assert xapi.request("GET", "activities").status_code == 400


def test_agents_resource_returns_a_person(xapi):
    response = xapi.request("GET", "agents", params={"agent": json.dumps(AGENT)})
    assert response.json() == {
        "objectType": "Person",
        "name": ["Somsri"],
        "mbox": ["mailto:somsri@example.org"],
    }
    assert xapi.request("GET", "agents").status_code == 400
    assert xapi.request("GET", "agents", params={"agent": json.dumps({"name": "x"})}).status_code == 400


def test_alternate_request_syntax_in_1_0_3(xapi103):
    form = {
        "Authorization": xapi103.auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "content": json.dumps(statement()),
    }
    client = lean_client()
    response = client.post(
        "/xapi/statements?method=PUT",
        data=urlencode({**form, "statementId": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204, response.content
    got = client.post(
        "/xapi/statements?method=GET",
        data=urlencode(
            {
                "Authorization": xapi103.auth,
                "X-Experience-API-Version": "1.0.3",
                "statementId": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert got.json()["id"] == "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"
    # extra query parameters are refused
    refused = client.post(
        "/xapi/statements?method=PUT&statementId=x",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 400


def test_no_alternate_request_syntax_in_2_0(xapi):
    form = {
        "Authorization": xapi.auth,
        "X-Experience-API-Version": "2.0.0",
        "content": json.dumps(statement()),
    }
    response = lean_client().post(
        "/xapi/statements?method=POST", data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Experience-API-Version": "2.0.0"},
    )  # fmt: skip
    assert response.status_code == 400


def test_wrong_method_is_405(xapi):
    assert xapi.request("DELETE", "statements").status_code == 405
    assert xapi.request("POST", "about").status_code == 405


def test_a_1_0_3_credential_hears_1_0_3_when_the_header_is_missing(db):
    from rianru.lrs.tests.helpers import XapiClient, make_credential

    credential, secret = make_credential(xapi_version="1.0.3")
    client = XapiClient(credential.key, secret, version="")
    response = client.get_statements()
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"
