"""Base model, bilingual-field helpers and the audit trail shared by every app."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BilingualMixin:
    """Content fields come in pairs, `<field>_th` and `<field>_en` (see docs/decisions/0002).

    `obj.localized("title")` gives the active language's value, falling back to the other one.
    """

    def localized(self, field: str, language: str | None = None) -> str:
        language = (language or translation.get_language() or "th")[:2]
        first, second = ("en", "th") if language == "en" else ("th", "en")
        return getattr(self, f"{field}_{first}", "") or getattr(self, f"{field}_{second}", "") or ""


class AuditEvent(models.Model):
    """One row per write a service makes: who did what to which object."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("object type"), max_length=80)
    target_id = models.CharField(_("object id"), max_length=64)
    city_slug = models.SlugField(_("city"), max_length=80, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"


def audit(*, actor, action: str, target: models.Model, city_slug: str = "", **data) -> AuditEvent:
    """Record a write; actor may be None for system jobs such as the demo loader."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        city_slug=city_slug,
        data=data,
    )
