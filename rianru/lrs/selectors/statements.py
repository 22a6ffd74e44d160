"""Reads of statements: xAPI queries with keyset paging and `more` tokens, single statements, attachments,
activities; statements by agent for the apps above the store (learner links, erasure)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import (
    Activity,
    Attachment,
    Credential,
    Statement,
    StatementIndex,
)
from rianru.lrs.permissions import Reader, reader_of_credential

MAX_LIMIT = 500
MORE_SALT = "rianru.lrs.more"


@dataclass
class StatementQuery:
    agent_key: str = ""
    verb: str = ""
    activity: str = ""
    registration: str = ""
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    # keyset cursor: (stored, pk) of the last row of the previous page
    after: tuple[datetime, int] | None = None
    extra: dict = field(default_factory=dict)
    # Any of these activity ids instead of `activity` (spellings of one activity: the statement browser's
    # opportunity filter). Not carried by `more` tokens: the xAPI filter takes one id.
    activities: tuple[str, ...] = ()


def as_reader(who: Credential | Reader) -> Reader:
    return who if isinstance(who, Reader) else reader_of_credential(who)


def statements_visible(who: Credential | Reader):
    """The statements a credential (by its scopes) or a reader (statement browser) may read."""
    reader = as_reader(who)
    rows = Statement.objects.filter(city_id=reader.city_id)
    if reader.partner_id is not None:
        rows = rows.filter(partner_id=reader.partner_id)
    return rows


def statement_get(*, credential: Credential, statement_id: str, voided: bool) -> Statement | None:
    """One statement by id: not voided (statementId), or voided (voidedStatementId)."""
    return statements_visible(credential).filter(statement_id=statement_id, voided=voided).first()


def indexed(credential: Credential | Reader, kind: str, key: str | tuple[str, ...]):
    return StatementIndex.objects.filter(city_id=credential.city_id, kind=kind, **key_lookup("key", key))


def key_lookup(name: str, key: str | tuple[str, ...]) -> dict:
    """`name = key`, or `name IN keys` for several."""
    if isinstance(key, tuple):
        return {name: key[0]} if len(key) == 1 else {f"{name}__in": key}
    return {name: key}


def statements_filter(credential: Credential | Reader, query: StatementQuery):
    """The statements a query asks for, newest first (or oldest first with `ascending`).

    With an `agent` or `activity` filter the query walks that filter's index rows in `stored` order (no
    sort of every match). A statement that refers to another (StatementRef) matches when the statement it
    refers to does (xAPI Data 2.5): it carries that statement's index rows (services.index_rows)."""
    Kind = StatementIndex.Kind
    credential = as_reader(credential)
    rows = statements_visible(credential).filter(voided=False)
    agent_kind = Kind.AGENT if query.related_agents else Kind.AGENT_DIRECT
    activity_kind = Kind.ACTIVITY if query.related_activities else Kind.ACTIVITY_DIRECT
    lead: tuple[str, str | tuple[str, ...]] | None = None
    activities = tuple(query.activities) or ((query.activity,) if query.activity else ())
    if query.agent_key:
        lead = (agent_kind, query.agent_key)
    elif activities:
        lead = (activity_kind, activities)
    if query.agent_key and activities:
        rows = rows.filter(pk__in=indexed(credential, activity_kind, activities).values("statement_id"))
    if query.verb:
        inherited = indexed(credential, Kind.VERB, query.verb).values("statement_id")
        rows = rows.filter(Q(verb_id=query.verb) | Q(pk__in=inherited))
    if query.registration:
        inherited = indexed(credential, Kind.REGISTRATION, query.registration).values("statement_id")
        rows = rows.filter(Q(registration=query.registration) | Q(pk__in=inherited))
    # Range and order on the lead index rows (one join: every condition in one filter call)
    # or on the statement.
    stored, pk = ("index_rows__stored", "index_rows__statement_id") if lead else ("stored", "pk")
    conditions = Q()
    if lead:
        kind, key = lead
        conditions &= Q(
            index_rows__city_id=credential.city_id,
            index_rows__kind=kind,
            **key_lookup("index_rows__key", key),
        )
    if query.since:
        conditions &= Q(**{f"{stored}__gt": query.since})
    if query.until:
        conditions &= Q(**{f"{stored}__lte": query.until})
    if query.after:
        at, last = query.after
        direction = "gt" if query.ascending else "lt"
        conditions &= Q(**{f"{stored}__{direction}": at}) | Q(**{stored: at, f"{pk}__{direction}": last})
    if conditions:
        rows = rows.filter(conditions)
    order = (stored, pk) if query.ascending else (f"-{stored}", f"-{pk}")
    return rows.order_by(*order)


def statements_page(*, credential: Credential, query: StatementQuery) -> tuple[list[Statement], str]:
    """One page of statements and the `more` token for the next page ('' when this is the last)."""
    limit = MAX_LIMIT if not query.limit or query.limit > MAX_LIMIT else query.limit
    if query.after is None and query.until is None:
        # Pin the result set: statements stored after the first page never appear on later pages.
        query.until = timezone.now()
    rows = list(
        statements_filter(credential, query).only("pk", "stored", "data", "has_attachments")[: limit + 1]
    )
    more = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        more = more_token(query, (last.stored, last.pk))
    return rows, more


