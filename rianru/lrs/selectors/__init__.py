"""Reads of the LRS, by concern; every public name is importable from `rianru.lrs.selectors`.

- `statements`: xAPI statement queries (`StatementQuery`, keyset paging, `more` tokens), single statements,
  attachments, activities; statements by agent for the apps above (learner links, erasure).
- `documents`: State, Activity Profile and Agent Profile documents; an agent's documents count.
- `credentials`: a partner's credentials.
- `browse`: the statement browser for a `Reader`, one statement, an activity's participation.
- `forwarding`: each forwarding target's pending and refused statements.

`agent_key` and `actor_keys` (rianru.lrs.agents) are re-exported: the agent filters take keys in that form.
"""

from rianru.lrs.agents import actor_keys, agent_key
from rianru.lrs.selectors.browse import (
    Participation,
    VerbCount,
    activity_participation,
    statement_for_reader,
    statements_browse,
)
from rianru.lrs.selectors.credentials import credentials_for_partner
from rianru.lrs.selectors.documents import agent_documents_count, document_get, document_ids
from rianru.lrs.selectors.forwarding import Status, forwarding_status
from rianru.lrs.selectors.statements import (
    ACTOR_CHUNK,
    MAX_LIMIT,
    MORE_SALT,
    StatementQuery,
    activity_definitions,
    activity_get,
    as_reader,
    attachments_for,
    indexed,
    key_lookup,
    more_query,
    more_token,
    statement_get,
    statement_rows_by_id,
    statements_count,
    statements_filter,
    statements_mentioning,
    statements_of_actors,
    statements_page,
    statements_visible,
)

__all__ = [
    "ACTOR_CHUNK",
    "MAX_LIMIT",
    "MORE_SALT",
    "Participation",
    "StatementQuery",
    "Status",
    "VerbCount",
    "activity_definitions",
    "activity_get",
    "activity_participation",
    "actor_keys",
    "agent_documents_count",
    "agent_key",
    "as_reader",
    "attachments_for",
    "credentials_for_partner",
    "document_get",
    "document_ids",
    "forwarding_status",
    "indexed",
    "key_lookup",
    "more_query",
    "more_token",
    "statement_for_reader",
    "statement_get",
    "statement_rows_by_id",
    "statements_browse",
    "statements_count",
    "statements_filter",
    "statements_mentioning",
    "statements_of_actors",
    "statements_page",
    "statements_visible",
]
