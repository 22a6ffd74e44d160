"""Cities, their zones and communities, partner organisations, MOUs, commitments and resources.

Every row below City belongs to one city (`city` field); selectors scope by it so that two cities in
one instance never see each other's data.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rianru.core.models import BilingualMixin, TimeStampedModel
from rianru.frameworks.models import KflcItem, SdgGoal

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class City(BilingualMixin, TimeStampedModel):
    # The city's home page belongs to `web`: config/settings ABSOLUTE_URL_OVERRIDES sets this method.
    get_absolute_url: Callable[[], str]

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    country = models.CharField(_("country (ISO 3166 code)"), max_length=2, default="TH")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Bangkok")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_jurisdiction_th = models.CharField(
        _("population jurisdiction (Thai)"), max_length=200, blank=True
    )
    population_jurisdiction_en = models.CharField(
        _("population jurisdiction (English)"), max_length=200, blank=True
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    gnlc_member_since = models.DateField(_("UNESCO GNLC member since"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")


class CityOwned(TimeStampedModel):
    """Abstract base of every row that belongs to one city."""

    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Zone(BilingualMixin, CityOwned):
    number = models.PositiveSmallIntegerField(_("number"))
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["city", "number"]
        constraints = [models.UniqueConstraint(fields=["city", "number"], name="zone_unique_number_per_city")]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Community(BilingualMixin, CityOwned):
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="communities"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["city", "zone__number", "name_th"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="community_unique_slug_per_city")
        ]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private sector")
    EDUCATION = "education", _("Educational institution")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Partner(BilingualMixin, CityOwned):
    """A partner organisation of the city's learning-city network."""

    slug = models.SlugField(_("slug"), max_length=120)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    short_name_en = models.CharField(_("short name"), max_length=60, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_th = models.CharField(_("address (Thai)"), max_length=400, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=400, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["city", "name_en"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="partner_unique_slug_per_city")]
        indexes = [models.Index(fields=["city", "sector"], name="partner_city_sector")]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")

    @property
    def address(self) -> str:
        return self.localized("address")

    @property
    def initials(self) -> str:
        words = [w for w in (self.short_name_en or self.name_en).replace("-", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:3]).upper() or "?"


class PartnerContact(CityOwned):
    """A named contact person at a partner. Holds personal data (PDPA)."""

    personal_data_fields = ("name", "email", "phone")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role_th = models.CharField(_("role (Thai)"), max_length=200, blank=True)
    role_en = models.CharField(_("role (English)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(
        _("show on the public partner page"), default=False, help_text=_("Only with the person's consent.")
    )

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["partner", "name"]

    def __str__(self) -> str:
        return self.name


class Mou(BilingualMixin, CityOwned):
    """A memorandum of understanding signed by partners of the city's network."""

    slug = models.SlugField(_("slug"), max_length=120)
    title_th = models.CharField(_("title (Thai)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    signed_on = models.DateField(_("date signed"))
    venue_th = models.CharField(_("venue (Thai)"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=300, blank=True)
    sdg_goals = models.ManyToManyField(
        SdgGoal, verbose_name=_("SDGs committed to"), blank=True, related_name="+"
    )
    signatories = models.ManyToManyField(
        Partner, verbose_name=_("signatories"), through="MouSignatory", related_name="mous"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("MOU")
        verbose_name_plural = _("MOUs")
        ordering = ["city", "-signed_on"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="mou_unique_slug_per_city")]

    def __str__(self) -> str:
        return self.localized("title")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def description(self) -> str:
        return self.localized("description")

    @property
    def venue(self) -> str:
        return self.localized("venue")

    def get_absolute_url(self) -> str:
        return reverse("network:mou_detail", kwargs={"city": self.city.slug, "slug": self.slug})


class MouSignatory(CityOwned):
    mou = models.ForeignKey(
        Mou, verbose_name=_("MOU"), on_delete=models.CASCADE, related_name="signatory_rows"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("MOU signatory")
        verbose_name_plural = _("MOU signatories")
        ordering = ["mou", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "partner"], name="mou_signatory_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mou} — {self.partner}"


class Commitment(BilingualMixin, CityOwned):
    """What a partner commits to under an MOU."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="commitments"
    )
    mou = models.ForeignKey(
        Mou,
        verbose_name=_("MOU"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sdg_goals = models.ManyToManyField(SdgGoal, verbose_name=_("SDG goals"), blank=True, related_name="+")
    kflc_features = models.ManyToManyField(
        KflcItem, verbose_name=_("KFLC key features"), blank=True, related_name="+",
        limit_choices_to={"level": KflcItem.Level.FEATURE},
    )  # fmt: skip
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["partner", "title_en"]

    def __str__(self) -> str:
        return self.localized("title")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def description(self) -> str:
        return self.localized("description")


class ContributedResource(BilingualMixin, CityOwned):
    """A resource a partner contributes to the network: a venue, staff time, funding, equipment, content."""

    class Kind(models.TextChoices):
        VENUE = "venue", _("Venue")
        STAFF = "staff", _("Staff and trainers")
        FUNDING = "funding", _("Funding")
        EQUIPMENT = "equipment", _("Equipment")
        CONTENT = "content", _("Learning content")
        VOLUNTEERS = "volunteers", _("Volunteers")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="resources"
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="resources",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_th = models.CharField(_("description (Thai)"), max_length=400)
    description_en = models.CharField(_("description (English)"), max_length=400)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit_th = models.CharField(_("unit (Thai)"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    value_thb = models.DecimalField(_("value (THB)"), max_digits=14, decimal_places=2, null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("contributed resource")
        verbose_name_plural = _("contributed resources")
        ordering = ["partner", "kind"]

    def __str__(self) -> str:
        return self.localized("description")

    @property
    def description(self) -> str:
        return self.localized("description")

    @property
    def unit(self) -> str:
        return self.localized("unit")


class CityMembership(TimeStampedModel):
    """Who may manage a city's rows in the admin: city staff, or the administrator of one partner.

    A staff user who is not a superuser sees and edits only the rows of the cities they belong to.
    """

    class Role(models.TextChoices):
        CITY_STAFF = "city_staff", _("City staff")
        PARTNER_ADMIN = "partner_admin", _("Partner administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="city_memberships",
    )  # fmt: skip
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITY_STAFF)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="memberships", help_text=_("Only for partner administrators."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("city membership")
        verbose_name_plural = _("city memberships")
        ordering = ["city", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="city_membership_unique_user_city"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.city} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role == self.Role.PARTNER_ADMIN and not self.partner_id:
            raise ValidationError({"partner": _("A partner administrator needs a partner.")})
        if self.partner_id and self.city_id and self.partner.city_id != self.city_id:
            raise ValidationError({"partner": _("The partner must be a partner of the same city.")})
