"""The words for an xAPI statement, the same wherever a page shows one (the staff statement browser, the
learner's record): who (names, masked or full identifiers), the verb, the object, the result.

Learners' identifiers are personal data (PDPA): lists show a name if the statement gives one and a masked
identifier (`s***@example.org`); only the detail page of a statement shows them in full.

Languages: the current language (`django.utils.translation`). A verb reads as the statement's own `display`
in that language; else the name of a well-known ADL or cmi5 verb below, translated; else the statement's
display in any language (English first); else the last part of the verb's IRI.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rianru.lrs.xapi.validation import VOIDED_VERB as VOIDED_VERB  # re-exported: the voiding verb

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)

# --- verbs and language maps ----------------------------------------------------------------------------

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_CMI5 = "https://w3id.org/xapi/adl/verbs/"

KNOWN_VERBS = {
    ADL + "answered": gettext_lazy("answered"),
    ADL + "asked": gettext_lazy("asked"),
    ADL + "attempted": gettext_lazy("attempted"),
    ADL + "attended": gettext_lazy("attended"),
    ADL + "commented": gettext_lazy("commented"),
    ADL + "completed": gettext_lazy("completed"),
    ADL + "exited": gettext_lazy("exited"),
    ADL + "experienced": gettext_lazy("experienced"),
    ADL + "failed": gettext_lazy("failed"),
    ADL + "imported": gettext_lazy("imported"),
    ADL + "initialized": gettext_lazy("initialized"),
    ADL + "interacted": gettext_lazy("interacted"),
    ADL + "launched": gettext_lazy("launched"),
    ADL + "mastered": gettext_lazy("mastered"),
    ADL + "passed": gettext_lazy("passed"),
    ADL + "preferred": gettext_lazy("preferred"),
    ADL + "progressed": gettext_lazy("progressed"),
    ADL + "registered": gettext_lazy("registered"),
    ADL + "responded": gettext_lazy("responded"),
    ADL + "resumed": gettext_lazy("resumed"),
    ADL + "scored": gettext_lazy("scored"),
    ADL + "shared": gettext_lazy("shared"),
    ADL + "suspended": gettext_lazy("suspended"),
    ADL + "terminated": gettext_lazy("terminated"),
    ADL + "voided": gettext_lazy("voided"),
    ADL_CMI5 + "abandoned": gettext_lazy("abandoned"),
    ADL_CMI5 + "satisfied": gettext_lazy("satisfied"),
    ADL_CMI5 + "waived": gettext_lazy("waived"),
}


def pick_language(language_map: dict | None, language: str | None = None) -> str:
    """The entry of an xAPI language map for a language ('th' matches 'th-TH'); '' if there is none."""
    if not language_map:
        return ""
    language = (language or get_language() or "th").lower()[:2]
    for tag, text in language_map.items():
        if tag.lower() == language or tag.lower().startswith(language + "-"):
            return text
    return ""


def any_language(language_map: dict | None) -> str:
    """English first, then whatever the map has."""
    if not language_map:
        return ""
    return (
        pick_language(language_map, "en")
        or pick_language(language_map, "und")
        or next(iter(language_map.values()))
    )


def verb_label(verb_id: str, display: dict | None = None, language: str | None = None) -> str:
    """How a verb reads in the current language."""
    return (
        pick_language(display, language)
        or (str(KNOWN_VERBS[verb_id]) if verb_id in KNOWN_VERBS else "")
        or any_language(display)
        or verb_id.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        or verb_id
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


def score_text(score: dict | None) -> str:
    """A score as shown: scaled as a percentage (`85%`, `85.5%`), else raw out of max (`8/10`), else raw."""
    score = score or {}
    if "scaled" in score:
        return f"{_number(round(score['scaled'] * 100, 1))}%"
    if "raw" in score:
        raw = _number(score["raw"])
        return f"{raw}/{_number(score['max'])}" if "max" in score else raw
    return ""


def result_facts(result: dict | None) -> list[tuple[str, str]]:
    """(label, value) pairs of a statement's result, in the reader's language."""
    if not result:
        return []
    facts = []
    score = score_text(result.get("score"))
    if score:
        facts.append((_("Score"), score))
    if "success" in result:
        facts.append((_("Success"), _("Yes") if result["success"] else _("No")))
    if "completion" in result:
        facts.append((_("Completed"), _("Yes") if result["completion"] else _("No")))
    if "duration" in result:
        facts.append((_("Duration"), format_duration(result["duration"])))
    if result.get("response") not in (None, ""):
        facts.append((_("Response"), str(result["response"])[:200]))
    return facts


# --- objects ------------------------------------------------------------------------------------------


@dataclass
class ObjectView:
    kind: str  # activity, agent, statement, substatement
    label: str
    activity_id: str = ""
    statement_id: str = ""
    opportunity: object = None
    agent: AgentView | None = None


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
