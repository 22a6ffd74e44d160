"""An independent client, ADL's TinCanPython (PyPI `tincan`, xAPI 1.0.x), against a live server.

It sends what real 1.0.x clients send: version 1.0.1, statements with its own serialisation, documents
without a precondition header; the LRS must understand it (and refuse what the specification refuses)."""

import datetime as dt
import uuid

import pytest

tincan = pytest.importorskip("tincan")

from rianru.lrs.tests.helpers import make_credential  # noqa: E402

WEAVING = "https://rianru.org/khon-kaen/opportunities/weaving"


@pytest.fixture
def lrs(committed_db, live_server):
    credential, secret = make_credential(xapi_version="1.0.3")
    return tincan.RemoteLRS(
        endpoint=f"{live_server.url}/xapi/", username=credential.key, password=secret, version="1.0.1"
    )


def test_statements_with_an_independent_client(lrs):
    actor = tincan.Agent(name="Somsri", mbox="mailto:somsri@example.org")
    completed = tincan.Verb(
        id="http://adlnet.gov/expapi/verbs/completed", display=tincan.LanguageMap({"en-US": "completed"})
    )
    weaving = tincan.Activity(
        id=WEAVING, definition=tincan.ActivityDefinition(name=tincan.LanguageMap({"th": "ทอผ้า"}))
    )
    statement = tincan.Statement(
        actor=actor,
        verb=completed,
        object=weaving,
        result=tincan.Result(
            score=tincan.Score(scaled=0.9), success=True, completion=True, duration=dt.timedelta(minutes=90)
        ),
        context=tincan.Context(registration=uuid.uuid4()),
        timestamp=dt.datetime.now(dt.UTC),
    )
    saved = lrs.save_statement(statement)
    assert saved.success, saved.data
    got = lrs.retrieve_statement(saved.content.id)
    assert got.success
    assert got.content.verb.id == completed.id
    assert got.content.object.definition.name["th"] == "ทอผ้า"
    assert got.content.result.duration == dt.timedelta(minutes=90)

    attended = tincan.Verb(id="http://adlnet.gov/expapi/verbs/attended")
    batch = lrs.save_statements(
        [tincan.Statement(actor=actor, verb=attended, object=weaving) for _ in range(3)]
    )
    assert batch.success, batch.data
    page = lrs.query_statements({"agent": actor, "limit": 2})
    assert page.success
    assert len(page.content.statements) == 2
    more = lrs.more_statements(page.content)
    assert more.success
    assert len(more.content.statements) == 2


def test_a_since_with_a_space_is_refused_not_a_500(lrs):
    # TinCanPython writes `since` as "2024-09-17 10:00:00+00:00": not the ISO 8601 form xAPI requires
    response = lrs.query_statements({"since": dt.datetime.now(dt.UTC) - dt.timedelta(days=1)})
    assert not response.success
    assert response.response.status == 400


def test_documents_with_an_independent_client(lrs):
    actor = tincan.Agent(mbox="mailto:somsri@example.org")
    activity = tincan.Activity(id=WEAVING)
    state = tincan.StateDocument(
        activity=activity,
        agent=actor,
        id="bookmark",
        content=bytearray(b'{"page": 1}'),
        content_type="application/json",
    )
    assert lrs.save_state(state).success
    got = lrs.retrieve_state(activity, actor, "bookmark")
    assert got.success
    assert bytes(got.content.content) == b'{"page": 1}'
    assert lrs.retrieve_state_ids(activity, actor).content == ["bookmark"]
    profile = tincan.AgentProfileDocument(
        agent=actor, id="prefs", content=bytearray(b"th"), content_type="text/plain"
    )
    # xAPI 1.0.3: a new profile is created with If-None-Match: * (the client sends no precondition)
    assert lrs.save_agent_profile(profile).response.status == 400
    assert lrs.delete_state(state).success
    assert lrs.retrieve_state_ids(activity, actor).content == []
