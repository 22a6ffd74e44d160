"""Reads of learners: their xAPI identity, who an agent is, their learning record."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.db import connection
from django.db.models import Field
from django.utils import translation
from django.utils.translation import gettext as _

from rianru.learners.errors import LearnerNotFound
from rianru.learners.models import Learner, LearnerEmail, LearnerStatement
from rianru.lrs import presentation
from rianru.lrs import selectors as lrs_selectors
from rianru.lrs.presentation import VOIDED_VERB
from rianru.network.models import City
from rianru.network.selectors import city_home_page, public_url


def learner_home_page(city: City) -> str:
    """The homePage of learners' xAPI accounts in a city: RIANRU_PUBLIC_URL/<city slug>/."""
    return city_home_page(city)


def mbox_sha1(address: str) -> str:
    """xAPI's mbox_sha1sum of an address: the SHA-1 of its `mailto:` IRI, in lower-case hex."""
    return hashlib.sha1(f"mailto:{address}".encode()).hexdigest()  # noqa: S324 - xAPI's identifier


def learner_account(learner: Learner) -> dict:
    """The learner as an xAPI Agent identified by their account."""
    return {
        "objectType": "Agent",
        "account": {"homePage": learner_home_page(learner.city), "name": learner.account_name},
    }


def learner_agents(learner: Learner) -> list[dict]:
    """Every xAPI identity of a learner: the account first,
    then each verified address (mbox, mbox_sha1sum)."""
    agents = [learner_account(learner)]
    for email in learner.emails.filter(verified_at__isnull=False).order_by("address"):
        agents.append({"objectType": "Agent", "mbox": f"mailto:{email.address}"})
        agents.append({"objectType": "Agent", "mbox_sha1sum": email.sha1})
    return agents


def learner_agent_keys(learner: Learner) -> set[str]:
    return {lrs_selectors.agent_key(agent) for agent in learner_agents(learner)}


def is_learner_key(key: str) -> bool:
    """Could this agent key be a learner's (a mailbox, or an account on this platform)? No query."""
    return key.startswith(("mbox:", "mbox_sha1sum:", f"account:{public_url()}/"))


def learners_by_agent_key(*, city_id: int, keys: set[str]) -> dict[str, int]:
    """Which learner of a city each agent key (`lrs.selectors.agent_key` form) is: key -> learner pk.

    Accounts on the city's home page match by account name, mailboxes only by a verified address."""
    found: dict[str, int] = {}
    names: dict[str, set[str]] = {}  # account name -> the homePages it came with
    addresses: dict[str, str] = {}
    sums: dict[str, str] = {}
    for key in keys:
        if key.startswith("account:"):
            home, _space, name = key[len("account:") :].partition(" ")
            names.setdefault(name, set()).add(home)
        elif key.startswith("mbox:mailto:"):
            addresses[key[len("mbox:mailto:") :]] = key
        elif key.startswith("mbox_sha1sum:"):
            sums[key[len("mbox_sha1sum:") :]] = key
    if names:
        # order_by(): the models' default orderings would join cities just to sort
        rows = Learner.objects.filter(city_id=city_id, account_name__in=sorted(names)).order_by()
        home = ""
        for learner in rows.select_related("city"):
            home = home or learner_home_page(learner.city)  # one city: its home page once, not per row
            if home in names[learner.account_name]:
                found[f"account:{home} {learner.account_name}"] = learner.pk
    if addresses or sums:
        for learner_id, address, sha1 in verified_emails(city_id=city_id, addresses=addresses, sums=sums):
            if address in addresses:
                found[addresses[address]] = learner_id
            if sha1 in sums:
                found[sums[sha1]] = learner_id
    return found


