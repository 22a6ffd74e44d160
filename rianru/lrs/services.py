"""Writes of the LRS: credentials, statements (insert-only), documents.

Statement writes never take read-modify-write locks on shared rows: statements and their index rows are
inserted, new activities are inserted with ON CONFLICT DO NOTHING, and the canonical activity definitions
are merged after the statements' transaction has committed, one short autocommit update each.
"""

import contextlib
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rianru.core.errors import PermissionDenied
from rianru.core.models import audit
from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest, Conflict, DocumentNotFound, PreconditionFailed
from rianru.lrs.hooks import statements_stored
from rianru.lrs.models import (
    ALL_SCOPES,
    Activity,
    Attachment,
    Credential,
    Document,
    Statement,
    StatementIndex,
)
from rianru.lrs.permissions import can_manage_credentials
from rianru.lrs.xapi.validation import VOIDED_VERB
from rianru.network.models import City, Partner

# --- credentials -------------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    """Secrets are 256-bit random strings, so one SHA-256 round is enough (no dictionary to guess from)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_clean(scopes: list[str]) -> list[str]:
    chosen = set()
    for scope in scopes:
        if scope == "all":
            chosen.update(ALL_SCOPES)
        elif scope in ALL_SCOPES:
            chosen.add(scope)
        else:
            raise BadRequest(_("Unknown scope “%(scope)s”.") % {"scope": scope})
    if not chosen:
        raise BadRequest(_("Choose at least one scope."))
    return [scope for scope in ALL_SCOPES if scope in chosen]


def check_manage(actor, partner: Partner) -> None:
    if actor is not None and not can_manage_credentials(actor, partner):
        raise PermissionDenied(_("You may not manage the LRS credentials of this partner."))


def credential_create(
    *, actor, partner: Partner, scopes: list[str], name: str = "", xapi_version: str = "2.0.0"
) -> tuple[Credential, str]:
    """A new key and secret for a partner; the secret is returned once and only its hash is kept.

    `actor` None is the command line (an operator of the server)."""
    check_manage(actor, partner)
    secret = secrets.token_urlsafe(32)
    credential = Credential.objects.create(
        city_id=partner.city_id,
        partner=partner,
        name=name.strip()[:200],
        key=secrets.token_hex(12),
        secret_hash=hash_secret(secret),
        scopes=scopes_clean(scopes),
        xapi_version=xapi_version if xapi_version in ("1.0.3", "2.0.0") else "2.0.0",
    )
    audit(actor=actor, action="lrs.credential_create", target=credential, city_slug=partner.city.slug,
          partner=partner.slug, scopes=credential.scopes)  # fmt: skip
    return credential, secret


def credential_revoke(*, actor, credential: Credential) -> Credential:
    check_manage(actor, credential.partner)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at", "updated_at"])
        credential_forget(credential)
        audit(actor=actor, action="lrs.credential_revoke", target=credential, city_slug=credential.city.slug)
    return credential


def credential_rotate(*, actor, credential: Credential) -> tuple[Credential, str]:
    """A new secret for the same key (the statements' authority stays the same); the old one stops working."""
    check_manage(actor, credential.partner)
    if credential.revoked_at is not None:
        raise BadRequest(_("A revoked credential cannot be rotated."))
    secret = secrets.token_urlsafe(32)
    credential.secret_hash = hash_secret(secret)
    credential.save(update_fields=["secret_hash", "updated_at"])
    credential_forget(credential)
    audit(actor=actor, action="lrs.credential_rotate", target=credential, city_slug=credential.city.slug)
    return credential, secret


# Credentials recently checked by this process: key -> (credential, monotonic time). A revoked or rotated
# credential stops working at once in the process that changed it and within CREDENTIAL_CACHE_SECONDS in
# the others; the secret itself is checked against the hash on every request.
_credentials: dict[str, tuple[Credential, float]] = {}
CREDENTIAL_CACHE_SECONDS = 5.0


def credential_authenticate(*, key: str, secret: str) -> Credential | None:
    cached = _credentials.get(key)
    if cached is not None and time.monotonic() - cached[1] < CREDENTIAL_CACHE_SECONDS:
        credential = cached[0]
    else:
        credential = (
            Credential.objects.select_related("city", "partner")
            .filter(key=key, revoked_at__isnull=True)
            .first()
        )
        if credential is None:
            _credentials.pop(key, None)
            return None
        if len(_credentials) > 10_000:
            _credentials.clear()
        _credentials[key] = (credential, time.monotonic())
    if not hmac.compare_digest(credential.secret_hash, hash_secret(secret)):
        return None
    return credential


