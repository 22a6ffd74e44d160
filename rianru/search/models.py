"""The search change feed: every write that affects a search document leaves a row here, in the same
transaction as the write. The indexer applies the rows to the search index and keeps its place in the
index directory, so each server holding an index copy catches up on its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchChange(models.Model):
    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("Learning opportunity")
        SPACE = "space", _("Learning space")
        PARTNER = "partner", _("Partner organisation")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search change")
        verbose_name_plural = _("search changes")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