def verified_emails(*, city_id: int, addresses, sums) -> list[tuple[int, str, str]]:
    """(learner pk, address, sha1) of the verified addresses of a city among `addresses` or `sums`.

    Plain SQL: this runs for every statement the LRS stores (the link hook), and building this query with
    the ORM cost ~0.3 ms of CPU per statement, more than the query (docs/benchmarks.md, "LRS ingest")."""
    quote, meta = connection.ops.quote_name, LearnerEmail._meta
    column = {
        name: quote(cast(Field, meta.get_field(name)).column or name)
        for name in ("learner", "address", "sha1", "city", "verified_at")
    }
    conditions, params = [], [city_id]
    for name, values in (("address", addresses), ("sha1", sums)):
        if values:
            conditions.append(f"{column[name]} IN ({', '.join(['%s'] * len(values))})")
            params += sorted(values)
    if not conditions:
        return []
    # Table and column names come from the model; every value is a parameter.
    sql = (
        f"SELECT {column['learner']}, {column['address']}, {column['sha1']} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {column['city']} = %s AND {column['verified_at']} IS NOT NULL AND ({' OR '.join(conditions)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def learner_for_user(*, user, city: City) -> Learner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Learner.objects.filter(user=user, city=city).select_related("city").first()


@dataclass
class RecordEntry:
    """One statement of a learner's record, ready to show."""

    statement_id: str
    verb: str
    object: str
    when: datetime
    stored: datetime
    partner: str
    score: str
    completed: bool | None


def statement_entry(data: dict, stored: datetime, partner: str) -> RecordEntry:
    """A statement in the current language, in the words of `rianru.lrs.presentation` (as the statement
    browser shows it)."""
    verb = data["verb"]
    result = data.get("result", {})
    return RecordEntry(
        statement_id=data["id"],
        verb=presentation.verb_label(verb["id"], verb.get("display")),
        object=presentation.object_view(data["object"], opportunities={}, full=False).label,
        when=datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00")),
        stored=stored,
        partner=partner,
        score=presentation.score_text(result.get("score")),
        completed=result.get("completion"),
    )


RECORD_PAGE = 50


def learner_statements(
    *,
    learner: Learner,
    language: str = "th",
    before: tuple[datetime, int] | None = None,
    limit: int | None = None,
) -> tuple[list[RecordEntry], tuple[datetime, int] | None]:
    """A learner's record, newest first, without voided and voiding statements: one page and the cursor of
    the next."""
    limit = limit or RECORD_PAGE
    links = record_links(learner)
    if before is not None:
        at, statement_pk = before
        links = links.filter(stored__lte=at).exclude(stored=at, statement_id__gte=statement_pk)
    rows = list(
        links.order_by("-stored", "-statement_id").select_related("statement", "statement__partner")[
            : limit + 1
        ]
    )
    entries = []
    for link in rows[:limit]:
        partner = link.statement.partner.localized("name") if link.statement.partner else ""
        with translation.override(language):
            entries.append(statement_entry(link.statement.data, link.stored, partner))
    cursor = (rows[limit - 1].stored, rows[limit - 1].statement_id) if len(rows) > limit else None
    return entries, cursor


def learner_statement_count(*, learner: Learner) -> int:
    return record_links(learner).count()


def record_links(learner: Learner):
    """The links of a learner's record: neither voided statements nor the statements that void them."""
    return LearnerStatement.objects.filter(learner=learner, statement__voided=False).exclude(
        statement__verb_id=VOIDED_VERB
    )


def learner_get(*, city: City, account_name: str = "", email: str = "", username: str = "") -> Learner:
    """Find one learner of a city by account name, verified or unverified address, or user name."""
    rows = Learner.objects.filter(city=city).select_related("city", "user")
    if account_name:
        rows = rows.filter(account_name=account_name.strip())
    elif email:
        rows = rows.filter(emails__address=email.strip().lower())
    elif username:
        rows = rows.filter(user__username=username.strip())
    else:
        raise LearnerNotFound(_("Name the learner: an account name, an e-mail address or a user name."))
    found = list(rows.distinct()[:2])
    if len(found) != 1:
        raise LearnerNotFound(
            _("No single learner of this city matches.")
            if found
            else _("There is no such learner in this city.")
        )
    return found[0]
