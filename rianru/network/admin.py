"""The network in the admin, and the city scoping every city-owned admin uses.

A staff user who is not a superuser manages only the cities they belong to (`CityMembership`): the
lists, the rows they may open, the choices in every drop-down and the city a row is saved into.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rianru.network.errors import CrossCityReference
from rianru.network.models import (
    City,
    CityMembership,
    CityOwned,
    Commitment,
    Community,
    ContributedResource,
    Mou,
    MouSignatory,
    Partner,
    PartnerContact,
    Zone,
)
from rianru.network.permissions import managed_city_ids
from rianru.network.services import ensure_same_city

CITY_FILTER = ("city", admin.RelatedOnlyFieldListFilter)


def _city_lookup(model) -> str | None:
    """How a model's rows are scoped: by their own pk (City), by `city` (city-owned rows), or not at all."""
    if issubclass(model, City):
        return "pk"
    if issubclass(model, CityOwned):
        return "city"
    return None


class CityScopedMixin:
    """Limit a ModelAdmin or an inline, and the choices of its relations, to the user's cities."""

    # A web address typed without a scheme is taken as https:// (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def managed_city_ids(self, request) -> set[int] | None:
        if not hasattr(request, "_rianru_city_ids"):
            request._rianru_city_ids = managed_city_ids(request.user)
        return request._rianru_city_ids

    def scope(self, request, queryset):
        city_ids = self.managed_city_ids(request)
        lookup = _city_lookup(queryset.model)
        if city_ids is None or lookup is None:
            return queryset
        return queryset.filter(**{f"{lookup}__in": city_ids})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def scope_choices(self, request, field):
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self.scope(request, field.queryset)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self.scope_choices(request, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self.scope_choices(request, super().formfield_for_manytomany(db_field, request, **kwargs))

    def ensure_city_managed(self, request, city_id) -> None:
        city_ids = self.managed_city_ids(request)
        if city_ids is not None and city_id not in city_ids:
            raise PermissionDenied(_("You do not manage this city."))


class CityOwnedForm(forms.ModelForm):
    """Every city-owned row a row points to must belong to the row's own city.

    Inline rows take their city from the row they are edited under (`parent_city`).
    """

    def __init__(self, *args, parent_city: City | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_city is not None:
            self.instance.city = parent_city

    def clean(self):
        cleaned = super().clean()
        city = cleaned.get("city") if "city" in self.fields else None
        if city is None and self.instance.city_id:
            city = self.instance.city
        if city is not None:
            for name, value in list(cleaned.items()):
                if isinstance(value, CityOwned):
                    try:
                        ensure_same_city(city, value)
                    except CrossCityReference as exc:
                        self.add_error(name, exc.message)
        return cleaned


class CityInlineFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.instance is not None and self.instance.city_id:
            kwargs["parent_city"] = self.instance.city
        return kwargs


class CityOwnedAdmin(CityScopedMixin, admin.ModelAdmin):
    """A city-owned model: scoped to the user's cities; a row never moves to another city once saved."""

    form = CityOwnedForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "city"] if obj is not None and "city" not in fields else fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        city_ids = self.managed_city_ids(request)
        if city_ids is not None and len(city_ids) == 1:
            initial.setdefault("city", next(iter(city_ids)))
        return initial

    def save_model(self, request, obj, form, change):
        self.ensure_city_managed(request, obj.city_id)
        super().save_model(request, obj, form, change)


class CityOwnedInline(CityScopedMixin, admin.TabularInline):
    """Rows edited under a city-owned row: they take its city."""

    form = CityOwnedForm
    formset = CityInlineFormSet
    exclude = ["city"]
    extra = 0


class CityOwnedStackedInline(CityOwnedInline):
    template = admin.StackedInline.template


@admin.register(City)
class CityAdmin(CityScopedMixin, admin.ModelAdmin):
    list_display = ["name_th", "name_en", "slug", "population", "gnlc_member_since", "is_demo"]
    search_fields = ["name_th", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class CommunityInline(CityOwnedInline):
    model = Community
    fields = ["slug", "name_th", "name_en"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Zone)
class ZoneAdmin(CityOwnedAdmin):
    list_display = ["number", "name_th", "name_en", "city"]
    list_filter = [CITY_FILTER]
    search_fields = ["name_th", "name_en"]
    list_select_related = ["city"]
    inlines = [CommunityInline]


class PartnerContactInline(CityOwnedInline):
    model = PartnerContact
    fields = ["name", "role_th", "role_en", "email", "phone", "is_public"]


@admin.register(Partner)
class PartnerAdmin(CityOwnedAdmin):
    list_display = ["name_th", "name_en", "sector", "zone", "city", "is_active", "is_demo"]
    list_filter = ["sector", ("zone", admin.RelatedOnlyFieldListFilter), "is_active", "is_demo", CITY_FILTER]
    search_fields = ["name_th", "name_en", "short_name_en", "slug"]
    list_select_related = ["city", "zone"]
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ["logo_preview"]
    fieldsets = [
        (None, {"fields": ["city", "slug", "name_th", "name_en", "short_name_en", "sector", "zone"]}),
        (_("Description"), {"fields": ["description_th", "description_en", "logo", "logo_preview"]}),
        (
            _("Contact and location"),
            {"fields": ["website", "email", "phone", "address_th", "address_en", "latitude", "longitude"]},
        ),
        (_("Status"), {"fields": ["is_active", "is_demo"]}),
    ]
    inlines = [PartnerContactInline]

    @admin.display(description=_("current logo"))
    def logo_preview(self, obj: Partner) -> str:
        if not obj.logo:
            return "-"
        return format_html('<img src="{}" alt="" style="max-height: 80px">', obj.logo.url)


class MouSignatoryInline(CityOwnedInline):
    model = MouSignatory
    fields = ["partner", "position"]
    autocomplete_fields = ["partner"]


@admin.register(Mou)
class MouAdmin(CityOwnedAdmin):
    list_display = ["title_th", "title_en", "signed_on", "signatory_count", "city", "is_demo"]
    list_filter = [CITY_FILTER, "is_demo"]
    search_fields = ["title_th", "title_en", "slug"]
    date_hierarchy = "signed_on"
    list_select_related = ["city"]
    prepopulated_fields = {"slug": ("title_en",)}
    filter_horizontal = ["sdg_goals"]
    inlines = [MouSignatoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signatory_count=Count("signatory_rows"))

    @admin.display(description=_("signatories"), ordering="signatory_count")
    def signatory_count(self, obj: Mou) -> int:
        return obj.signatory_count


class ContributedResourceInline(CityOwnedInline):
    model = ContributedResource
    fields = [
        "partner",
        "kind",
        "description_th",
        "description_en",
        "quantity",
        "unit_th",
        "unit_en",
        "value_thb",
        "is_demo",
    ]
    autocomplete_fields = ["partner"]


@admin.register(Commitment)
class CommitmentAdmin(CityOwnedAdmin):
    list_display = ["title_th", "title_en", "partner", "mou", "status", "due_on", "city"]
    list_filter = ["status", CITY_FILTER, "is_demo"]
    search_fields = ["title_th", "title_en", "partner__name_th", "partner__name_en"]
    list_select_related = ["city", "partner", "mou"]
    autocomplete_fields = ["partner", "mou"]
    filter_horizontal = ["sdg_goals", "kflc_features"]
    inlines = [ContributedResourceInline]


@admin.register(ContributedResource)
class ContributedResourceAdmin(CityOwnedAdmin):
    list_display = ["description_th", "description_en", "partner", "kind", "quantity", "value_thb", "city"]
    list_filter = ["kind", CITY_FILTER, "is_demo"]
    search_fields = ["description_th", "description_en", "partner__name_th", "partner__name_en"]
    list_select_related = ["city", "partner"]
    autocomplete_fields = ["partner", "commitment"]


@admin.register(CityMembership)
class CityMembershipAdmin(admin.ModelAdmin):
    """Only superusers say who manages which city: staff cannot widen their own scope."""

    list_display = ["user", "city", "role", "partner"]
    list_filter = ["role", "city"]
    search_fields = ["user__username", "user__email", "city__name_th", "city__name_en"]
    list_select_related = ["user", "city", "partner"]
    autocomplete_fields = ["user", "partner"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)