def credential_forget(credential: Credential) -> None:
    _credentials.pop(credential.key, None)


def credential_authority(credential: Credential) -> dict:
    """The Agent that stands for a credential in the `authority` of the statements it stores."""
    home = getattr(settings, "RIANRU_LRS_HOMEPAGE", "https://rianru.org")
    return {
        "objectType": "Agent",
        "name": credential.partner.name_en or credential.partner.name_th,
        "account": {
            "homePage": f"{home}/{credential.city.slug}/partners/{credential.partner.slug}/",
            "name": credential.key,
        },
    }


# --- statements ----------------------------------------------------------------------------------------


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


def insert_statements(rows: list[Statement]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the pks of the rows inserted, by statement id.

    Plain SQL rather than bulk_create: one multi-row VALUES statement on SQLite and PostgreSQL alike, that
    reports which ids were new (bulk_create with ignore_conflicts does not), and sends the JSON once per
    row (Django's UNNEST path for PostgreSQL quotes it again inside an array)."""
    fields = [field for field in Statement._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Statement._meta.db_table)
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
        # Table and column names come from the model; every value is a parameter.
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT (city_id, statement_id) DO NOTHING"  # noqa: S608
        )
        sql += " RETURNING id, statement_id"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for pk, statement_id in cursor.fetchall():
                inserted[str(uuid_field.to_python(statement_id))] = pk
    return inserted


def insert_statements_and_index(city_id: int, rows: list[Statement]) -> dict[str, int]:
    """PostgreSQL: INSERT the statements and, in a data-modifying CTE of the same SQL statement, their
    index rows; return the pks of the statements inserted (those not already stored), by statement id."""
    fields = [field for field in Statement._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    uuid_field = Statement._meta.get_field("statement_id")
    inserted: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        params = [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for row in chunk
            for field in fields
        ]
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
        entries, entry_params = [], []
        for row in chunk:
            for kind, key in sorted(index_entries(row.data)):
                entries.append("(%s::uuid, %s, %s)")
                entry_params += [row.statement_id, kind, key]
        params += [chunk[0].stored, *entry_params]  # in the order of the placeholders below
        # Table and column names come from the models; every value is a parameter.
        sql = (
            f"WITH s AS (INSERT INTO {quote(Statement._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (city_id, statement_id) DO NOTHING RETURNING id, statement_id), "
            f"i AS (INSERT INTO {quote(StatementIndex._meta.db_table)} (statement_id, city_id, kind, key, stored) "
            f"SELECT s.id, {int(city_id)}, v.kind, v.key, %s FROM s "
            f"JOIN (VALUES {', '.join(entries)}) AS v(sid, kind, key) ON v.sid = s.statement_id) "
            "SELECT id, statement_id FROM s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for pk, statement_id in cursor.fetchall():
                inserted[str(uuid_field.to_python(statement_id))] = pk
    return inserted


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
            target = targets.get(row.object_statement_id)
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


# --- documents -----------------------------------------------------------------------------------------


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - xAPI's ETag, not a security hash


def check_preconditions(
    document: Document | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = [tag.strip().strip('"') for tag in if_match.split(",")]
        if document is None or ("*" not in tags and document.etag not in tags):
            raise PreconditionFailed("If-Match does not match the document's current ETag.")
    if if_none_match is not None:
        tags = [tag.strip().strip('"') for tag in if_none_match.split(",")]
        if document is not None and ("*" in tags or document.etag in tags):
            raise PreconditionFailed("If-None-Match: the document already exists.")


def is_json_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def document_save(
    *,
    credential: Credential,
    key: dict,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
    refuse_unconditional_create: bool = False,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) one document. `key` names kind, activity, agent, registration, id."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update().filter(partner_id=credential.partner_id, **key).first()
        )
        check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
        if document is not None and require_precondition and if_match is None and if_none_match is None:
            raise Conflict(
                "The document exists: send If-Match with its ETag (or If-None-Match: *) to overwrite it."
            )
        if document is None and refuse_unconditional_create and if_match is None and if_none_match is None:
            raise BadRequest("xAPI 1.0.3 profiles are created with If-None-Match: * (or If-Match).")
        if merge and document is not None:
            if not (is_json_type(content_type) and is_json_type(document.content_type)):
                raise BadRequest(
                    "POST merges only JSON documents: both the stored and the sent document must be application/json."
                )
            try:
                old, new = json.loads(document.content), json.loads(content)
            except ValueError as error:
                raise BadRequest("The document is not valid JSON.") from error
            if not isinstance(old, dict) or not isinstance(new, dict):
                raise BadRequest("POST merges only JSON objects.")
            content = json.dumps({**old, **new}).encode()
            content_type = "application/json"
        elif merge and is_json_type(content_type):
            try:
                parsed = json.loads(content)
            except ValueError as error:
                raise BadRequest("The document is not valid JSON.") from error
            if not isinstance(parsed, dict):
                raise BadRequest("POST merges only JSON objects.")
        now = timezone.now()
        if document is None:
            document = Document.objects.create(
                city_id=credential.city_id,
                partner_id=credential.partner_id,
                content=content,
                content_type=content_type,
                etag=document_etag(content),
                updated=now,
                **key,
            )
        else:
            document.content, document.content_type = content, content_type
            document.etag, document.updated = document_etag(content), now
            document.save(update_fields=["content", "content_type", "etag", "updated"])
    return document


def documents_delete(
    *, credential: Credential, key: dict, if_match: str | None = None, if_none_match: str | None = None
) -> int:
    """Delete one document (key with document_id) or every document under the key (State without stateId)."""
    with transaction.atomic():
        documents = Document.objects.filter(partner_id=credential.partner_id, **key)
        if "document_id" in key:
            document = documents.select_for_update().first()
            check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
            if document is None:
                if if_match is None:
                    return 0
                raise DocumentNotFound("No such document.")
        return documents.delete()[0]


# --- erasure (PDPA) ------------------------------------------------------------------------------------

ERASURE_SALT = "rianru.lrs.erasure"
ERASURE_CHUNK = 500
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


@dataclass
class Erasure:
    """What `agent_erase` did: the pseudonymous agent that replaced the erased one, and counts."""

    agent: dict
    statements: int = 0
    documents: int = 0
    attachments: int = 0


def erasure_agent(*, city: City, agents: list[dict]) -> dict:
    """The pseudonymous Agent that stands for an erased person in the statements of a city.

    Its account name is a keyed hash (HMAC-SHA-256 with the server's SECRET_KEY) of the city and the first
    agent's identifier: the same person erased again gets the same pseudonym, nobody without the key can
    tell whose it is, and every identifier of the person maps to one pseudonym (counts of distinct learners
    stay right)."""
    home = getattr(settings, "RIANRU_LRS_HOMEPAGE", "https://rianru.org")
    message = f"{city.pk}:{xagents.agent_key(agents[0])}"
    name = salted_hmac(ERASURE_SALT, message, algorithm="sha256").hexdigest()[:40]
    return {"objectType": "Agent", "account": {"homePage": f"{home}/{city.slug}/erased/", "name": name}}


def agent_erase(*, actor, city: City, agents: list[dict]) -> Erasure:
    """Erase one person (all of `agents` are their identifiers) from the statements and documents of a city.

    In one transaction: every mention of the agents in a statement (actor, object, group members,
    instructor, team, contextAgents, contextGroups, SubStatement, authority) is replaced by one
    pseudonymous account (`erasure_agent`) and the agent's `name` removed; the index rows and the actor
    column follow, so the `agent` filter with an old identifier finds nothing and the pseudonym finds the
    statements. Statement ids, verbs, objects, results and times stay (counts and aggregates are kept).
    The content of the person's own attachments and of the signatures of changed statements is deleted
    unless another statement uses it. The State and Agent Profile documents of the agents are deleted,
    whichever partner wrote them. `actor` None is the command line or a service that checked permissions.
    """
    keys = {xagents.agent_key(agent) for agent in agents} - {""}
    if not keys:
        raise BadRequest(_("Name at least one agent identifier (mbox, mbox_sha1sum, openid or account)."))
    replacement = erasure_agent(city=city, agents=agents)
    new_key = xagents.agent_key(replacement)
    keys.discard(new_key)
    erasure = Erasure(agent=replacement)
    Kind = StatementIndex.Kind
    agent_kinds = [Kind.AGENT.value, Kind.AGENT_DIRECT.value]
    with transaction.atomic():
        pks = sorted(
            set(
                StatementIndex.objects.filter(
                    city_id=city.pk, kind=Kind.AGENT, key__in=sorted(keys)
                ).values_list("statement_id", flat=True)
            )
        )
        dropped: dict[str, set[int]] = {}  # attachment sha2 -> the changed statements that drop its content
        for start in range(0, len(pks), ERASURE_CHUNK):
            chunk = pks[start : start + ERASURE_CHUNK]
            rows = list(
                Statement.objects.select_for_update()
                .filter(city_id=city.pk, pk__in=chunk)
                .order_by("pk")
                .only("pk", "data", "actor_key", "stored", "has_attachments")
            )
            changed = []
            for row in rows:
                own = bool(xagents.actor_keys(row.data["actor"]) & keys)
                if not xagents.agents_replace(row.data, keys, replacement):
                    continue  # a StatementRef that only inherits the target's rows: data unchanged
                row.actor_key = xagents.agent_key(row.data["actor"])
                changed.append(row)
                for attachment in row.data.get("attachments", []) if row.has_attachments else []:
                    if own or attachment.get("usageType") == SIGNATURE_USAGE:
                        dropped.setdefault(attachment["sha2"].lower(), set()).add(row.pk)
            if changed:
                statements_rewrite(changed)
            erasure.statements += len(changed)
            stored = {row.pk: row.stored for row in rows}
            existing = set(
                StatementIndex.objects.filter(statement_id__in=chunk, kind__in=agent_kinds).values_list(
                    "statement_id", "kind", "key"
                )
            )
            wanted = {(pk, kind, new_key) for pk, kind, key in existing if key in keys} - existing
            StatementIndex.objects.filter(
                statement_id__in=chunk, kind__in=agent_kinds, key__in=sorted(keys)
            ).delete()
            StatementIndex.objects.bulk_create(
                [
                    StatementIndex(statement_id=pk, city_id=city.pk, kind=kind, key=key, stored=stored[pk])
                    for pk, kind, key in sorted(wanted)
                    if pk in stored
                ]
            )
        erasure.attachments = attachments_drop(city_id=city.pk, dropped=dropped)
        erasure.documents = Document.objects.filter(
            city_id=city.pk,
            kind__in=[Document.Kind.STATE, Document.Kind.AGENT_PROFILE],
            agent_key__in=sorted(keys),
        ).delete()[0]
        audit(actor=actor, action="lrs.agent_erase", target=city, city_slug=city.slug,
              statements=erasure.statements, documents=erasure.documents, attachments=erasure.attachments)  # fmt: skip
    return erasure


def statements_rewrite(rows: list[Statement]) -> None:
    """UPDATE the data and actor column of rows, one parameterised statement per row sent as one batch
    (executemany; bulk_update's CASE expressions cost more in Python than the database's work)."""
    quote = connection.ops.quote_name
    data_field = Statement._meta.get_field("data")
    sql = (
        f"UPDATE {quote(Statement._meta.db_table)} SET {quote('data')} = %s, {quote('actor_key')} = %s "  # noqa: S608
        f"WHERE {quote('id')} = %s"
    )
    params = [(data_field.get_db_prep_save(row.data, connection), row.actor_key, row.pk) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def attachments_drop(*, city_id: int, dropped: dict[str, set[int]]) -> int:
    """Delete the attachment content of `dropped` (sha2 -> statements giving it up) that no other statement
    of the city uses. Statements name their attachments only inside their JSON, so this reads the city's
    statements with attachments that mention one of the hashes (erasure is rare; storing stays lean)."""
    if not dropped:
        return 0
    sha2s = sorted(dropped)
    users: dict[str, set[int]] = {sha2: set() for sha2 in sha2s}
    for start in range(0, len(sha2s), 100):
        part = sha2s[start : start + 100]
        mentions = Q()
        for sha2 in part:
            mentions |= Q(text__icontains=sha2)
        rows = (
            Statement.objects.filter(city_id=city_id, has_attachments=True)
            .annotate(text=Cast("data", TextField()))
            .filter(mentions)
            .values_list("pk", "data")
        )
        for pk, data in rows:
            for attachment in data.get("attachments", []):
                sha2 = attachment["sha2"].lower()
                if sha2 in users:
                    users[sha2].add(pk)
    gone = [sha2 for sha2 in sha2s if users[sha2] <= dropped[sha2]]
    if not gone:
        return 0
    return Attachment.objects.filter(city_id=city_id, sha2__in=gone).delete()[0]
