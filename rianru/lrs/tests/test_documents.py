"""State, Activity Profile and Agent Profile: ETags, If-Match / If-None-Match, JSON merge, lists, deletes."""

import json

import pytest

from rianru.lrs.tests.helpers import XapiClient, make_credential, new_id

AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:somsri@example.org"})
ACTIVITY = "https://rianru.org/khon-kaen/opportunities/weaving"

RESOURCES = {
    "state": ("activities/state", "stateId", {"activityId": ACTIVITY, "agent": AGENT}),
    "activity profile": ("activities/profile", "profileId", {"activityId": ACTIVITY}),
    "agent profile": ("agents/profile", "profileId", {"agent": AGENT}),
}


@pytest.fixture(params=list(RESOURCES))
def resource(request):
    return RESOURCES[request.param]


def test_put_get_and_etag(xapi, resource):
    path, id_name, params = resource
    params = {**params, id_name: "progress"}
    response = xapi.request("PUT", path, params=params, body={"page": 3}, headers={"If-None-Match": "*"})
    assert response.status_code == 204
    got = xapi.request("GET", path, params=params)
    assert got.status_code == 200
    assert got.json() == {"page": 3}
    assert got["ETag"].startswith('"') and got["ETag"].endswith('"')
    assert got["Last-Modified"]
    # If-None-Match: * refuses to overwrite
    assert (
        xapi.request("PUT", path, params=params, body={"page": 4}, headers={"If-None-Match": "*"}).status_code
        == 412
    )
    # a wrong ETag is refused, the right one accepted
    assert (
        xapi.request("PUT", path, params=params, body={"page": 4}, headers={"If-Match": '"abc"'}).status_code
        == 412
    )
    assert xapi.request("GET", path, params=params).json() == {"page": 3}
    assert (
        xapi.request(
            "PUT", path, params=params, body={"page": 4}, headers={"If-Match": got["ETag"]}
        ).status_code
        == 204
    )
    assert xapi.request("GET", path, params=params).json() == {"page": 4}
    # without either header an existing document is not overwritten (xAPI 2.0: 409)
    response = xapi.request("PUT", path, params=params, body={"page": 5})
    assert response.status_code == 409
    assert response.json()["message"]


def test_post_merges_json_objects(xapi, resource):
    path, id_name, params = resource
    params = {**params, id_name: new_id()}
    assert xapi.request("POST", path, params=params, body={"a": 1, "b": {"x": 1}}).status_code == 204
    assert xapi.request("POST", path, params=params, body={"b": {"y": 2}, "c": 3}).status_code == 204
    assert xapi.request("GET", path, params=params).json() == {"a": 1, "b": {"y": 2}, "c": 3}
    # merging needs JSON on both sides
    text = xapi.request("POST", path, params=params, body="plain", content_type="text/plain")
    assert text.status_code == 400
    assert xapi.request("POST", path, params=params, body="[1, 2]").status_code == 400
    assert xapi.request("POST", path, params=params, body="{broken").status_code == 400
    assert xapi.request("GET", path, params=params).json() == {"a": 1, "b": {"y": 2}, "c": 3}


def test_binary_documents_keep_their_content_type(xapi, resource):
    path, id_name, params = resource
    params = {**params, id_name: "image"}
    body = bytes(range(256))
    response = xapi.request(
        "PUT", path, params=params, body=body, content_type="image/png", headers={"If-None-Match": "*"}
    )
    assert response.status_code == 204
    got = xapi.request("GET", path, params=params)
    assert got.content == body
    assert got["Content-Type"] == "image/png"


def test_lists_since_and_delete(xapi, resource):
    path, id_name, params = resource
    for document_id in ("one", "two"):
        xapi.request("POST", path, params={**params, id_name: document_id}, body={"n": document_id})
    assert xapi.request("GET", path, params=params).json() == ["one", "two"]
    assert xapi.request("GET", path, params={**params, "since": "2999-01-01T00:00:00Z"}).json() == []
    assert xapi.request("DELETE", path, params={**params, id_name: "one"}).status_code == 204
    assert xapi.request("GET", path, params={**params, id_name: "one"}).status_code == 404
    assert xapi.request("GET", path, params=params).json() == ["two"]


def test_delete_all_state_of_an_activity_and_agent(xapi):
    path, id_name, params = RESOURCES["state"]
    registration = new_id()
    xapi.request("POST", path, params={**params, id_name: "a"}, body={})
    xapi.request("POST", path, params={**params, id_name: "b", "registration": registration}, body={})
    assert xapi.request("DELETE", path, params={**params, "registration": registration}).status_code == 204
    assert xapi.request("GET", path, params=params).json() == ["a"]
    assert xapi.request("DELETE", path, params=params).status_code == 204
    assert xapi.request("GET", path, params=params).json() == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("activities/state", {"agent": AGENT, "stateId": "x"}),
        ("activities/state", {"activityId": ACTIVITY, "stateId": "x"}),
        ("activities/state", {"activityId": ACTIVITY, "agent": "{bad", "stateId": "x"}),
        ("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "x", "registration": "no"}),
        ("activities/state", {"activityId": "not an iri", "agent": AGENT, "stateId": "x"}),
        ("activities/profile", {"profileId": "x"}),
        ("agents/profile", {"profileId": "x"}),
        ("agents/profile", {"agent": AGENT, "profileId": "x", "extra": "1"}),
    ],
)
def test_bad_document_parameters_are_400(xapi, path, params):
    assert xapi.request("GET", path, params=params).status_code == 400
    assert xapi.request("POST", path, params=params, body={}).status_code == 400


def test_documents_belong_to_one_partner(xapi, resource):
    path, id_name, params = resource
    params = {**params, id_name: "secret"}
    xapi.request("POST", path, params=params, body={"mine": True})
    other, secret = make_credential()
    other_client = XapiClient(other.key, secret)
    assert other_client.request("GET", path, params=params).status_code == 404


def test_1_0_3_profiles_need_a_precondition(xapi103):
    params = {"activityId": ACTIVITY, "profileId": new_id()}
    assert xapi103.request("PUT", "activities/profile", params=params, body={"a": 1}).status_code == 400
    # state has no such rule in 1.0.3
    state = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}
    assert xapi103.request("PUT", "activities/state", params=state, body={"a": 1}).status_code == 204
    assert xapi103.request("PUT", "activities/state", params=state, body={"a": 2}).status_code == 204
