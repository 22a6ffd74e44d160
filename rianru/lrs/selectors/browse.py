"""Reads for the pages above the store: the statement browser (keyset pages both ways for a `Reader`, one
statement) and the participation in an activity (distinct actors and statements per verb)."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import Count, Q

from rianru.lrs.models import Statement
from rianru.lrs.permissions import Reader
from rianru.lrs.selectors.statements import StatementQuery, key_lookup, statements_filter, statements_visible


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
