"""LRS credentials and a read-only statement list in the admin, scoped like every city-owned row.

City staff manage the credentials of every partner of their cities; a partner administrator only those
of their own partner. Creating or rotating a credential shows its secret once, in a message.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rianru.core.admin import ReadOnlyAdmin
from rianru.core.errors import ApplicationError
from rianru.lrs import services
from rianru.lrs.models import Credential, Forwarding, ForwardingRejection, Scope, Statement
from rianru.lrs.permissions import can_manage_forwarding
from rianru.lrs.services import upload
from rianru.network.admin import CityScopedMixin
from rianru.network.models import Partner
from rianru.network.permissions import limited_partner_ids


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
            "Key: %(key)s — secret: %(secret)s — "
            "keep the secret now: it is stored hashed and cannot be shown again."
        )
        % {"key": credential.key, "secret": secret},
    )


def for_each(request, rows, action) -> None:
    """Apply an admin action's service to each row; a row the service refuses is reported, the rest go on."""
    for row in rows:
        try:
            action(row)
        except ApplicationError as error:
            messages.error(request, error.message)


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
        partner_ids = limited_partner_ids(request.user)
        return rows if partner_ids is None else rows.filter(partner_id__in=partner_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partner":
            self.scope_choices(request, field)
            partner_ids = limited_partner_ids(request.user)
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
        for_each(
            request,
            queryset.select_related("partner", "city"),
            lambda credential: services.credential_revoke(actor=request.user, credential=credential),
        )
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


class UploadForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("partner"), queryset=Partner.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with a header line: "
            "email or account, name, activity, verb, when, score … (docs/lrs.md)"
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, store nothing"), required=False)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        only = list(partners[:2])
        if len(only) == 1:
            self.fields["partner"].initial = only[0]


@admin.register(Statement)
class StatementAdmin(CityScopedMixin, ReadOnlyAdmin):
    """A read-only list of the statements stored in the user's cities (a partner administrator: their own),
    and the CSV upload of attendance and completions."""

    change_list_template = "admin/lrs/statement/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", view, name="lrs_statement_upload"), *super().get_urls()]

    def upload_partners(self, request):
        partners = self.scope(request, Partner.objects.select_related("city")).order_by(
            "city__slug", "name_en"
        )
        partner_ids = limited_partner_ids(request.user)
        return partners if partner_ids is None else partners.filter(pk__in=partner_ids)

    def upload_view(self, request):
        """The upload page; with HX-Request only the result fragment (the form posts with HTMX)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = self.upload_partners(request)
        form = UploadForm(request.POST or None, request.FILES or None, partners=partners)
        result, errors, error_count, message = None, [], 0, ""
        if request.method == "POST" and form.is_valid():
            try:
                result = upload.statements_upload(
                    actor=request.user,
                    partner=form.cleaned_data["partner"],
                    data=form.cleaned_data["file"].read(upload.max_bytes() + 1),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except upload.UploadRejected as error:
                message, errors = error.message, error.extra["errors"]
                error_count = error.extra["error_count"]
            except ApplicationError as error:
                message = error.message
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Upload attendance and completions"),
            "form": form,
            "result": result,
            "errors": errors[:200],
            "more_errors": max(error_count - 200, 0),
            "message": message,
            "columns": upload.COLUMNS,
        }
        fragment = getattr(request, "htmx", False)
        template = (
            "admin/lrs/statement/_upload_result.html" if fragment else "admin/lrs/statement/upload.html"
        )
        bad = request.method == "POST" and (message or not form.is_valid())
        return TemplateResponse(request, template, context, status=400 if bad and not fragment else 200)

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
        partner_ids = limited_partner_ids(request.user)
        return rows if partner_ids is None else rows.filter(partner_id__in=partner_ids)


class ForwardingForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave it empty to keep the current one."),
    )
    from_now = forms.BooleanField(
        label=_("Only statements stored from now on"),
        required=False,
        help_text=_("Otherwise every statement the city has stored is forwarded too."),
    )

    class Meta:
        model = Forwarding
        fields = ["city", "name", "endpoint", "key", "xapi_version", "enabled"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("secret"):
            self.add_error("secret", gettext("Give the secret the other LRS gave you."))
        return data


@admin.register(Forwarding)
class ForwardingAdmin(CityScopedMixin, admin.ModelAdmin):
    """Where a city's statements are forwarded: city staff only;
    progress and failures are shown, never edited."""

    form = ForwardingForm
    list_display = ["__str__", "city", "enabled", "forwarded", "last_forwarded_at", "failures", "short_error"]
    list_filter = [("city", admin.RelatedOnlyFieldListFilter), "enabled"]
    progress = ["cursor", "forwarded", "last_forwarded_at", "failures", "failing_since", "next_attempt_at",
                "last_error", "refused"]  # fmt: skip
    actions = ["rewind", "retry_now"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if limited_partner_ids(request.user) is not None:
            return rows.none()
        return rows

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and limited_partner_ids(request.user) is None

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and limited_partner_ids(request.user) is None

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and limited_partner_ids(request.user) is None

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and limited_partner_ids(request.user) is None

    def get_fields(self, request, obj=None):
        fields = ["city", "name", "endpoint", "key", "secret", "xapi_version", "enabled"]
        return [*fields, "from_now"] if obj is None else [*fields, *self.progress]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["city", *self.progress]

    @admin.display(description=_("last error"))
    def short_error(self, obj: Forwarding) -> str:
        return obj.last_error[:120]

    @admin.display(description=_("refused statements"))
    def refused(self, obj: Forwarding) -> int:
        return obj.rejections.count()

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not can_manage_forwarding(request.user, obj.city):
            return False
        return super().has_delete_permission(request, obj) and limited_partner_ids(request.user) is None

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.forwarding_update(
                    actor=request.user, forwarding=obj, name=data["name"], endpoint=data["endpoint"],
                    key=data["key"], secret=data.get("secret") or None, xapi_version=data["xapi_version"],
                    enabled=data["enabled"],
                )  # fmt: skip
                return
            created = services.forwarding_create(
                actor=request.user, city=data["city"], endpoint=data["endpoint"], key=data["key"],
                secret=data["secret"], xapi_version=data["xapi_version"], name=data["name"],
                enabled=data["enabled"], from_now=data.get("from_now", False),
            )  # fmt: skip
        except ApplicationError as error:
            raise PermissionDenied(str(error.message)) from error
        obj.pk = created.pk

    @admin.action(description=_("Send every statement again"))
    def rewind(self, request, queryset):
        for_each(request, queryset.select_related("city"),
                 lambda row: services.forwarding_rewind(actor=request.user, forwarding=row))  # fmt: skip
        messages.success(request, gettext("The selected forwardings send every statement again."))

    @admin.action(description=_("Try again now"))
    def retry_now(self, request, queryset):
        for_each(request, queryset.select_related("city"), lambda row: services.forwarding_update(
            actor=request.user, forwarding=row, enabled=row.enabled))  # fmt: skip
        messages.success(request, gettext("The selected forwardings are tried again at once."))


@admin.register(ForwardingRejection)
class ForwardingRejectionAdmin(ReadOnlyAdmin):
    """Statements another LRS refused: what it said, and an action to send them again."""

    list_display = ["created_at", "forwarding", "statement_uuid", "status", "message"]
    list_filter = ["status"]
    list_select_related = ["forwarding", "statement"]
    fields = ["forwarding", "statement", "status", "message", "created_at"]
    actions = ["send_again"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        city_ids = managed_city_ids_of(request)
        if limited_partner_ids(request.user) is not None:
            return rows.none()
        return rows if city_ids is None else rows.filter(forwarding__city_id__in=city_ids)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and limited_partner_ids(request.user) is None

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and limited_partner_ids(request.user) is None

    @admin.display(description=_("statement id"))
    def statement_uuid(self, obj: ForwardingRejection) -> str:
        return str(obj.statement.statement_id)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_active and (
            request.user.is_superuser or request.user.has_perm("lrs.change_forwarding")
        ):
            return actions
        actions.pop("send_again", None)
        return actions

    @admin.action(description=_("Send the selected statements again"))
    def send_again(self, request, queryset):
        try:
            accepted, refused = services.rejections_retry(actor=request.user, rejections=queryset)
        except ApplicationError as error:
            messages.error(request, error.message)
            return
        messages.success(
            request,
            gettext("%(accepted)s accepted, %(refused)s refused again.")
            % {"accepted": accepted, "refused": refused},
        )


def managed_city_ids_of(request):
    from rianru.network.permissions import managed_city_ids

    return managed_city_ids(request.user)
