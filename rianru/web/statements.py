"""How the statement browser shows an xAPI statement: one row per statement, keyset paging positions.

The words (names, masked or full learner identifiers, verb, object, result) are `rianru.lrs.presentation`'s,
the same as the learner's record; only the detail page of a statement shows identifiers in full, to the
users who may read that statement (docs/lrs.md, "Statement browser").
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from rianru.lrs.presentation import AgentView, ObjectView, agent_view, object_view, result_facts, verb_label

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"^(\d{1,17})-(\d{1,19})$")


# --- one statement ------------------------------------------------------------------------------------


@dataclass
class StatementView:
    statement_id: str
    stored: dt.datetime
    voided: bool
    partner: object
    actor: AgentView
    verb_id: str
    verb: str
    object: ObjectView
    result: list[tuple[str, str]] = field(default_factory=list)
    registration: str = ""
    timestamp: str = ""
    cursor: str = ""


def cursor_of(row) -> str:
    """A position in the list (stored time in microseconds since 1970, row id) for keyset paging links."""
    return f"{(row.stored - EPOCH) // dt.timedelta(microseconds=1)}-{row.pk}"


def parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    match = _CURSOR.match(value or "")
    if match is None:
        return None
    try:
        return EPOCH + dt.timedelta(microseconds=int(match[1])), int(match[2])
    except OverflowError:
        return None


def statement_view(row, *, opportunities: dict, full: bool = False) -> StatementView:
    data = row.data
    verb = data["verb"]
    return StatementView(
        statement_id=str(row.statement_id),
        stored=row.stored,
        voided=row.voided,
        partner=row.partner,
        actor=agent_view(data["actor"], full=full),
        verb_id=verb["id"],
        verb=verb_label(verb["id"], verb.get("display")),
        object=object_view(data["object"], opportunities=opportunities, full=full),
        result=result_facts(data.get("result")),
        registration=(data.get("context") or {}).get("registration", ""),
        timestamp=data.get("timestamp", ""),
        cursor=cursor_of(row),
    )


def object_activity_ids(rows) -> set[str]:
    """The activity ids of the statements' objects (for linking them to opportunities in one query)."""
    ids = set()
    for row in rows:
        obj = row.data["object"]
        if obj.get("objectType", "Activity") == "Activity":
            ids.add(obj["id"])
    return ids
