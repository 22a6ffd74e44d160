"""Reference data in the admin, read-only: it comes from the shipped files through `rianru reference load`."""

from django.contrib import admin

from rianru.core.admin import ReadOnlyAdmin
from rianru.frameworks.models import KflcItem, ReferenceDataset, SdgGoal, SdgTarget


@admin.register(SdgGoal)
class SdgGoalAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_th", "name_en", "colour"]
    search_fields = ["name_th", "name_th_alt", "name_en"]


@admin.register(SdgTarget)
class SdgTargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_th", "name_en", "goal"]
    list_filter = ["goal"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["goal"]


@admin.register(KflcItem)
class KflcItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "level", "title_th", "title_en", "sdg_links"]
    list_filter = ["level"]
    search_fields = ["code", "title_th", "title_en"]


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "rows", "loaded_at", "sha256"]
