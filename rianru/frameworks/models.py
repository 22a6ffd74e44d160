"""Shared vocabularies every city uses: the 17 SDGs, the SDG 4 targets and UNESCO's Key Features of
Learning Cities. Reference data, not city-owned: loaded from data/*.csv by `rianru reference load`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rianru.core.models import BilingualMixin


class SdgGoal(BilingualMixin, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_th_alt = models.CharField(_("alternative Thai name"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    goal_en = models.TextField(_("goal (English)"), blank=True)
    colour = models.CharField(_("colour"), max_length=7)

    class Meta:
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"SDG {self.number} {self.localized('name')}"

    @property
    def name(self) -> str:
        return self.localized("name")


class SdgTarget(BilingualMixin, models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    goal = models.ForeignKey(
        SdgGoal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    target_en = models.TextField(_("target (English)"), blank=True)
    global_indicator = models.TextField(_("global indicator"), blank=True)

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["goal", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.localized('name')}"

    @property
    def name(self) -> str:
        return self.localized("name")


class KflcItem(BilingualMixin, models.Model):
    """One node of UNESCO's Key Features of Learning Cities: an area, a sub-area or a feature."""

    class Level(models.TextChoices):
        AREA = "area", _("area")
        SUB_AREA = "sub-area", _("sub-area")
        FEATURE = "feature", _("feature")

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    confidence = models.CharField(_("wording confidence"), max_length=1, blank=True)
    sdg_links = models.CharField(_("SDG links"), max_length=100, blank=True)
    sdg_goals = models.ManyToManyField(
        SdgGoal, verbose_name=_("SDG goals"), blank=True, related_name="kflc_items"
    )
    suggested_measurement_th = models.TextField(_("suggested measurement (Thai)"), blank=True)
    suggested_measurement_en = models.TextField(_("suggested measurement (English)"), blank=True)

    class Meta:
        verbose_name = _("KFLC item")
        verbose_name_plural = _("Key Features of Learning Cities")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.localized('title')}"

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def suggested_measurement(self) -> str:
        return self.localized("suggested_measurement")


class ReferenceDataset(models.Model):
    """Which version of each shipped reference file is loaded."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    version = models.CharField(_("version"), max_length=20)
    sha256 = models.CharField(_("checksum"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
