"""Forwarding to another LRS, its configuration: create, update, rewind a target; re-encrypt the stored
secrets; send refused statements again (docs/lrs.md, "Forwarding"). The sending is `rianru.lrs.forwarder`."""

from urllib.parse import urlsplit

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.errors import NotAllowed, ValidationFailed
from rianru.core.models import audit
from rianru.core.types import Actor
from rianru.lrs import crypto
from rianru.lrs.forwarder import Run, TargetUnavailable
from rianru.lrs.models import Forwarding, Statement
from rianru.lrs.permissions import can_manage_forwarding
from rianru.network.models import City

VERSIONS = ("2.0.0", "1.0.3")


def check_manage(actor: Actor, city: City) -> None:
    if actor is not None and not can_manage_forwarding(actor, city):
        raise NotAllowed(_("Only the city's staff may forward its statements to another LRS."))


def clean_endpoint(endpoint: str) -> str:
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValidationFailed(
            _("The endpoint must be an http or https address such as https://lrs.example.org/xapi/."),
            code="invalid_endpoint",
        )
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def forwarding_create(
    *,
    actor: Actor,
    city: City,
    endpoint: str,
    key: str,
    secret: str,
    xapi_version: str = "2.0.0",
    name: str = "",
    enabled: bool = True,
    from_now: bool = False,
) -> Forwarding:
    """A new target for the city's statements: all statements stored so far, or (`from_now`) only new ones."""
    check_manage(actor, city)
    if not key.strip() or not secret:
        raise ValidationFailed(_("Give the key and the secret the other LRS gave you."), code="invalid")
    if xapi_version not in VERSIONS:
        raise ValidationFailed(_("The xAPI version must be 2.0.0 or 1.0.3."), code="invalid")
    cursor = 0
    if from_now:
        cursor = Statement.objects.aggregate(last=Max("pk"))["last"] or 0
    forwarding = Forwarding.objects.create(
        city=city,
        name=name.strip()[:200],
        endpoint=clean_endpoint(endpoint),
        key=key.strip(),
        secret_encrypted=crypto.encrypt(secret),
        xapi_version=xapi_version,
        enabled=enabled,
        cursor=cursor,
    )
    audit(actor=actor, action="lrs.forwarding_create", target=forwarding, city_slug=city.slug,
          endpoint=forwarding.endpoint, from_now=from_now)  # fmt: skip
    return forwarding


def forwarding_update(
    *,
    actor: Actor,
    forwarding: Forwarding,
    name: str | None = None,
    endpoint: str | None = None,
    key: str | None = None,
    secret: str | None = None,
    xapi_version: str | None = None,
    enabled: bool | None = None,
) -> Forwarding:
    """Change the configuration (None: unchanged). A new secret replaces the old one; it is never shown."""
    check_manage(actor, forwarding.city)
    changed = []
    if name is not None:
        forwarding.name = name.strip()[:200]
        changed.append("name")
    if endpoint is not None:
        forwarding.endpoint = clean_endpoint(endpoint)
        changed.append("endpoint")
    if key is not None:
        if not key.strip():
            raise ValidationFailed(_("Give the key and the secret the other LRS gave you."), code="invalid")
        forwarding.key = key.strip()
        changed.append("key")
    if secret:
        forwarding.secret_encrypted = crypto.encrypt(secret)
        changed.append("secret_encrypted")
    if xapi_version is not None:
        if xapi_version not in VERSIONS:
            raise ValidationFailed(_("The xAPI version must be 2.0.0 or 1.0.3."), code="invalid")
        forwarding.xapi_version = xapi_version
        changed.append("xapi_version")
    if enabled is not None:
        forwarding.enabled = enabled
        changed.append("enabled")
    if changed:
        # A new configuration deserves a try at once: forget the back-off.
        forwarding.next_attempt_at = None
        forwarding.save(update_fields=[*changed, "next_attempt_at", "updated_at"])
        audit(actor=actor, action="lrs.forwarding_update", target=forwarding, city_slug=forwarding.city.slug,
              fields=[field for field in changed if field != "secret_encrypted"]
              + (["secret"] if secret else []))  # fmt: skip
    return forwarding


def forwarding_rewind(*, actor: Actor, forwarding: Forwarding) -> Forwarding:
    """Send every statement of the city again (the target keeps one copy of each)."""
    check_manage(actor, forwarding.city)
    forwarding.cursor, forwarding.gaps, forwarding.next_attempt_at = 0, [], None
    forwarding.save(update_fields=["cursor", "gaps", "next_attempt_at", "updated_at"])
    audit(actor=actor, action="lrs.forwarding_rewind", target=forwarding, city_slug=forwarding.city.slug)
    return forwarding


def reencrypt_secrets() -> int:
    """Encrypt every stored secret with the current
    DJANGO_SECRET_KEY (after moving the old to the fallbacks)."""
    count = 0
    for forwarding in Forwarding.objects.all():
        token = crypto.reencrypt(forwarding.secret_encrypted)
        if token != forwarding.secret_encrypted:
            forwarding.secret_encrypted = token
            forwarding.save(update_fields=["secret_encrypted"])
            count += 1
    return count


def rejections_retry(*, actor: Actor, rejections) -> tuple[int, int]:
    """Send refused statements again now: (accepted, still refused)."""
    accepted = refused = 0
    for rejection in rejections.select_related("forwarding", "forwarding__city", "statement"):
        check_manage(actor, rejection.forwarding.city)
        run = Run(rejection.forwarding, timezone.now())
        try:
            run.send([rejection.statement])
        except TargetUnavailable as error:
            raise ValidationFailed(str(error), code="forwarding_unavailable") from None
        accepted += run.outcome.sent
        refused += run.outcome.rejected
    return accepted, refused
