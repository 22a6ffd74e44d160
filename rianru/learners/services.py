"""Writes of learners: accounts, e-mail addresses and their verification, links to LRS statements, erasure.

Links are kept by two paths that meet: statements arriving (the LRS's `statements_stored` hook, after
their commit) are linked to the learners known then; a learner created or an address verified links the
statements stored before (after its own commit, so a statement that arrives meanwhile is seen by one
path or the other). `rianru learners relink` redoes the second path for every learner of a city.
"""

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.errors import NotAllowed, ValidationFailed
from rianru.core.models import audit
from rianru.core.types import Actor
from rianru.learners import selectors
from rianru.learners.errors import (
    EmailTaken,
    InvalidAccountName,
    InvalidEmail,
    LearnerExists,
    VerificationFailed,
)
from rianru.learners.models import Learner, LearnerEmail, LearnerStatement
from rianru.learners.permissions import can_erase_learner, can_manage_learners
from rianru.lrs import selectors as lrs_selectors
from rianru.lrs import services as lrs_services
from rianru.network.models import City, CityMembership

logger = logging.getLogger(__name__)

ACCOUNT_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
VERIFY_SALT = "rianru.learners.email-verify"
VERIFY_MAX_AGE = 3 * 24 * 3600


def check_manage(actor: Actor, city_id: int) -> None:
    if actor is not None and not can_manage_learners(actor, city_id):
        raise NotAllowed(_("You may not manage the learners of this city."))


def on_commit_link(learner_id: int) -> None:
    transaction.on_commit(lambda: learner_statements_link_by_id(learner_id), robust=True)


# --- learners and e-mail addresses ----------------------------------------------------------------------


def learner_create(
    *,
    actor: Actor,
    city: City,
    user,
    account_name: str = "",
    display_name: str = "",
    emails: list[str] | None = None,
) -> Learner:
    """A learner account for a user in a city; its earlier statements (by account) are linked after commit.

    `account_name` (lower-case letters, digits, `.`, `_`, `-`; 3 to 64) is the learner's stable xAPI
    account name; a random one is chosen if it is empty. `actor` None is the command line."""
    check_manage(actor, city.pk)
    account_name = account_name.strip()
    with transaction.atomic():
        learner_create_check(city=city, user=user, account_name=account_name)
        try:
            with transaction.atomic():
                learner = Learner.objects.create(
                    city=city,
                    user=user,
                    account_name=account_name or secrets.token_hex(8),
                    display_name=display_name.strip()[:200],
                )
        except IntegrityError as error:  # created by a concurrent request since the check
            raise LearnerExists(_("This user is already a learner in this city.")) from error
        audit(actor=actor, action="learners.learner_create", target=learner, city_slug=city.slug)
        for address in emails or []:
            learner_email_add(actor=actor, learner=learner, address=address)
        on_commit_link(learner.pk)
    return learner


def learner_create_check(*, city: City, user, account_name: str) -> None:
    """The meaning checks of `learner_create` (forms call it too, to show the error on the form)."""
    if account_name and not ACCOUNT_NAME_RE.match(account_name):
        raise InvalidAccountName(
            _("An account name has 3 to 64 lower-case letters, digits, dots, hyphens or underscores.")
        )
    if Learner.objects.filter(city=city, user=user).exists():
        raise LearnerExists(_("This user is already a learner in this city."))
    if account_name and Learner.objects.filter(city=city, account_name=account_name).exists():
        raise LearnerExists(_("The account name “%(name)s” is taken in this city.") % {"name": account_name})


def email_clean(address: str) -> str:
    """An address as the LRS keys it (`agents.agent_key` lower-cases mailboxes)."""
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise InvalidEmail(_("“%(address)s” is not an e-mail address.") % {"address": address}) from error
    return address


def learner_email_add(
    *, actor: Actor, learner: Learner, address: str, verified: bool = False
) -> LearnerEmail:
    """Add an address to a learner (unverified unless `verified`: the actor has checked it)."""
    check_manage(actor, learner.city_id)
    address = email_clean(address)
    with transaction.atomic():
        email = LearnerEmail.objects.filter(learner=learner, address=address).first()
        if email is None:
            email = LearnerEmail.objects.create(
                city_id=learner.city_id, learner=learner, address=address, sha1=selectors.mbox_sha1(address)
            )
            audit(actor=actor, action="learners.email_add", target=email, city_slug=learner.city.slug)
        if verified:
            email = learner_email_verify(actor=actor, email=email)
    return email


def learner_email_verify(*, actor: Actor, email: LearnerEmail) -> LearnerEmail:
    """Mark an address verified (the actor checked it, or the learner followed the link with the token);
    the learner's earlier statements with this mailbox are linked after commit."""
    check_manage(actor, email.city_id)
    if email.verified_at is not None:
        return email
    with transaction.atomic():
        taken = (
            LearnerEmail.objects.filter(
                city_id=email.city_id, address=email.address, verified_at__isnull=False
            )
            .exclude(pk=email.pk)
            .exists()
        )
        if taken:
            raise EmailTaken(
                _("Another learner of this city has already verified %(address)s.")
                % {"address": email.address}
            )
        email.verified_at = timezone.now()
        try:
            with transaction.atomic():
                email.save(update_fields=["verified_at", "updated_at"])
        except IntegrityError as error:  # verified by another learner at the same moment
            email.verified_at = None
            raise EmailTaken(
                _("Another learner of this city has already verified %(address)s.")
                % {"address": email.address}
            ) from error
        audit(actor=actor, action="learners.email_verify", target=email, city_slug=email.city.slug)
        on_commit_link(email.learner_id)
    return email


