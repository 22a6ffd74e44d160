from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "rianru.network"
    verbose_name = _("Network: cities and partners")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from rianru.network.models import City
        from rianru.network.selectors import forget_cities

        post_save.connect(forget_cities, sender=City, dispatch_uid="rianru.network.forget_cities.save")
        post_delete.connect(forget_cities, sender=City, dispatch_uid="rianru.network.forget_cities.delete")
