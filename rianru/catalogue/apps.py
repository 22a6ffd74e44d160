from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "rianru.catalogue"
    verbose_name = _("Catalogue: learning opportunities and spaces")

    def ready(self) -> None:
        from rianru.catalogue import lrs_activities
        from rianru.lrs.hooks import register_activity_resolver

        register_activity_resolver(lrs_activities.resolve)
