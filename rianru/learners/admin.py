"""Learners in the admin: city staff (and superusers) of the learner's city only; partner administrators
never see learners. Rows are written through the services; deleting is erasure (PDPA), an action with a
confirmation page."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rianru.core.errors import ApplicationError
from rianru.learners import selectors, services
from rianru.learners.models import Learner, LearnerEmail
from rianru.learners.permissions import learner_city_ids


class LearnerScopedMixin:
    """Only city staff of the rows' cities (and superusers), on top of Django's model permissions."""

    def city_ids(self, request) -> set[int] | None:
        if not hasattr(request, "_rianru_learner_city_ids"):
            request._rianru_learner_city_ids = learner_city_ids(request.user)
        return request._rianru_learner_city_ids

    def staff_ok(self, request) -> bool:
        city_ids = self.city_ids(request)
        return city_ids is None or bool(city_ids)

    def has_module_permission(self, request) -> bool:
        return self.staff_ok(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.staff_ok(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return self.staff_ok(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.staff_ok(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a learner goes by erasure (the action), never by a plain delete

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        city_ids = self.city_ids(request)
        return rows if city_ids is None else rows.filter(city_id__in=city_ids)


class LearnerEmailInline(LearnerScopedMixin, admin.TabularInline):
    model = LearnerEmail
    fields = ["address", "verified_at"]
    readonly_fields = ["verified_at"]
    extra = 1

    def get_readonly_fields(self, request, obj=None):
        return ["address", "verified_at"] if obj is not None else ["verified_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)


class LearnerForm(forms.ModelForm):
    account_name = forms.CharField(
        label=_("account name"),
        required=False,
        max_length=64,
        help_text=_(
            "Leave empty for a random one. It never changes: partners' systems use it in statements."
        ),
    )

    class Meta:
        model = Learner
        fields = ["city", "user", "account_name", "display_name"]

    def clean(self):
        data = super().clean()
        if data.get("city") and data.get("user"):
            try:
                services.learner_create_check(
                    city=data["city"],
                    user=data["user"],
                    account_name=(data.get("account_name") or "").strip(),
                )
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from error
        return data


@admin.register(Learner)
class LearnerAdmin(LearnerScopedMixin, admin.ModelAdmin):
    form = LearnerForm
    list_display = ["account_name", "display_name", "user", "city", "verified_emails", "created_at"]
    list_filter = [("city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=account_name", "display_name", "user__username", "=emails__address"]
    list_select_related = ["user", "city"]
    inlines = [LearnerEmailInline]
    actions = ["erase", "verify_emails"]
    raw_id_fields = ["user"]

    @admin.display(description=_("verified e-mail addresses"))
    def verified_emails(self, obj: Learner) -> str:
        return ", ".join(email.address for email in obj.emails.all() if email.verified)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("emails")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["city", "user", "account_name", "display_name"]
        return ["city", "user", "account_name", "xapi_account", "display_name", "record_size", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["city", "user", "account_name", "xapi_account", "record_size", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        city_ids = self.city_ids(request)
        if db_field.name == "city" and city_ids is not None:
            field.queryset = field.queryset.filter(pk__in=city_ids)
        return field

    @admin.display(description=_("xAPI account"))
    def xapi_account(self, obj: Learner) -> str:
        account = selectors.learner_account(obj)["account"]
        return f'{{"homePage": "{account["homePage"]}", "name": "{account["name"]}"}}'

    @admin.display(description=_("statements in the learning record"))
    def record_size(self, obj: Learner) -> int:
        return selectors.learner_statement_count(learner=obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["display_name", "updated_at"])
            return
        try:
            learner = services.learner_create(
                actor=request.user,
                city=form.cleaned_data["city"],
                user=form.cleaned_data["user"],
                account_name=form.cleaned_data.get("account_name", ""),
                display_name=form.cleaned_data.get("display_name", ""),
            )
        except ApplicationError as error:  # the form checked; only a concurrent creation gets here
            messages.error(request, error.message)
            return
        obj.pk = learner.pk
        obj.account_name = learner.account_name

    def save_formset(self, request, form, formset, change):
        learner = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk is None and inline_form.has_changed() and inline_form.cleaned_data:
                try:
                    formset.new_objects.append(
                        services.learner_email_add(
                            actor=request.user, learner=learner, address=inline_form.cleaned_data["address"]
                        )
                    )
                except ApplicationError as error:
                    messages.error(request, error.message)

    @admin.action(description=_("Mark the selected learners' e-mail addresses as verified"))
    def verify_emails(self, request, queryset):
        count = 0
        for learner in queryset:
            for email in learner.emails.filter(verified_at__isnull=True).select_related("city"):
                try:
                    services.learner_email_verify(actor=request.user, email=email)
                    count += 1
                except ApplicationError as error:
                    messages.error(request, error.message)
        messages.success(
            request,
            ngettext("%(count)d address verified.", "%(count)d addresses verified.", count)
            % {"count": count},
        )

    @admin.action(description=_("Erase the selected learners (PDPA)"))
    def erase(self, request, queryset):
        learners = list(queryset.select_related("city", "user"))
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase learners"),
                "learners": learners,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, "learners/admin/erase_confirm.html", context)
        erased = 0
        for learner in learners:
            try:
                services.learner_erase(actor=request.user, learner=learner)
                erased += 1
            except ApplicationError as error:
                messages.error(request, error.message)
        messages.success(
            request,
            ngettext(
                "%(count)d learner erased: their statements are pseudonymised, their data deleted.",
                "%(count)d learners erased: their statements are pseudonymised, their data deleted.",
                erased,
            )
            % {"count": erased},
        )
        return None
