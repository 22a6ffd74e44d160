"""Reads of the LRS: statement queries with keyset paging, documents, activities, credentials."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.core import signing
from django.db.models import Count, Q
from django.utils import timezone

from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import (
    Activity,
    Attachment,
    Credential,
    Document,
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
    lead = None
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
    # Range and order on the lead index rows (one join: every condition in one filter call) or on the statement.
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


def document_get(*, credential: Credential, key: dict) -> Document | None:
    return Document.objects.filter(partner_id=credential.partner_id, **key).first()


def document_ids(*, credential: Credential, key: dict, since: datetime | None = None) -> list[str]:
    rows = Document.objects.filter(partner_id=credential.partner_id, **key)
    if since:
        rows = rows.filter(updated__gt=since)
    return list(rows.order_by("document_id").values_list("document_id", flat=True))


def credentials_for_partner(*, partner) -> list[Credential]:
    return list(Credential.objects.filter(partner=partner).order_by("-created_at"))


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


def agent_documents_count(*, city_id: int, agent_keys: set[str]) -> int:
    """How many State and Agent Profile documents of a city (any partner) belong to one of the agents."""
    return Document.objects.filter(
        city_id=city_id,
        kind__in=[Document.Kind.STATE, Document.Kind.AGENT_PROFILE],
        agent_key__in=sorted(set(agent_keys) - {""}),
    ).count()


# --- the statement browser (pages above the LRS) ----------------------------------------------------------


def statements_browse(
    *, reader: Reader, query: StatementQuery, limit: int = 50, before: tuple[datetime, int] | None = None
) -> tuple[list[Statement], bool]:
    """One page of a reader's statements, newest first, and whether there are more in that direction.

    Keyset paging on (stored, id) like the xAPI `more` links: `query.after` gives the page of older
    statements after that position, `before` the page of newer ones before it (read oldest first from
    the position, then turned round). The partner is selected with the row (one query)."""
    if before is not None:
        query.after, query.ascending = before, True
    else:
        query.ascending = False
    if len(query.activities) > 1 and not query.agent_key:
        rows = _merged_spellings(reader, query, limit + 1)
    else:
        rows = list(statements_filter(reader, query).select_related("partner")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if before is not None:
        rows.reverse()
    return rows, more


def _merged_spellings(reader: Reader, query: StatementQuery, count: int) -> list[Statement]:
    """Several spellings of one activity: the first `count` rows of each spelling (each an ordered walk of
    its index rows, like a single `activity` filter), merged. One sort of all matches would grow with the
    activity's statements; this stays at spellings × page size."""
    found: dict[int, Statement] = {}
    for key in query.activities:
        single = replace(query, activities=(key,), activity=key)
        for row in statements_filter(reader, single).select_related("partner")[:count]:
            found[row.pk] = row
    ordered = sorted(found.values(), key=lambda row: (row.stored, row.pk), reverse=not query.ascending)
    return ordered[:count]


def statement_for_reader(*, reader: Reader, statement_id) -> Statement | None:
    """One statement by id, voided or not, if the reader may read it (else None, as if it did not exist)."""
    return statements_visible(reader).select_related("partner").filter(statement_id=statement_id).first()


@dataclass
class VerbCount:
    verb_id: str
    statements: int
    actors: int


@dataclass
class Participation:
    """How many distinct actors did anything with an activity, and per verb how many statements and actors."""

    actors: int = 0
    statements: int = 0
    verbs: list[VerbCount] = field(default_factory=list)


def activity_participation(*, city_id: int, activity_ids: list[str]) -> Participation:
    """Aggregates of the city's statements whose object is one of `activity_ids` (spellings of one activity).

    Voided statements are left out; actors are counted by inverse functional identifier (an identified
    group counts once, an anonymous group not at all). Two queries that read only the partial index
    `lrs_statement_participation` (city, object activity, verb, actor; not voided): the cost grows with
    the statements about these activities, never with the store, and no statement row is read."""
    if not activity_ids:
        return Participation()
    rows = Statement.objects.filter(
        city_id=city_id, voided=False, **key_lookup("object_activity_id", tuple(sorted(set(activity_ids))))
    )
    actors = Count("actor_key", distinct=True, filter=~Q(actor_key=""))
    verbs = [
        VerbCount(verb_id=row["verb_id"], statements=row["statements"], actors=row["actors"])
        for row in rows.values("verb_id").annotate(statements=Count("*"), actors=actors).order_by("verb_id")
    ]
    if not verbs:
        return Participation()
    total = rows.aggregate(actors=actors)["actors"]
    verbs.sort(key=lambda verb: (-verb.actors, -verb.statements, verb.verb_id))
    return Participation(actors=total, statements=sum(verb.statements for verb in verbs), verbs=verbs)
