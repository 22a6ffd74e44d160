"""LRS credentials and a read-only statement list in the admin, scoped like every city-owned row.

City staff manage the credentials of every partner of their cities; a partner administrator only those
of their own partner. Creating or rotating a credential shows its secret once, in a message.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rianru.core.admin import ReadOnlyAdmin
from rianru.core.errors import ApplicationError
from rianru.lrs import services
from rianru.lrs.models import Credential, Scope, Statement
from rianru.network.admin import CityScopedMixin
from rianru.network.models import CityMembership


def partner_admin_partner_ids(user) -> set[int] | None:
    """The partners a partner administrator is limited to; None for superusers and city staff."""
    if user.is_superuser:
        return None
    memberships = list(CityMembership.objects.filter(user=user))
    if any(membership.role == CityMembership.Role.CITY_STAFF for membership in memberships):
        return None
    return {membership.partner_id for membership in memberships if membership.partner_id}


class CredentialForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.STATEMENTS_WRITE],
    )

    class Meta:
        model = Credential
        fields = ["partner", "name", "scopes", "xapi_version"]


def show_secret(request, credential: Credential, secret: str) -> None:
    messages.warning(
        request,
        gettext(
            "Key: %(key)s — secret: %(secret)s — keep the secret now: it is stored hashed and cannot be shown again."
        )
        % {"key": credential.key, "secret": secret},
    )


@admin.register(Credential)
class CredentialAdmin(CityScopedMixin, admin.ModelAdmin):
    form = CredentialForm
    list_display = [
        "key",
        "partner",
        "name",
        "scope_list",
        "xapi_version",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("city", admin.RelatedOnlyFieldListFilter), "revoked_at"]
    search_fields = ["key", "name", "partner__name_th", "partner__name_en"]
    list_select_related = ["partner", "city"]
    actions = ["revoke", "rotate"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: Credential) -> str:
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in obj.scopes)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        partner_ids = partner_admin_partner_ids(request.user)
        return rows if partner_ids is None else rows.filter(partner_id__in=partner_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partner":
            self.scope_choices(request, field)
            partner_ids = partner_admin_partner_ids(request.user)
            if partner_ids is not None:
                field.queryset = field.queryset.filter(pk__in=partner_ids)
        return field

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["partner", "key", "scope_list", "xapi_version", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes", "xapi_version"]
        return [
            "partner",
            "key",
            "name",
            "scope_list",
            "xapi_version",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the statements keep their authority

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "updated_at"])
            return
        try:
            credential, secret = services.credential_create(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                scopes=form.cleaned_data["scopes"],
                name=form.cleaned_data.get("name", ""),
                xapi_version=form.cleaned_data["xapi_version"],
            )
        except ApplicationError as error:
            # the partner choices are already limited; this is the service's own check
            raise forms.ValidationError(error.message) from error
        obj.pk = credential.pk
        show_secret(request, credential, secret)

    @admin.action(description=_("Revoke the selected credentials"))
    def revoke(self, request, queryset):
        for credential in queryset.select_related("partner", "city"):
            try:
                services.credential_revoke(actor=request.user, credential=credential)
            except ApplicationError as error:
                messages.error(request, error.message)
        messages.success(request, gettext("The selected credentials are revoked."))

    @admin.action(description=_("Give the selected credentials a new secret"))
    def rotate(self, request, queryset):
        for credential in queryset.select_related("partner", "city"):
            try:
                credential, secret = services.credential_rotate(actor=request.user, credential=credential)
            except ApplicationError as error:
                messages.error(request, error.message)
                continue
            show_secret(request, credential, secret)


@admin.register(Statement)
class StatementAdmin(CityScopedMixin, ReadOnlyAdmin):
    """A read-only list of the statements stored in the user's cities (a partner administrator: their own)."""

    list_display = [
        "statement_id",
        "verb_id",
        "actor_key",
        "object_activity_id",
        "partner",
        "stored",
        "voided",
    ]
    list_filter = [("city", admin.RelatedOnlyFieldListFilter), "voided"]
    search_fields = ["=statement_id", "verb_id", "actor_key", "object_activity_id"]
    list_select_related = ["partner"]
    fields = ["statement_id", "partner", "stored", "voided", "data"]
    readonly_fields = fields
    ordering = ["-stored", "-id"]
    show_full_result_count = False  # a city may hold millions of statements: no second COUNT(*)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        city_ids = self.managed_city_ids(request)
        if city_ids is not None:
            rows = rows.filter(city_id__in=city_ids)
        partner_ids = partner_admin_partner_ids(request.user)
        return rows if partner_ids is None else rows.filter(partner_id__in=partner_ids)
