"""rianru lrs forwarding add|list|enable|disable|rewind|reencrypt: where a city's statements are forwarded."""

import json
import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.lrs import selectors
from rianru.lrs.models import Forwarding
from rianru.lrs.services import forwarding as service
from rianru.network.models import City


class Command(ServiceCommand):
    help = (
        "Configure forwarding of a city's statements to another LRS. The secret is read from standard input "
        "(never from the command line) and stored encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list", "enable", "disable", "rewind", "reencrypt"])
        parser.add_argument("--city", help="the city's slug (add, list)")
        parser.add_argument("--id", type=int, help="the forwarding's number (enable, disable, rewind)")
        parser.add_argument(
            "--endpoint", help="the other LRS's xAPI endpoint, e.g. https://lrs.example.org/xapi/"
        )
        parser.add_argument("--key", help="the HTTP Basic user name the other LRS gave")
        parser.add_argument("--xapi-version", choices=list(service.VERSIONS), default="2.0.0")
        parser.add_argument("--name", default="", help="a label")
        parser.add_argument(
            "--from-now", action="store_true", help="forward only statements stored from now on (add)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON (add, list)")

    def handle(self, *args, action, **options):
        if action == "add":
            return self.add(options)
        if action == "list":
            return self.show(options)
        if action == "reencrypt":
            count = service.reencrypt_secrets()
            self.stdout.write(_("%(count)s secrets encrypted with the current key.") % {"count": count})
            return None
        row = self.forwarding(options["id"])
        if action == "rewind":
            service.forwarding_rewind(actor=None, forwarding=row)
            self.stdout.write(_("Forwarding %(id)s sends every statement again.") % {"id": row.pk})
        else:
            service.forwarding_update(actor=None, forwarding=row, enabled=action == "enable")
            self.stdout.write(
                (_("Forwarding %(id)s enabled.") if action == "enable" else _("Forwarding %(id)s disabled."))
                % {"id": row.pk}
            )

    def city(self, slug: str | None) -> City:
        if not slug:
            raise CommandError(_("Give --city."))
        city = City.objects.filter(slug=slug).first()
        if city is None:
            raise CommandError(_("There is no city %(city)s.") % {"city": slug})
        return city

    def forwarding(self, pk: int | None) -> Forwarding:
        row = Forwarding.objects.select_related("city").filter(pk=pk).first() if pk else None
        if row is None:
            raise CommandError(_("Give the --id of a forwarding (see `rianru lrs forwarding list`)."))
        return row

    def add(self, options) -> None:
        city = self.city(options["city"])
        if not options["endpoint"] or not options["key"]:
            raise CommandError(_("Give --endpoint and --key; the secret comes on standard input."))
        if sys.stdin.isatty():
            self.stderr.write(_("Secret of the other LRS (then Enter):"))
        secret = sys.stdin.readline().strip()
        row = service.forwarding_create(
            actor=None, city=city, endpoint=options["endpoint"], key=options["key"], secret=secret,
            xapi_version=options["xapi_version"], name=options["name"], from_now=options["from_now"],
        )  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps({"id": row.pk, "endpoint": row.endpoint, "cursor": row.cursor}))
        else:
            self.stdout.write(
                _("Forwarding %(id)s to %(endpoint)s added.") % {"id": row.pk, "endpoint": row.endpoint}
            )

    def show(self, options) -> None:
        city = self.city(options["city"]) if options["city"] else None
        rows = [
            {
                "id": status.forwarding.pk,
                "city": status.forwarding.city.slug,
                "name": status.forwarding.name,
                "endpoint": status.forwarding.endpoint,
                "xapi_version": status.forwarding.xapi_version,
                "enabled": status.forwarding.enabled,
                "forwarded": status.forwarding.forwarded,
                "pending": status.pending,
                "refused": status.rejected,
                "failures": status.forwarding.failures,
                "last_error": status.forwarding.last_error,
            }
            for status in selectors.forwarding_status(city=city)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            state = _("enabled") if row["enabled"] else _("disabled")
            self.stdout.write(
                _(
                    "%(id)s  %(city)s → %(endpoint)s  %(state)s  "
                    "%(forwarded)s sent, %(pending)s pending, %(refused)s refused"
                )
                % {**row, "state": state}
            )
            if row["last_error"]:
                self.stdout.write("    " + _("failing: %(error)s") % {"error": row["last_error"]})
