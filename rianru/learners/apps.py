from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    name = "rianru.learners"
    verbose_name = _("Learners")

    def ready(self) -> None:
        from rianru.learners import receivers

        receivers.connect()
