from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.catalogue.interchange.importer import FORMATS, ImportRejected, catalogue_import, max_bytes
from rianru.core.commands import ServiceCommand, read_input
from rianru.network.selectors import city_get


def error_line(error: dict) -> str:
    """One problem of the file, in the operator's language."""
    values = {
        "line": error.get("line"),
        "index": error.get("index"),
        "field": error["field"],
        "message": error["message"],
    }
    if "line" in error:
        text = (
            _("Line %(line)s, %(field)s: %(message)s") if error["field"] else _("Line %(line)s: %(message)s")
        )
    else:
        text = (
            _("Record %(index)s of @graph, %(field)s: %(message)s")
            if error["field"]
            else _("Record %(index)s of @graph: %(message)s")
        )
    return text % values


class Command(ServiceCommand):
    help = (
        "Import a catalogue file (schema.org JSON-LD or CSV) into a city. Every record is checked first; "
        "a file with errors changes nothing unless --valid-only is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import (JSON-LD or CSV; - reads standard input)")
        parser.add_argument("--city", required=True, help="the city's slug, e.g. khon-kaen")
        parser.add_argument("--format", choices=FORMATS, help="the file's format (default: from its content)")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid records and skip the others"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")

    def read(self, name: str) -> bytes:
        return read_input(name, max_bytes())

    def handle(self, *args, file, city, format, valid_only, dry_run, **options):
        try:
            city_row = city_get(slug=city)
            result = catalogue_import(
                actor=None, city=city_row, data=self.read(file), format=format, valid_only=valid_only,
                dry_run=dry_run,
            )  # fmt: skip
        except ImportRejected as exc:
            for error in exc.extra["errors"]:
                self.stderr.write(error_line(error))
            raise CommandError(
                _("%(message)s Fix the file, or import its valid records with --valid-only.")
                % {"message": exc.message}
            ) from None
        for error in result.errors:
            self.stderr.write(error_line(error))
        counts = {**result.counts(), "city": city_row.slug}
        summary = (
            _("Dry run for %(city)s, nothing written: %(created)s to create, %(updated)s to update, "
              "%(unchanged)s unchanged, %(skipped_invalid)s invalid skipped.")
            if dry_run
            else _("Imported into %(city)s: %(created)s created, %(updated)s updated, "
                   "%(unchanged)s unchanged, %(skipped_invalid)s invalid skipped.")
        )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(summary % counts))
