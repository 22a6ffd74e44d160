"""Writes of the LRS's credentials: create, revoke, rotate; authenticate a key and secret (with a short
process cache) and the Agent that stands for a credential in its statements' `authority`."""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.errors import NotAllowed
from rianru.core.models import audit
from rianru.core.types import Actor
from rianru.lrs.errors import BadRequest
from rianru.lrs.models import ALL_SCOPES, Credential
from rianru.lrs.permissions import can_manage_credentials
from rianru.network.models import Partner


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


def check_manage(actor: Actor, partner: Partner) -> None:
    if actor is not None and not can_manage_credentials(actor, partner):
        raise NotAllowed(_("You may not manage the LRS credentials of this partner."))


def credential_create(
    *, actor: Actor, partner: Partner, scopes: list[str], name: str = "", xapi_version: str = "2.0.0"
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


def credential_revoke(*, actor: Actor, credential: Credential) -> Credential:
    check_manage(actor, credential.partner)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at", "updated_at"])
        credential_forget(credential)
        audit(actor=actor, action="lrs.credential_revoke", target=credential, city_slug=credential.city.slug)
    return credential


def credential_rotate(*, actor: Actor, credential: Credential) -> tuple[Credential, str]:
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
    credential: Credential | None
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
