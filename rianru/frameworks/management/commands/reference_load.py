from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.frameworks.services import reference_load


class Command(ServiceCommand):
    help = "Load the SDGs, SDG 4 targets and UNESCO Key Features of Learning Cities (idempotent)."

    def handle(self, *args, **options):
        results = reference_load()
        for result in results:
            line = (
                _("%(name)s: %(rows)s rows, version %(version)s (loaded)")
                if result.changed
                else _("%(name)s: %(rows)s rows, version %(version)s (unchanged)")
            )
            self.stdout.write(line % {"name": result.name, "rows": result.rows, "version": result.version})
