"""rianru lrs upload FILE --city SLUG --partner SLUG [--dry-run] [--json]:
attendance and completions as CSV."""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand, read_input
from rianru.lrs.services import UploadRejected, max_bytes, statements_upload
from rianru.network.models import Partner


def error_line(error: dict) -> str:
    values = {"line": error["line"], "column": error["column"], "message": error["message"]}
    if error["column"]:
        return _("Line %(line)s, %(column)s: %(message)s") % values
    return _("Line %(line)s: %(message)s") % values


class Command(ServiceCommand):
    help = (
        "Store a CSV file of attendance and completions as xAPI statements of a partner (docs/lrs.md). "
        "Every row is checked first; a file with an error stores nothing. "
        "Uploading it again stores nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8; - reads standard input)")
        parser.add_argument("--city", required=True, help="the city's slug, e.g. khon-kaen")
        parser.add_argument("--partner", required=True, help="the partner's slug")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but store nothing")
        parser.add_argument("--json", action="store_true", help="print the result (or the errors) as JSON")

    def read(self, name: str) -> bytes:
        return read_input(name, max_bytes())

    def handle(self, *args, file, city, partner, dry_run, **options):
        as_json = options["json"]
        row = Partner.objects.select_related("city").filter(city__slug=city, slug=partner).first()
        if row is None:
            raise CommandError(
                _("There is no partner %(partner)s in the city %(city)s.")
                % {"partner": partner, "city": city}
            )
        try:
            result = statements_upload(actor=None, partner=row, data=self.read(file), dry_run=dry_run)
        except UploadRejected as exc:
            if as_json:
                self.stdout.write(dumps({"error": str(exc.message), **exc.extra}))
            else:
                for error in exc.extra["errors"]:
                    self.stderr.write(error_line(error))
            raise CommandError(str(exc.message)) from None
        if as_json:
            self.stdout.write(dumps(result.as_dict()))
            return
        counts = {**result.as_dict(), "partner": row.slug}
        summary = (
            _("Dry run, nothing stored: %(rows)s rows, %(stored)s new statements, "
              "%(unchanged)s already stored, %(repeated)s repeated rows.")
            if dry_run
            else _("Stored for %(partner)s: %(rows)s rows, %(stored)s new statements, "
                   "%(unchanged)s already stored, %(repeated)s repeated rows.")
        )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(summary % counts))


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
