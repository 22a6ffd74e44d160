from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rianru.core.errors import ApplicationError
from rianru.frameworks.services import reference_load


class Command(BaseCommand):
    help = "Load the SDGs, SDG 4 targets and UNESCO Key Features of Learning Cities (idempotent)."

    def handle(self, *args, **options):
        try:
            results = reference_load()
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        for result in results:
            line = (
                _("%(name)s: %(rows)s rows, version %(version)s (loaded)")
                if result.changed
                else _("%(name)s: %(rows)s rows, version %(version)s (unchanged)")
            )
            self.stdout.write(line % {"name": result.name, "rows": result.rows, "version": result.version})
