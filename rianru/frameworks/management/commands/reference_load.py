from django.core.management.base import BaseCommand, CommandError

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
            state = "loaded" if result.changed else "unchanged"
            self.stdout.write(f"{result.name}: {result.rows} rows, version {result.version} ({state})")
