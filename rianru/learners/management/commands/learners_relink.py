"""rianru learners relink: link every stored statement of a city to its learners (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rianru.learners import services
from rianru.learners.management.commands._common import city_arg


class Command(BaseCommand):
    help = "Link the statements stored in a city's LRS to its learners again (repairs missed links)."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="the city's slug")

    def handle(self, *args, **options):
        city = city_arg(options["city"])
        count = services.city_relink(city=city)
        self.stdout.write(_("%(count)s new links to statements.") % {"count": count})
