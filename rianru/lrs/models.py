"""The xAPI learning record store: credentials, insert-only statements and their index rows, documents.

Statements are never updated except for the `voided` flag a voiding statement sets. The columns next to
the JSON are what the statement filters need (docs/lrs.md); `StatementIndex` lists every agent and
activity a statement mentions, so `agent`, `activity` and their `related_*` forms are index lookups.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rianru.network.models import City, CityOwned, Partner


class Scope(models.TextChoices):
    STATEMENTS_WRITE = "statements/write", _("Write statements")
    STATEMENTS_READ_MINE = "statements/read/mine", _("Read own statements")
    STATEMENTS_READ = "statements/read", _("Read all statements of the city")
    DOCUMENTS = "documents", _("State, profiles and activities")


ALL_SCOPES = [scope.value for scope in Scope]


class Credential(CityOwned):
    """An HTTP Basic key and secret a partner's system uses to talk to the LRS.
    The secret is stored hashed."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="lrs_credentials"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    key = models.CharField(_("key"), max_length=64, unique=True)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=128)
    scopes = models.JSONField(_("scopes"), default=list)
    xapi_version = models.CharField(
        _("xAPI version"), max_length=8, choices=[("2.0.0", "2.0.0"), ("1.0.3", "1.0.3")], default="2.0.0",
        help_text=_("The version the LRS answers in when a request of this credential lacks "
                    "the version header."),
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    upload = models.BooleanField(
        _("for CSV uploads"), default=False,
        help_text=_("The credential that stands as the authority of the statements uploaded as CSV files."),
    )  # fmt: skip
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("LRS credential")
        verbose_name_plural = _("LRS credentials")
        ordering = ["city", "partner", "-created_at"]

    def __str__(self) -> str:
        return f"{self.key} ({self.partner_id})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Statement(models.Model):
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    credential = models.ForeignKey(Credential, null=True, on_delete=models.SET_NULL, related_name="+")
    statement_id = models.UUIDField(_("statement id"))
    data = models.JSONField(_("statement"))
    stored = models.DateTimeField(_("stored"))
    voided = models.BooleanField(_("voided"), default=False)
    verb_id = models.TextField(_("verb"))
    actor_key = models.TextField(_("actor"), blank=True)
    object_activity_id = models.TextField(_("activity"), blank=True)
    object_statement_id = models.UUIDField(null=True)
    registration = models.UUIDField(null=True)
    has_attachments = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        constraints = [
            models.UniqueConstraint(fields=["city", "statement_id"], name="lrs_statement_unique_id_per_city")
        ]
        indexes = [
            models.Index(fields=["city", "stored", "id"], name="lrs_statement_stored"),
            models.Index(fields=["city", "verb_id", "stored"], name="lrs_statement_verb"),
            models.Index(fields=["city", "registration", "stored"], name="lrs_statement_registration"),
            models.Index(fields=["city", "object_statement_id"], name="lrs_statement_object_ref"),
            models.Index(fields=["city", "partner", "stored"], name="lrs_statement_partner"),
            # Participation counts of an activity (the pages above the store): distinct actors and
            # statements per verb from the index alone, without reading the statements.
            models.Index(
                fields=["city", "object_activity_id", "verb_id", "actor_key"],
                name="lrs_statement_participation",
                condition=models.Q(voided=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementIndex(models.Model):
    """One thing a statement can be found by, with the statement's `stored` time for ordered paging.

    Kinds: an agent (IFI key) or an activity id mentioned anywhere (`related_agents` /
    `related_activities`), the same as actor or object (the `agent` / `activity` filters), and, inherited
    from the statement a StatementRef points to, that statement's verb or registration. A statement that
    refers to another also gets the target's rows, so the filters find it as xAPI asks, without a join at
    read time. The index (city, kind, key, stored) gives a filter's newest statements without sorting.
    """

    class Kind(models.TextChoices):
        AGENT = "g", "agent"
        AGENT_DIRECT = "G", "agent as actor or object"
        ACTIVITY = "a", "activity"
        ACTIVITY_DIRECT = "A", "activity as object"
        VERB = "v", "verb"
        REGISTRATION = "r", "registration"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="index_rows")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.TextField()
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["city", "kind", "key", "stored", "statement"], name="lrs_statement_index_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class Attachment(models.Model):
    """Attachment content, stored once per city and SHA-256 hash."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "sha2"], name="lrs_attachment_unique_sha2")]

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The canonical definition of an activity: language maps merged from every statement that defines it."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    activity_id = models.TextField()
    definition = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "activity_id"], name="lrs_activity_unique_id_per_city")
        ]

    def __str__(self) -> str:
        return self.activity_id


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document of one partner."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_id = models.TextField(blank=True)
    agent_key = models.TextField(blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.TextField()
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kind", "activity_id", "agent_key", "registration", "document_id"],
                name="lrs_document_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["partner", "kind", "activity_id", "agent_key", "updated"], name="lrs_document_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class Forwarding(CityOwned):
    """Forward a city's stored statements to another LRS (docs/lrs.md, "Forwarding").

    `cursor` is the truth of what was sent: every statement of the city with a pk up to it has been
    accepted by the target, except the pks listed in `gaps` (ids skipped while a transaction that may
    still commit them was open; they are looked at again until they are GAP_SECONDS old). The secret is
    kept encrypted (rianru.lrs.crypto), never shown again.
    """

    name = models.CharField(_("name"), max_length=200, blank=True)
    endpoint = models.URLField(
        _("endpoint"),
        max_length=500,
        help_text=_("The xAPI endpoint of the other LRS, e.g. https://lrs.example.org/xapi/"),
    )
    key = models.CharField(
        _("key"), max_length=200, help_text=_("The HTTP Basic user name the other LRS gave.")
    )
    secret_encrypted = models.TextField(_("secret (encrypted)"), editable=False)
    xapi_version = models.CharField(
        _("xAPI version"), max_length=8, choices=[("2.0.0", "2.0.0"), ("1.0.3", "1.0.3")], default="2.0.0"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    cursor = models.BigIntegerField(_("forwarded up to"), default=0)
    gaps = models.JSONField(default=list, blank=True)
    forwarded = models.BigIntegerField(_("statements forwarded"), default=0)
    last_forwarded_at = models.DateTimeField(_("last forwarded"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    lease_owner = models.CharField(max_length=100, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("LRS forwarding")
        verbose_name_plural = _("LRS forwardings")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name or self.endpoint


class ForwardingRejection(models.Model):
    """A statement the other LRS refused (400, 409, 413): recorded, skipped, and sent again on request."""

    forwarding = models.ForeignKey(
        Forwarding, verbose_name=_("forwarding"), on_delete=models.CASCADE, related_name="rejections"
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement refused by the other LRS")
        verbose_name_plural = _("statements refused by the other LRS")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["forwarding", "statement"], name="lrs_rejection_unique_statement")
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.statement_id}"
