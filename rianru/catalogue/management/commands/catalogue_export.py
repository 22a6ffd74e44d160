from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.catalogue.interchange.exporter import CSV_KINDS, export_csv, export_jsonld
from rianru.core.commands import ServiceCommand
from rianru.network.selectors import city_get


class Command(ServiceCommand):
    help = "Export a city's open catalogue as schema.org JSON-LD or CSV (published opportunities, spaces)."

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's slug, e.g. khon-kaen")
        parser.add_argument("--format", choices=("jsonld", "csv"), default="jsonld", help="default: jsonld")
        parser.add_argument(
            "--kind",
            choices=CSV_KINDS,
            default="opportunities",
            help="which CSV file (default: opportunities)",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument("--excel", action="store_true", help="CSV for Excel: a byte-order mark first")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address, e.g. https://rianru.example (absolute page URLs)",
        )

    def handle(self, *args, city, format, kind, output, excel, base_url, **options):
        city_row = city_get(slug=city)
        if format == "jsonld":
            chunks = export_jsonld(city=city_row, base_url=base_url.rstrip("/"))
        else:
            chunks = export_csv(city=city_row, kind=kind, excel=excel)
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            return
        try:
            with Path(output).open("w", encoding="utf-8", newline="") as file:
                for chunk in chunks:
                    file.write(chunk)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": exc.strerror or exc}
            ) from None
        self.stdout.write(self.style.SUCCESS(_("Written to %(file)s.") % {"file": output}))
