"""Learners: a person's account in one city, their e-mail addresses, and the LRS statements that are theirs.

A learner is known to the LRS as the xAPI account `{"homePage": <city home page>, "name": account_name}`
(`selectors.learner_home_page`) and by each verified e-mail address (`mbox` and `mbox_sha1sum`). The links
to statements are written when statements arrive (the LRS's `statements_stored` hook) and when a learner
or an e-mail address appears (their earlier statements), see docs/lrs.md "Learners".

Every model here holds personal data (PDPA): `personal_data_fields` names it, and `services.learner_erase`
removes every row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rianru.network.models import CityOwned


class Learner(CityOwned):
    """A person learning in one city: one per (user, city)."""

    personal_data_fields = ("user", "account_name", "display_name")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
        related_name="learners",
        help_text=_("A user with a learner record is removed only by erasing the learner (PDPA)."),
    )  # fmt: skip
    account_name = models.CharField(
        _("account name"), max_length=64,
        help_text=_("The learner's stable name in xAPI statements, with the city's home page. "
                    "Never changes."),
    )  # fmt: skip
    display_name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["city", "account_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="learner_unique_user_city"),
            models.UniqueConstraint(fields=["city", "account_name"], name="learner_unique_account_name"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.account_name


class LearnerEmail(CityOwned):
    """An e-mail address of a learner. Only a verified address links statements to the learner."""

    personal_data_fields = ("address", "sha1")

    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="emails"
    )
    address = models.EmailField(_("e-mail"), max_length=254)
    sha1 = models.CharField(_("SHA-1 of the mailto IRI"), max_length=40, editable=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("learner e-mail address")
        verbose_name_plural = _("learner e-mail addresses")
        ordering = ["learner", "address"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "address"], name="learner_email_unique_per_learner"),
            models.UniqueConstraint(
                fields=["city", "address"],
                condition=models.Q(verified_at__isnull=False),
                name="learner_email_verified_unique_per_city",
            ),
        ]
        indexes = [
            models.Index(fields=["city", "address"], name="learner_email_address"),
            models.Index(fields=["city", "sha1"], name="learner_email_sha1"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class LearnerStatement(models.Model):
    """A statement of the LRS whose actor is the learner (the learner's learning record)."""

    personal_data_fields = ("learner", "statement")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="statement_links")
    statement = models.ForeignKey("lrs.Statement", on_delete=models.CASCADE, related_name="+")
    stored = models.DateTimeField()  # the statement's: the record pages newest first without a join sort

    class Meta:
        verbose_name = _("learner statement")
        verbose_name_plural = _("learner statements")
        constraints = [
            models.UniqueConstraint(fields=["learner", "statement"], name="learner_statement_unique")
        ]
        indexes = [models.Index(fields=["learner", "stored", "statement"], name="learner_statement_stored")]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.statement_id}"