def email_verification_token(email: LearnerEmail) -> str:
    """A signed token for the link a verification e-mail carries (valid 3 days)."""
    return signing.dumps({"e": email.pk, "a": email.address}, salt=VERIFY_SALT, compress=True)


def learner_email_verify_token(*, token: str) -> LearnerEmail:
    """Verify the address a token names (the learner followed the link)."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VerificationFailed(_("The verification link has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise VerificationFailed(_("The verification link is not valid.")) from error
    email = LearnerEmail.objects.filter(pk=payload.get("e"), address=payload.get("a")).first()
    if email is None:
        raise VerificationFailed(_("The verification link is not valid."))
    return learner_email_verify(actor=None, email=email)


# --- links to statements ----------------------------------------------------------------------------------


def learner_statements_link(*, learner: Learner) -> int:
    """Link every stored statement whose actor is the learner (account or verified address); idempotent.
    Returns how many links are new."""
    found = lrs_selectors.statements_of_actors(
        city_id=learner.city_id, agent_keys=selectors.learner_agent_keys(learner)
    )
    return links_create([(learner.pk, pk, stored) for pk, stored in found])


def learner_statements_link_by_id(learner_id: int) -> int:
    learner = Learner.objects.select_related("city").filter(pk=learner_id).first()
    return 0 if learner is None else learner_statements_link(learner=learner)


def links_create(rows: list[tuple[int, int, dt.datetime]]) -> int:
    if not rows:
        return 0
    before = LearnerStatement.objects.filter(learner_id__in={row[0] for row in rows}).count()
    LearnerStatement.objects.bulk_create(
        [
            LearnerStatement(learner_id=learner_id, statement_id=pk, stored=stored)
            for learner_id, pk, stored in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return LearnerStatement.objects.filter(learner_id__in={row[0] for row in rows}).count() - before


def statements_link(*, city_id: int, statements: list[dict]) -> int:
    """Link newly stored statements to the learners their actors are (the `statements_stored` hook).

    No query at all when no actor could be a learner (no mailbox, no account on this platform)."""
    wanted: dict[str, set[str]] = {}
    for statement in statements:
        keys = {key for key in lrs_selectors.actor_keys(statement["actor"]) if selectors.is_learner_key(key)}
        if keys:
            wanted[statement["id"]] = keys
    if not wanted:
        return 0
    learners = selectors.learners_by_agent_key(city_id=city_id, keys=set().union(*wanted.values()))
    if not learners:
        return 0
    matched = {sid: {learners[key] for key in keys if key in learners} for sid, keys in wanted.items()}
    matched = {sid: ids for sid, ids in matched.items() if ids}
    stored = lrs_selectors.statement_rows_by_id(city_id=city_id, statement_ids=list(matched))
    rows = [
        (learner_id, *stored[sid])
        for sid, learner_ids in matched.items()
        if sid in stored
        for learner_id in learner_ids
    ]
    LearnerStatement.objects.bulk_create(
        [LearnerStatement(learner_id=learner_id, statement_id=pk, stored=at) for learner_id, pk, at in rows],
        ignore_conflicts=True,
    )
    return len(rows)


def city_relink(*, city: City) -> int:
    """Link the stored statements of every learner of a city (repairs links a failed hook missed)."""
    return sum(
        learner_statements_link(learner=learner)
        for learner in Learner.objects.filter(city=city).select_related("city").order_by("pk")
    )


# --- erasure (PDPA) -----------------------------------------------------------------------------------------


@dataclass
class LearnerErasure:
    """What `learner_erase` did (counts only: the report holds no personal data)."""

    learner_id: int
    statements: int
    documents: int
    attachments: int
    emails: int
    links: int
    user_deleted: bool


def learner_erase(*, actor: Actor, learner: Learner) -> LearnerErasure:
    """Erase a learner (PDPA), in one transaction: their statements in the city's LRS are pseudonymised and
    their State and Agent Profile documents deleted (`lrs.services.agent_erase`, with the account and every
    verified address), then the learner, their addresses and links are deleted, and their user account too
    if it serves nothing else (no other city, no staff role). An audit row keeps the counts, no identity."""
    if actor is not None and not can_erase_learner(actor, learner):
        raise NotAllowed(_("You may not erase the learners of this city."))
    with transaction.atomic():
        learner = Learner.objects.select_for_update().select_related("city", "user").get(pk=learner.pk)
        city = learner.city
        erasure = lrs_services.agent_erase(actor=actor, city=city, agents=selectors.learner_agents(learner))
        emails = learner.emails.count()
        links = learner.statement_links.count()
        learner_id = learner.pk
        user = learner.user
        audit(actor=actor, action="learners.learner_erase", target=learner, city_slug=city.slug,
              statements=erasure.statements, documents=erasure.documents, attachments=erasure.attachments,
              emails=emails, links=links)  # fmt: skip
        learner.delete()
        user_deleted = user_erasable(user)
        if user_deleted:
            user.delete()
    return LearnerErasure(
        learner_id=learner_id,
        statements=erasure.statements,
        documents=erasure.documents,
        attachments=erasure.attachments,
        emails=emails,
        links=links,
        user_deleted=user_deleted,
    )


def user_erasable(user) -> bool:
    """A user account is deleted with its last learner record unless it has another role on the platform."""
    if user.is_staff or user.is_superuser:
        return False
    if Learner.objects.filter(user=user).exists():
        return False
    return not CityMembership.objects.filter(user=user).exists()


def user_get_or_create(*, username: str, email: str = ""):
    """The user a command-line learner belongs to: found by user name, or created without a password."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email)
        user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise ValidationFailed("; ".join(error.messages)) from error
        user.save()
        audit(actor=None, action="learners.user_create", target=user)
    return user
