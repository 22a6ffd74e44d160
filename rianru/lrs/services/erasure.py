"""PDPA erasure: a person's statements pseudonymised, their documents and own attachments deleted
(docs/lrs.md, "Erasure")."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rianru.core.models import audit
from rianru.core.types import Actor
from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import Attachment, Document, Statement, StatementIndex
from rianru.network.models import City

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


def agent_erase(*, actor: Actor, city: City, agents: list[dict]) -> Erasure:
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
              statements=erasure.statements, documents=erasure.documents,
              attachments=erasure.attachments)  # fmt: skip
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
