"""Writes of statements (insert-only) and of the activities they define.

Statement writes never take read-modify-write locks on shared rows: statements and their index rows are
inserted, new activities are inserted with ON CONFLICT DO NOTHING, and the canonical activity definitions
are merged after the statements' transaction has committed, one short autocommit update each.
"""

import contextlib
import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from rianru.core.errors import Conflict
from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest
from rianru.lrs.hooks import statements_stored
from rianru.lrs.models import Activity, Attachment, Credential, Statement, StatementIndex
from rianru.lrs.services.credentials import credential_authority
from rianru.lrs.xapi.validation import VOIDED_VERB


@dataclass
class AttachmentPart:
    content_type: str
    content: bytes


def statement_version(xapi_version: str) -> str:
    return "2.0.0" if xapi_version.startswith("2") else "1.0.0"


def statements_store(
    *,
    credential: Credential,
    statements: list[dict],
    xapi_version: str,
    attachments: dict[str, AttachmentPart] | None = None,
    statement_id: str | None = None,
) -> list[str]:
    """Store a batch of valid statements, all or nothing; return their ids in order.

    A statement whose id is already stored with the same content is accepted and not stored again;
    with different content the whole batch is refused (409). Rows are inserted with ON CONFLICT DO
    NOTHING, so concurrent writers never wait on each other except for the same statement id.
    """
    attachments = attachments or {}
    now = timezone.now()
    stored_text = now.isoformat(timespec="microseconds").replace("+00:00", "Z")
    ids: list[str] = []
    received: dict[str, bool] = {}  # id -> whether the statement came with its own timestamp
    for statement in statements:
        xagents.normalize(statement)
        if "id" in statement:
            statement["id"] = statement["id"].lower()
        elif statement_id:
            statement["id"] = statement_id.lower()
        else:
            statement["id"] = str(uuid.uuid4())
        ids.append(statement["id"])
        received[statement["id"]] = "timestamp" in statement
    if len(set(ids)) != len(ids):
        raise BadRequest("The batch uses one statement id more than once.")
    authority = credential_authority(credential)
    rows = []
    for statement in statements:
        statement["stored"] = stored_text
        statement.setdefault("timestamp", stored_text)
        statement["authority"] = authority
        statement.setdefault("version", statement_version(xapi_version))
        obj = statement["object"]
        object_type = obj.get("objectType", "Activity")
        rows.append(
            Statement(
                city_id=credential.city_id,
                partner_id=credential.partner_id,
                credential_id=credential.pk,
                statement_id=uuid.UUID(statement["id"]),
                data=statement,
                stored=now,
                voided=False,
                verb_id=statement["verb"]["id"],
                actor_key=xagents.agent_key(statement["actor"]),
                object_activity_id=obj["id"] if object_type == "Activity" else "",
                object_statement_id=uuid.UUID(obj["id"]) if object_type == "StatementRef" else None,
                registration=statement.get("context", {}).get("registration"),
                has_attachments=bool(statement.get("attachments")),
            )
        )
    activities: dict[str, dict] = {}
    for row in rows:
        for activity in xagents.statement_activities(row.data)[2]:
            merged = activities.setdefault(activity["id"], {})
            if activity.get("definition"):
                activities[activity["id"]] = xagents.merge_definition(merged, activity["definition"])
    define = lambda: activities_define(city_id=credential.city_id, activities=activities)  # noqa: E731
    plain = not any(row.object_statement_id or row.has_attachments for row in rows)
    if plain and connection.vendor == "postgresql":
        # One round trip: the statements and their index rows in one INSERT (a single statement needs
        # no transaction around it; a batch does, for all or nothing).
        with transaction.atomic() if len(rows) > 1 else contextlib.nullcontext():
            inserted = insert_statements_and_index(credential.city_id, rows)
            skipped = [row for row in rows if str(row.statement_id) not in inserted]
            if skipped:
                check_same_as_stored(credential, skipped, received)
            transaction.on_commit(define)
            announce_stored(credential, [row for row in rows if str(row.statement_id) in inserted])
        return ids
    with transaction.atomic():
        inserted = insert_statements(rows)
        skipped = [row for row in rows if str(row.statement_id) not in inserted]
        if skipped:
            check_same_as_stored(credential, skipped, received)
        new = [row for row in rows if str(row.statement_id) in inserted]
        for row in new:
            row.pk = inserted[str(row.statement_id)]
        StatementIndex.objects.bulk_create(index_rows(credential.city_id, new))
        sha2s = {
            a["sha2"] for row in new for a in row.data.get("attachments", []) if a["sha2"] in attachments
        }
        if sha2s:
            Attachment.objects.bulk_create(
                [
                    Attachment(
                        city_id=credential.city_id,
                        sha2=sha2,
                        content_type=attachments[sha2].content_type,
                        content=attachments[sha2].content,
                    )
                    for sha2 in sorted(sha2s)
                ],
                ignore_conflicts=True,
            )
        targets = sorted(str(row.object_statement_id) for row in new if row.verb_id == VOIDED_VERB)
        if targets:
            Statement.objects.filter(city_id=credential.city_id, statement_id__in=targets).exclude(
                verb_id=VOIDED_VERB
            ).update(voided=True)
        transaction.on_commit(define)
        announce_stored(credential, new)
    return ids


