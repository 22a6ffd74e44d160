"""The catalogue in the admin: learning opportunities with their sessions, learning spaces and topics."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.catalogue.services import space_is_accessible
from rianru.core.admin import ReadOnlyAdmin
from rianru.network.admin import CITY_FILTER, CityOwnedAdmin, CityOwnedForm, CityOwnedStackedInline


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "slug"]
    search_fields = ["name_th", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(LifeStage)
class LifeStageAdmin(ReadOnlyAdmin):
    """The five life stages are created by a migration: every city counts with the same ones."""

    list_display = ["position", "name_th", "name_en", "age_min", "age_max"]


class LearningSpaceAdminForm(CityOwnedForm):
    """Facilities and accessibility are JSON lists of codes, edited as checkboxes of the model's choices."""

    facilities = forms.MultipleChoiceField(
        label=_("facilities"),
        choices=LearningSpace.Facility.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility = forms.MultipleChoiceField(
        label=_("accessibility"),
        choices=LearningSpace.Access.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = LearningSpace
        fields = "__all__"


@admin.register(LearningSpace)
class LearningSpaceAdmin(CityOwnedAdmin):
    form = LearningSpaceAdminForm
    list_display = ["name_th", "name_en", "kind", "owner", "is_accessible", "city", "is_demo"]
    list_filter = ["kind", "is_accessible", CITY_FILTER, "is_demo"]
    search_fields = ["name_th", "name_en", "slug", "owner__name_th", "owner__name_en"]
    list_select_related = ["city", "owner"]
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ["owner", "zone"]
    readonly_fields = ["is_accessible"]
    fieldsets = [
        (None, {"fields": ["city", "slug", "name_th", "name_en", "kind", "owner"]}),
        (_("Description"), {"fields": ["description_th", "description_en"]}),
        (
            _("Place"),
            {
                "fields": [
                    "zone",
                    "community",
                    "latitude",
                    "longitude",
                    "address_th",
                    "address_en",
                    "opening_hours_th",
                    "opening_hours_en",
                    "website",
                    "phone",
                ]
            },
        ),
        (_("Facilities and accessibility"), {"fields": ["facilities", "accessibility", "is_accessible"]}),
        (_("Status"), {"fields": ["is_demo"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.is_accessible = space_is_accessible(obj.accessibility)
        super().save_model(request, obj, form, change)


class SessionInline(CityOwnedStackedInline):
    model = Session
    extra = 1
    fields = [
        ("starts_at", "ends_at"),
        "space",
        ("place_th", "place_en"),
        "online_url",
        "capacity",
        ("registration_opens_at", "registration_closes_at"),
        "is_cancelled",
    ]
    autocomplete_fields = ["space"]


@admin.register(Opportunity)
class OpportunityAdmin(CityOwnedAdmin):
    list_display = ["title_th", "title_en", "provider", "kind", "mode", "is_free", "status", "city"]
    list_filter = ["kind", "mode", "status", "is_free", CITY_FILTER, "is_demo"]
    search_fields = ["title_th", "title_en", "slug", "provider__name_th", "provider__name_en"]
    list_select_related = ["city", "provider"]
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ["provider"]
    filter_horizontal = ["life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features"]
    readonly_fields = ["is_free"]
    fieldsets = [
        (None, {"fields": ["city", "provider", "slug", "kind", "status"]}),
        (
            _("Title and description"),
            {
                "fields": [
                    "title_th",
                    "title_en",
                    "summary_th",
                    "summary_en",
                    "description_th",
                    "description_en",
                ]
            },
        ),
        (
            _("Format"),
            {
                "fields": [
                    "mode",
                    "language",
                    "hours",
                    "price_thb",
                    "is_free",
                    "has_certificate",
                    "url",
                    "registration_url",
                ]
            },
        ),
        (_("Who it is for"), {"fields": ["life_stages", "age_min", "age_max"]}),
        (_("Topics and alignment"), {"fields": ["topics", "sdg_goals", "sdg_targets", "kflc_features"]}),
        (_("Status"), {"fields": ["is_demo"]}),
    ]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(CityOwnedAdmin):
    list_display = ["opportunity", "starts_at", "ends_at", "space", "capacity", "is_cancelled", "city"]
    list_filter = ["is_cancelled", CITY_FILTER]
    search_fields = ["opportunity__title_th", "opportunity__title_en", "place_th", "place_en"]
    list_select_related = ["city", "opportunity", "space"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["opportunity", "space"]
