from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "rianru.search"
    verbose_name = _("Search")

    def ready(self):
        from rianru.search import signals

        signals.connect()