def announce_stored(credential: Credential, new: list[Statement]) -> None:
    """Send `statements_stored` once the transaction commits (only if someone listens)."""
    if not new or not statements_stored.has_listeners():
        return
    statements = [row.data for row in new]
    transaction.on_commit(
        lambda: statements_stored.send(
            sender=Statement,
            city_id=credential.city_id,
            partner_id=credential.partner_id,
            credential_id=credential.pk,
            statements=statements,
        )
    )


INSERT_CHUNK = 500


def insert_chunked(rows: list[Statement], chunk_sql) -> dict[str, int]:
    """INSERT statements INSERT_CHUNK rows at a time; the pks of the rows inserted, by statement id.

    `chunk_sql(chunk, columns, values)` gives the SQL of one chunk (its VALUES placeholders are `values`,
    one per statement, with the parameters of the statements' fields; it must return `id, statement_id`)
    and the parameters its SQL has after those."""
    fields = [field for field in Statement._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    uuid_field = Statement._meta.get_field("statement_id")
    inserted: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
        params = [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for row in chunk
            for field in fields
        ]
        sql, more_params = chunk_sql(chunk, columns, values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params + more_params)
            for pk, statement_id in cursor.fetchall():
                inserted[str(uuid_field.to_python(statement_id))] = pk
    return inserted


def insert_statements(rows: list[Statement]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the pks of the rows inserted, by statement id.

    Plain SQL rather than bulk_create: one multi-row VALUES statement on SQLite and PostgreSQL alike, that
    reports which ids were new (bulk_create with ignore_conflicts does not), and sends the JSON once per
    row (Django's UNNEST path for PostgreSQL quotes it again inside an array)."""
    table = connection.ops.quote_name(Statement._meta.db_table)

    def chunk_sql(chunk: list[Statement], columns: str, values: str) -> tuple[str, list]:
        # Table and column names come from the model; every value is a parameter.
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT (city_id, statement_id) DO NOTHING"  # noqa: S608
        )
        sql += " RETURNING id, statement_id"
        return sql, []

    return insert_chunked(rows, chunk_sql)


def insert_statements_and_index(city_id: int, rows: list[Statement]) -> dict[str, int]:
    """PostgreSQL: INSERT the statements and, in a data-modifying CTE of the same SQL statement, their
    index rows; return the pks of the statements inserted (those not already stored), by statement id."""
    quote = connection.ops.quote_name

    def chunk_sql(chunk: list[Statement], columns: str, values: str) -> tuple[str, list]:
        entries, entry_params = [], []
        for row in chunk:
            for kind, key in sorted(index_entries(row.data)):
                entries.append("(%s::uuid, %s, %s)")
                entry_params += [row.statement_id, kind, key]
        # Table and column names come from the models; every value is a parameter.
        sql = (
            f"WITH s AS (INSERT INTO {quote(Statement._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (city_id, statement_id) DO NOTHING RETURNING id, statement_id), "
            f"i AS (INSERT INTO {quote(StatementIndex._meta.db_table)} "
            "(statement_id, city_id, kind, key, stored) "
            f"SELECT s.id, {int(city_id)}, v.kind, v.key, %s FROM s "
            f"JOIN (VALUES {', '.join(entries)}) AS v(sid, kind, key) ON v.sid = s.statement_id) "
            "SELECT id, statement_id FROM s"
        )
        return sql, [chunk[0].stored, *entry_params]  # in the order of the placeholders after `values`

    return insert_chunked(rows, chunk_sql)


def index_entries(statement: dict) -> set[tuple[str, str]]:
    """(kind, key) of every agent and activity a statement mentions, and of its actor and object."""
    Kind = StatementIndex.Kind
    direct_agents, related_agents = xagents.statement_agents(statement)
    direct_activities, related_activities, _objects = xagents.statement_activities(statement)
    keys = {(Kind.AGENT.value, key) for key in related_agents}
    keys |= {(Kind.AGENT_DIRECT.value, key) for key in direct_agents}
    keys |= {(Kind.ACTIVITY.value, key) for key in related_activities}
    keys |= {(Kind.ACTIVITY_DIRECT.value, key) for key in direct_activities}
    return keys


def check_same_as_stored(credential: Credential, skipped: list[Statement], received: dict[str, bool]) -> None:
    """Statements whose id is already stored: accepted if they are the same statement, else 409."""
    stored = {
        str(row.statement_id): row.data
        for row in Statement.objects.filter(
            city_id=credential.city_id, statement_id__in=[row.statement_id for row in skipped]
        ).only("statement_id", "data")
    }
    for row in skipped:
        statement = row.data
        found = stored.get(str(row.statement_id))
        if found is None:
            continue  # stored in another city's space: never happens within one city (unique per city)
        check = (
            statement
            if received[statement["id"]]
            else {k: v for k, v in statement.items() if k != "timestamp"}
        )
        if not xagents.same_statement(check, found):
            raise Conflict(f"A different statement with the id {statement['id']} is already stored.")


def index_rows(city_id: int, rows: list[Statement]) -> list[StatementIndex]:
    """The index rows of new statements; a statement that refers to another also gets the target's rows."""
    Kind = StatementIndex.Kind
    result = []
    entries: dict[int, set[tuple[str, str]]] = {}
    for row in rows:
        entries[row.pk] = index_entries(row.data)
    referring = [row for row in rows if row.object_statement_id is not None]
    if referring:
        target_ids = {row.object_statement_id for row in referring}
        in_batch = {row.statement_id: row for row in rows if row.statement_id in target_ids}
        targets = {
            target.statement_id: (target.pk, target.verb_id, target.registration)
            for target in Statement.objects.filter(
                city_id=city_id, statement_id__in=sorted(target_ids - set(in_batch))
            ).only("pk", "statement_id", "verb_id", "registration")
        }
        targets.update({sid: (row.pk, row.verb_id, row.registration) for sid, row in in_batch.items()})
        inherited_pks = [pk for pk, _verb, _registration in targets.values() if pk not in entries]
        stored_entries: dict[int, set] = {}
        for pk, kind, key in StatementIndex.objects.filter(statement_id__in=inherited_pks).values_list(
            "statement_id", "kind", "key"
        ):
            stored_entries.setdefault(pk, set()).add((kind, key))
        for row in referring:
            target = targets.get(row.object_statement_id) if row.object_statement_id else None
            if target is None:
                continue
            pk, verb, registration = target
            extra = set(entries.get(pk, set()) | stored_entries.get(pk, set()))
            extra.add((Kind.VERB.value, verb))
            if registration:
                extra.add((Kind.REGISTRATION.value, str(uuid.UUID(str(registration)))))
            entries[row.pk] = entries[row.pk] | extra
    for row in rows:
        for kind, key in sorted(entries[row.pk]):
            result.append(
                StatementIndex(statement_id=row.pk, city_id=city_id, kind=kind, key=key, stored=row.stored)
            )
    return result


_defined: OrderedDict[tuple[int, str, str], None] = OrderedDict()
DEFINED_CACHE_SIZE = 20_000


def activities_define(*, city_id: int, activities: dict[str, dict]) -> None:
    """Insert unknown activities, then merge new definitions into the canonical ones (short, lock-free order).

    A process remembers the definitions it merged lately and skips them: most statements repeat the
    definition of an activity the LRS already knows."""
    fresh = {}
    for activity_id, definition in activities.items():
        marker = (city_id, activity_id, json.dumps(definition, sort_keys=True))
        if marker in _defined:
            _defined.move_to_end(marker)
            continue
        fresh[activity_id] = (definition, marker)
    if not fresh:
        return
    ordered = sorted(fresh)
    Activity.objects.bulk_create(
        [
            Activity(city_id=city_id, activity_id=activity_id, definition=fresh[activity_id][0])
            for activity_id in ordered
        ],
        ignore_conflicts=True,
    )
    for activity_id in ordered:
        if fresh[activity_id][0]:
            activity_merge(city_id=city_id, activity_id=activity_id, definition=fresh[activity_id][0])
    for activity_id in ordered:
        _defined[fresh[activity_id][1]] = None
    while len(_defined) > DEFINED_CACHE_SIZE:
        _defined.popitem(last=False)


def activity_merge(*, city_id: int, activity_id: str, definition: dict) -> None:
    """Merge a definition into the canonical one without losing a concurrent merge.

    PostgreSQL: one UPDATE computes the merge from the row it locks (autocommit: one row, one short
    lock, no deadlock). SQLite: read and write in one IMMEDIATE transaction (SQLite has one writer)."""
    if connection.vendor == "postgresql":
        merged_keys = sorted(set(definition) & set(xagents.MERGED_DEFINITION_KEYS))
        rest = {key: value for key, value in definition.items() if key not in merged_keys}
        expression = "definition || %s::jsonb"
        params: list = [json.dumps(rest)]
        for key in merged_keys:
            expression += " || jsonb_build_object(%s, coalesce(definition -> %s, '{}'::jsonb) || %s::jsonb)"
            params += [key, key, json.dumps(definition[key])]
        table = connection.ops.quote_name(Activity._meta.db_table)
        sql = f"UPDATE {table} SET definition = {expression} WHERE city_id = %s AND activity_id = %s"  # noqa: S608
        sql += f" AND definition IS DISTINCT FROM ({expression})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, city_id, activity_id, *params])
        return
    with transaction.atomic():
        row = Activity.objects.filter(city_id=city_id, activity_id=activity_id).first()
        if row is not None:
            merged = xagents.merge_definition(row.definition, definition)
            if merged != row.definition:
                Activity.objects.filter(pk=row.pk).update(definition=merged)
