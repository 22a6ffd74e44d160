"""Learning opportunities (course, workshop, event, online resource), their sessions, and learning spaces."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rianru.core.models import BilingualMixin
from rianru.frameworks.models import KflcItem, SdgGoal, SdgTarget
from rianru.network.models import LATITUDE, LONGITUDE, CityOwned, Community, Partner, Zone


class LifeStage(BilingualMixin, models.Model):
    """The five life stages Thai learning-city sites use; rows are created by a migration."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    position = models.PositiveSmallIntegerField(_("position"))
    name_th = models.CharField(_("name (Thai)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    age_min = models.PositiveSmallIntegerField(_("from age"))
    age_max = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)

    class Meta:
        verbose_name = _("life stage")
        verbose_name_plural = _("life stages")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Topic(BilingualMixin, models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


# Choices that the JSON API publishes are module-level classes with names of their own: the OpenAPI schema
# names an enum after its class, and two nested classes both called `Kind` were one schema (config/api.py now
# refuses such a clash). The models keep `Opportunity.Kind` and the like as aliases.


class LearningSpaceKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    MUSEUM = "museum", _("Museum")
    PARK = "park", _("Park")
    COMMUNITY_LEARNING_CENTRE = "community_learning_centre", _("Community learning centre")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    TEMPLE = "temple", _("Temple")
    PRIVATE_VENUE = "private_venue", _("Private venue")
    HERITAGE = "heritage", _("Heritage site")
    SPORTS = "sports", _("Sports venue")


class OpportunityKind(models.TextChoices):
    COURSE = "course", _("Course")
    WORKSHOP = "workshop", _("Workshop")
    EVENT = "event", _("Event")
    ONLINE_RESOURCE = "online_resource", _("Online resource")


class OpportunityMode(models.TextChoices):
    ONLINE = "online", _("Online")
    ONSITE = "onsite", _("On site")
    BLENDED = "blended", _("Blended")


class LearningSpace(BilingualMixin, CityOwned):
    Kind = LearningSpaceKind

    class Facility(models.TextChoices):
        WIFI = "wifi", _("Wi-Fi")
        COMPUTERS = "computers", _("Computers")
        MEETING_ROOM = "meeting_room", _("Meeting room")
        CLASSROOM = "classroom", _("Classroom")
        AUDITORIUM = "auditorium", _("Auditorium")
        EXHIBITION = "exhibition", _("Exhibition")
        LIBRARY_CORNER = "library_corner", _("Reading corner")
        KITCHEN = "kitchen", _("Kitchen")
        GARDEN = "garden", _("Garden")
        PLAYGROUND = "playground", _("Playground")
        SPORTS_FIELD = "sports_field", _("Sports field")
        PARKING = "parking", _("Parking")
        CAFE = "cafe", _("Café")
        MAKERSPACE = "makerspace", _("Makerspace")
        TOILETS = "toilets", _("Toilets")

    class Access(models.TextChoices):
        WHEELCHAIR = "wheelchair", _("Wheelchair access")
        ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
        RAMP = "ramp", _("Ramp")
        LIFT = "lift", _("Lift")
        BRAILLE = "braille", _("Braille signs")
        SIGN_LANGUAGE = "sign_language", _("Sign-language interpreting")
        HEARING_LOOP = "hearing_loop", _("Hearing loop")
        ACCESSIBLE_PARKING = "accessible_parking", _("Accessible parking")

    slug = models.SlugField(_("slug"), max_length=120)
    external_id = models.CharField(
        _("external id"), max_length=200, blank=True,
        help_text=_("The id this record has in the system it was imported from; stable across re-imports."),
    )  # fmt: skip
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    owner = models.ForeignKey(
        Partner, verbose_name=_("owner partner"), on_delete=models.PROTECT, related_name="spaces"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.SET_NULL)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.SET_NULL
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE)
    address_th = models.CharField(_("address (Thai)"), max_length=400, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=400, blank=True)
    opening_hours_th = models.CharField(_("opening hours (Thai)"), max_length=300, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=300, blank=True)
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    accessibility = models.JSONField(_("accessibility"), default=list, blank=True)
    is_accessible = models.BooleanField(
        _("step-free access"), default=False, db_index=True, help_text=_("Set from the accessibility list.")
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("learning space")
        verbose_name_plural = _("learning spaces")
        ordering = ["city", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="space_unique_slug_per_city"),
            models.UniqueConstraint(
                fields=["city", "external_id"], condition=~models.Q(external_id=""),
                name="space_unique_external_id_per_city",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["city", "kind"], name="space_city_kind")]

    def __str__(self) -> str:
        return self.localized("name")

    def clean(self) -> None:
        errors = {}
        unknown = set(self.facilities or []) - set(self.Facility.values)
        if unknown:
            errors["facilities"] = _("Unknown facilities: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        unknown = set(self.accessibility or []) - set(self.Access.values)
        if unknown:
            errors["accessibility"] = _("Unknown accessibility features: %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

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
    def opening_hours(self) -> str:
        return self.localized("opening_hours")

    @property
    def facility_labels(self) -> list[str]:
        labels = dict(self.Facility.choices)
        return [labels[c] for c in self.facilities if c in labels]

    @property
    def accessibility_labels(self) -> list[str]:
        labels = dict(self.Access.choices)
        return [labels[c] for c in self.accessibility if c in labels]

    def get_absolute_url(self) -> str:
        return reverse("catalogue:space_detail", kwargs={"city": self.city.slug, "slug": self.slug})


class Opportunity(BilingualMixin, CityOwned):
    """A learning opportunity offered by a partner: a course, workshop, event or online resource."""

    Kind = OpportunityKind
    Mode = OpportunityMode

    class Language(models.TextChoices):
        THAI = "th", _("Thai")
        ENGLISH = "en", _("English")
        THAI_ENGLISH = "th_en", _("Thai and English")
        ISAN = "isan", _("Isan")
        CHINESE = "zh", _("Chinese")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("slug"), max_length=160)
    external_id = models.CharField(
        _("external id"), max_length=200, blank=True,
        help_text=_("The id this record has in the system it was imported from; stable across re-imports."),
    )  # fmt: skip
    provider = models.ForeignKey(
        Partner, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="opportunities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_th = models.CharField(_("summary (Thai)"), max_length=500, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=500, blank=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, db_index=True)
    price_thb = models.DecimalField(
        _("price (THB)"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)],
        help_text=_("0 means free."),
    )  # fmt: skip
    is_free = models.BooleanField(_("free"), default=True, editable=False, db_index=True)
    has_certificate = models.BooleanField(_("certificate"), default=False)
    hours = models.DecimalField(
        _("learning hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.THAI)
    life_stages = models.ManyToManyField(
        LifeStage, verbose_name=_("life stages"), blank=True, related_name="+"
    )
    age_min = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="opportunities")
    sdg_goals = models.ManyToManyField(SdgGoal, verbose_name=_("SDG goals"), blank=True, related_name="+")
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("SDG targets"), blank=True, related_name="+"
    )
    kflc_features = models.ManyToManyField(
        KflcItem, verbose_name=_("KFLC key features"), blank=True, related_name="+",
        limit_choices_to={"level": KflcItem.Level.FEATURE},
    )  # fmt: skip
    url = models.URLField(_("web page"), blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("learning opportunity")
        verbose_name_plural = _("learning opportunities")
        ordering = ["city", "title_en"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="opportunity_unique_slug_per_city"),
            models.UniqueConstraint(
                fields=["city", "external_id"], condition=~models.Q(external_id=""),
                name="opportunity_unique_external_id_per_city",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="opportunity_age_range_ordered",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["city", "status", "kind"], name="opportunity_city_status_kind")]

    def __str__(self) -> str:
        return self.localized("title")

    def clean(self) -> None:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("The maximum age must not be below the minimum age.")})
        if self.provider_id and self.city_id and self.provider.city_id != self.city_id:
            raise ValidationError({"provider": _("The provider must be a partner of the same city.")})

    def save(self, *args, **kwargs):
        self.is_free = not self.price_thb
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "price_thb" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_free"}
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def summary(self) -> str:
        return self.localized("summary")

    @property
    def description(self) -> str:
        return self.localized("description")

    def get_absolute_url(self) -> str:
        return reverse("catalogue:opportunity_detail", kwargs={"city": self.city.slug, "slug": self.slug})


class Session(BilingualMixin, CityOwned):
    """One dated occurrence of an opportunity, at a place, with its capacity and registration window."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    space = models.ForeignKey(
        LearningSpace, verbose_name=_("learning space"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sessions",
    )  # fmt: skip
    place_th = models.CharField(_("other place (Thai)"), max_length=300, blank=True)
    place_en = models.CharField(_("other place (English)"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_opens_at__lte=models.F("registration_closes_at")),
                name="session_registration_window_ordered",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["city", "starts_at"], name="session_city_starts"),
            # The search indexer asks every 0.5 s which sessions crossed one of these instants.
            models.Index(fields=["starts_at"], name="session_starts"),
            models.Index(fields=["ends_at"], name="session_ends"),
            models.Index(fields=["registration_opens_at"], name="session_registration_opens"),
            models.Index(fields=["registration_closes_at"], name="session_registration_closes"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session must end after it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def place(self) -> str:
        return self.space.name if self.space_id else self.localized("place")

    def registration_is_open(self, now) -> bool:
        if self.is_cancelled:
            return False
        opens = self.registration_opens_at
        closes = self.registration_closes_at or self.starts_at
        return (opens is None or opens <= now) and now <= closes
