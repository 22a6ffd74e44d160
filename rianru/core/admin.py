"""The admin site's name, the read-only admin used for reference data, and the audit trail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rianru.core.models import AuditEvent

admin.site.site_header = _("Rianru administration")
admin.site.site_title = _("Rianru administration")
admin.site.index_title = _("City administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that come from elsewhere (reference files, migrations, services): shown, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Every city's writes are here, so only superusers read it (core knows nothing of city memberships)."""

    list_display = ["created_at", "action", "target_type", "target_id", "city_slug", "actor"]
    list_filter = ["action", "target_type", "city_slug"]
    search_fields = ["action", "target_type", "target_id", "city_slug", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser
