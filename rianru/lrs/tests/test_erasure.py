"""agent_erase on its own (the LRS knows no learners): any agent, any identifier."""

import json

import pytest

from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import Statement
from rianru.lrs.services import agent_erase
from rianru.lrs.tests.helpers import statement

OPENID = {"objectType": "Agent", "name": "Nok", "openid": "https://id.example.org/nok"}
OTHER = {"objectType": "Agent", "name": "Dao", "mbox": "mailto:dao@example.org"}
PSEUDONYM = {"account": {"homePage": "https://rianru.org/x/erased/", "name": "abc"}}


def test_agents_replace_everywhere_and_keeps_groups():
    data = statement(
        actor={"objectType": "Group", "name": "Potters", "member": [OPENID, OTHER]},
        object={"objectType": "SubStatement", "actor": OPENID, "verb": {"id": "http://x.org/v"},
                "object": {"id": "http://x.org/a"}, "context": {"instructor": OPENID}},
        context={"team": {"objectType": "Group", "openid": "https://id.example.org/nok", "member": [OTHER]},
                 "contextAgents": [{"objectType": "contextAgent", "agent": OPENID}]},
    )  # fmt: skip
    assert xagents.agents_replace(data, {"openid:https://id.example.org/nok"}, PSEUDONYM)
    assert data["actor"] == {
        "objectType": "Group",
        "name": "Potters",
        "member": [{"objectType": "Agent", **PSEUDONYM}, OTHER],
    }
    assert data["object"]["actor"] == {"objectType": "Agent", **PSEUDONYM}
    assert data["object"]["context"]["instructor"] == {"objectType": "Agent", **PSEUDONYM}
    assert data["context"]["team"] == {"objectType": "Group", "member": [OTHER], **PSEUDONYM}
    assert data["context"]["contextAgents"][0]["agent"] == {"objectType": "Agent", **PSEUDONYM}
    assert "nok" not in json.dumps(data)
    assert not xagents.agents_replace(
        statement(actor=OTHER), {"openid:https://id.example.org/nok"}, PSEUDONYM
    )


def test_agent_erase_of_any_identifier(xapi, credential):
    cred, _secret = credential
    xapi.post_statements([statement(actor=OPENID), statement(actor=OTHER)])
    other_before = Statement.objects.get(actor_key="mbox:mailto:dao@example.org").data
    erasure = agent_erase(actor=None, city=cred.city, agents=[OPENID])
    assert erasure.statements == 1
    assert xapi.get_statements({"agent": json.dumps(OPENID)}).json()["statements"] == []
    assert len(xapi.get_statements({"agent": json.dumps(erasure.agent)}).json()["statements"]) == 1
    assert Statement.objects.get(actor_key="mbox:mailto:dao@example.org").data == other_before
    with pytest.raises(BadRequest):
        agent_erase(actor=None, city=cred.city, agents=[{"name": "no identifier"}])
