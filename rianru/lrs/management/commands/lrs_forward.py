"""rianru lrs forward [--once | --follow] [--city SLUG] [--retry-now]:
send stored statements to other LRSs."""

import json
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rianru.lrs import forwarder
from rianru.network.models import City


class Command(BaseCommand):
    help = (
        "Forward the statements stored since the last run to the other LRSs configured per city "
        "(`rianru lrs forwarding add`, or the admin). --once (default) sends what is pending and stops; "
        "--follow keeps running (what `rianru serve` does in a background thread)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="send what is pending, then stop (default)")
        mode.add_argument("--follow", action="store_true", help="keep forwarding until stopped (Ctrl-C)")
        parser.add_argument("--city", help="only this city's forwardings (--once)")
        parser.add_argument(
            "--retry-now", action="store_true", help="try failing targets now instead of after their back-off"
        )
        parser.add_argument(
            "--interval", type=float, default=None, help="seconds between two looks (--follow)"
        )
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON (--once)")

    def handle(self, *args, once, follow, city, retry_now, interval, **options):
        if follow:
            self.stdout.write(_("Forwarding statements; Ctrl-C stops."))
            stop = threading.Event()
            try:
                forwarder.follow(interval=interval, stop=stop)
            except KeyboardInterrupt:
                stop.set()
            return
        city_row = None
        if city:
            city_row = City.objects.filter(slug=city).first()
            if city_row is None:
                raise CommandError(_("There is no city %(city)s.") % {"city": city})
        failed = False
        report = []
        while True:
            results = forwarder.forward_all(city=city_row, ignore_backoff=retry_now)
            retry_now = False
            for row, outcome in results:
                report.append((row, outcome))
                failed = failed or bool(outcome.error)
            if not any(outcome.more for _row, outcome in results):
                break
        totals: dict[int, dict] = {}
        for row, outcome in report:
            entry = totals.setdefault(
                row.pk,
                {
                    "id": row.pk,
                    "city": row.city.slug,
                    "endpoint": row.endpoint,
                    "sent": 0,
                    "refused": 0,
                    "error": "",
                    "skipped": "",
                },
            )
            entry["sent"] += outcome.sent
            entry["refused"] += outcome.rejected
            entry["error"] = outcome.error or entry["error"]
            entry["skipped"] = outcome.skipped
        if options["json"]:
            self.stdout.write(json.dumps(list(totals.values()), ensure_ascii=False))
        else:
            if not totals:
                self.stdout.write(_("Nothing to do: no enabled forwarding is due."))
            for entry in totals.values():
                self.stdout.write(
                    _("%(city)s → %(endpoint)s: %(sent)s sent, %(refused)s refused") % entry
                    + (f" ({entry['skipped']})" if entry["skipped"] else "")
                )
                if entry["error"]:
                    self.stderr.write(_("Failed, will be tried again: %(error)s") % entry)
        if failed:
            raise CommandError(_("Some forwarding failed; it is tried again after a back-off."))