def more_token(query: StatementQuery, after: tuple[datetime, int]) -> str:
    payload = {
        "agent_key": query.agent_key,
        "verb": query.verb,
        "activity": query.activity,
        "registration": query.registration,
        "related_activities": query.related_activities,
        "related_agents": query.related_agents,
        "since": query.since.isoformat() if query.since else None,
        "until": (query.until.isoformat() if query.until else None),
        "limit": query.limit,
        "ascending": query.ascending,
        "after": [after[0].isoformat(), after[1]],
        "extra": query.extra,
    }
    return signing.dumps(payload, salt=MORE_SALT, compress=True)


def more_query(token: str) -> StatementQuery:
    try:
        payload = signing.loads(token, salt=MORE_SALT)
    except signing.BadSignature as error:
        raise BadRequest("The more token is not valid.") from error
    since = datetime.fromisoformat(payload["since"]) if payload["since"] else None
    until = datetime.fromisoformat(payload["until"]) if payload["until"] else None
    after = (datetime.fromisoformat(payload["after"][0]), payload["after"][1])
    return StatementQuery(
        agent_key=payload["agent_key"],
        verb=payload["verb"],
        activity=payload["activity"],
        registration=payload["registration"],
        related_activities=payload["related_activities"],
        related_agents=payload["related_agents"],
        since=since,
        until=until,
        limit=payload["limit"],
        ascending=payload["ascending"],
        after=after,
        extra=payload["extra"],
    )


def attachments_for(*, credential: Credential, sha2s: set[str]) -> dict[str, Attachment]:
    if not sha2s:
        return {}
    return {
        row.sha2: row for row in Attachment.objects.filter(city_id=credential.city_id, sha2__in=sorted(sha2s))
    }


def activity_definitions(*, city_id: int, activity_ids: set[str]) -> dict[str, dict]:
    if not activity_ids:
        return {}
    rows = Activity.objects.filter(city_id=city_id, activity_id__in=sorted(activity_ids))
    return {row.activity_id: row.definition for row in rows if row.definition}


def activity_get(*, credential: Credential, activity_id: str) -> dict:
    row = Activity.objects.filter(city_id=credential.city_id, activity_id=activity_id).first()
    activity = {"objectType": "Activity", "id": activity_id}
    if row is not None and row.definition:
        activity["definition"] = row.definition
    return activity


def statements_count(*, partner) -> int:
    return Statement.objects.filter(partner=partner).count()


# --- statements by agent, for the apps above the store (learner links, erasure) -----------------------


def statement_rows_by_id(*, city_id: int, statement_ids: list[str]) -> dict[str, tuple[int, datetime]]:
    """(pk, stored) of stored statements of a city, by statement id (lower-case UUID text)."""
    if not statement_ids:
        return {}
    rows = Statement.objects.filter(city_id=city_id, statement_id__in=sorted(statement_ids))
    return {str(sid): (pk, stored) for pk, sid, stored in rows.values_list("pk", "statement_id", "stored")}


ACTOR_CHUNK = 1000


def statements_of_actors(*, city_id: int, agent_keys: set[str]) -> list[tuple[int, datetime]]:
    """(pk, stored) of every statement of a city, voided ones included, whose actor is one of the agents
    (`agents.agent_key` form) or a group with one of them as a member; oldest first.

    The `agent` filter's index rows (actor or agent object, and a StatementRef's target) find the
    candidates; the statements' own actor decides."""
    keys = sorted(set(agent_keys) - {""})
    if not keys:
        return []
    candidates = sorted(
        set(
            StatementIndex.objects.filter(
                city_id=city_id, kind=StatementIndex.Kind.AGENT_DIRECT, key__in=keys
            ).values_list("statement_id", flat=True)
        )
    )
    wanted = set(keys)
    found = []
    for start in range(0, len(candidates), ACTOR_CHUNK):
        chunk = candidates[start : start + ACTOR_CHUNK]
        for pk, stored, data in Statement.objects.filter(pk__in=chunk).values_list("pk", "stored", "data"):
            if xagents.actor_keys(data["actor"]) & wanted:
                found.append((pk, stored))
    found.sort(key=lambda row: (row[1], row[0]))
    return found


def statements_mentioning(*, city_id: int, agent_keys: set[str]) -> list[int]:
    """The pks of the statements of a city that mention one of the agents anywhere (the `related_agents`
    index rows: actor, object, instructor, team, contextAgents, contextGroups, SubStatement, authority,
    and a StatementRef's target), voided ones included."""
    keys = sorted(set(agent_keys) - {""})
    if not keys:
        return []
    rows = StatementIndex.objects.filter(city_id=city_id, kind=StatementIndex.Kind.AGENT, key__in=keys)
    return sorted(set(rows.values_list("statement_id", flat=True)))
