"""How the statement browser shows an xAPI statement: readable rows, masked or full learner identifiers.

Learners' identifiers are personal data (PDPA). Lists show a name if the statement gives one and a
masked identifier (`s***@example.org`); only the detail page of a statement shows them in full, to the
users who may read that statement (docs/lrs.md, "Statement browser").
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from rianru.lrs.verbs import any_language, pick_language, verb_label

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"^(\d{1,17})-(\d{1,19})$")
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


# --- learner identifiers ------------------------------------------------------------------------------


def mask_text(text: str, keep: int = 1) -> str:
    """The first character(s) and three stars: `somchai` -> `s***`."""
    text = str(text)
    return (text[:keep] if len(text) > keep else "") + "***"


def mask_email(address: str) -> str:
    """`mailto:somsri@example.org` -> `s***@example.org` (the domain stays: it tells the organisation)."""
    address = address.removeprefix("mailto:")
    local, at, domain = address.rpartition("@")
    if not at:
        return mask_text(address)
    return f"{mask_text(local)}@{domain}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def agent_identifier(agent: dict, *, full: bool) -> str:
    """An agent's inverse functional identifier, full (detail page) or masked (lists); '' if it has none."""
    if "mbox" in agent:
        return agent["mbox"].removeprefix("mailto:") if full else mask_email(agent["mbox"])
    if "mbox_sha1sum" in agent:
        value = agent["mbox_sha1sum"]
        return _("e-mail hash %(hash)s") % {"hash": value if full else value[:8] + "…"}
    if "openid" in agent:
        return agent["openid"] if full else f"{_host(agent['openid'])}/***"
    if "account" in agent:
        account = agent["account"]
        name = account.get("name", "")
        home = account.get("homePage", "")
        return f"{name} @ {home}" if full else f"{mask_text(name)} @ {_host(home)}"
    return ""


def agent_filter_value(agent: dict) -> str:
    """What to type in the browser's learner filter to find this agent (see forms.parse_agent)."""
    if "mbox" in agent:
        return agent["mbox"].removeprefix("mailto:")
    if "mbox_sha1sum" in agent:
        return agent["mbox_sha1sum"]
    if "openid" in agent:
        return agent["openid"]
    if "account" in agent:
        return f"{agent['account'].get('homePage', '')} {agent['account'].get('name', '')}"
    return ""


@dataclass
class AgentView:
    name: str
    identifier: str
    is_group: bool = False
    members: int = 0
    filter_value: str = ""


def agent_view(agent: dict, *, full: bool) -> AgentView:
    is_group = agent.get("objectType") == "Group"
    name = agent.get("name", "")
    members = len(agent.get("member", [])) if is_group else 0
    if (
        is_group
        and not name
        and not any(key in agent for key in ("mbox", "mbox_sha1sum", "openid", "account"))
    ):
        name = _("A group of %(count)s") % {"count": members}
    return AgentView(
        name=name,
        identifier=agent_identifier(agent, full=full),
        is_group=is_group,
        members=members,
        filter_value=agent_filter_value(agent) if full else "",
    )


# --- results and durations ----------------------------------------------------------------------------


def format_duration(value: str) -> str:
    """ISO 8601 duration as h:mm:ss (days as hours); the text itself if it is not a simple one."""
    match = _DURATION.match(value or "")
    if not match or value in ("P", "PT"):
        return value or ""
    parts = {name: float(number or 0) for name, number in match.groupdict().items()}
    total = round(parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"])
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def result_facts(result: dict | None) -> list[tuple[str, str]]:
    """(label, value) pairs of a statement's result, in the reader's language."""
    if not result:
        return []
    facts = []
    score = result.get("score") or {}
    if "scaled" in score:
        facts.append((_("Score"), f"{_number(round(score['scaled'] * 100, 1))} %"))
    elif "raw" in score:
        raw = _number(score["raw"])
        facts.append((_("Score"), f"{raw} / {_number(score['max'])}" if "max" in score else raw))
    if "success" in result:
        facts.append((_("Success"), _("Yes") if result["success"] else _("No")))
    if "completion" in result:
        facts.append((_("Completed"), _("Yes") if result["completion"] else _("No")))
    if "duration" in result:
        facts.append((_("Duration"), format_duration(result["duration"])))
    if result.get("response") not in (None, ""):
        facts.append((_("Response"), str(result["response"])[:200]))
    return facts


# --- one statement ------------------------------------------------------------------------------------


@dataclass
class ObjectView:
    kind: str  # activity, agent, statement, substatement
    label: str
    activity_id: str = ""
    statement_id: str = ""
    opportunity: object = None
    agent: AgentView | None = None


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


def activity_name(activity: dict) -> str:
    definition = activity.get("definition") or {}
    return pick_language(definition.get("name")) or any_language(definition.get("name"))


def object_view(obj: dict, *, opportunities: dict, full: bool) -> ObjectView:
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        agent = agent_view(obj, full=full)
        return ObjectView(kind="agent", label=agent.name or agent.identifier, agent=agent)
    if kind == "StatementRef":
        return ObjectView(
            kind="statement", label=_("statement %(id)s") % {"id": obj["id"]}, statement_id=obj["id"]
        )
    if kind == "SubStatement":
        inner = object_view(obj["object"], opportunities=opportunities, full=full)
        label = _("%(actor)s %(verb)s %(object)s") % {
            "actor": agent_view(obj["actor"], full=full).name
            or agent_view(obj["actor"], full=full).identifier,
            "verb": verb_label(obj["verb"]["id"], obj["verb"].get("display")),
            "object": inner.label,
        }
        return ObjectView(kind="substatement", label=label)
    opportunity = opportunities.get(obj["id"])
    name = activity_name(obj) or (opportunity.title if opportunity is not None else "") or obj["id"]
    return ObjectView(kind="activity", label=name, activity_id=obj["id"], opportunity=opportunity)


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
