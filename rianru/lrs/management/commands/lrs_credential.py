"""rianru lrs credential create|list|revoke|rotate: the LRS credentials of a city's partners."""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.lrs import selectors, services
from rianru.lrs.models import Credential
from rianru.network.models import Partner


class Command(ServiceCommand):
    help = "Create, list, revoke or rotate the xAPI credentials (key and secret) of a partner."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke", "rotate"])
        parser.add_argument("--city", help="the city's slug (create, list)")
        parser.add_argument("--partner", help="the partner's slug (create, list)")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            help="all, statements/write, statements/read/mine, statements/read, documents (repeatable)",
        )
        parser.add_argument("--name", default="", help="a label, e.g. the partner system's name")
        parser.add_argument(
            "--xapi-version",
            choices=["2.0.0", "1.0.3"],
            default="2.0.0",
            help="the version to answer in when a request lacks X-Experience-API-Version (create)",
        )
        parser.add_argument("--key", help="the credential's key (revoke, rotate)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, **options):
        if action in ("create", "list"):
            partner = self.partner(options["city"], options["partner"])
            if action == "list":
                return self.show_list(partner, options["json"])
            credential, secret = services.credential_create(
                actor=None,
                partner=partner,
                scopes=options["scope"] or ["all"],
                name=options["name"],
                xapi_version=options["xapi_version"],
            )
            return self.show_secret(credential, secret, options["json"])
        credential = self.credential(options["key"])
        if action == "revoke":
            services.credential_revoke(actor=None, credential=credential)
            self.stdout.write(_("Credential %(key)s revoked.") % {"key": credential.key})
            return None
        credential, secret = services.credential_rotate(actor=None, credential=credential)
        return self.show_secret(credential, secret, options["json"])

    def partner(self, city: str | None, slug: str | None) -> Partner:
        if not city or not slug:
            raise CommandError(_("Give --city and --partner."))
        partner = Partner.objects.select_related("city").filter(city__slug=city, slug=slug).first()
        if partner is None:
            raise CommandError(
                _("There is no partner %(partner)s in the city %(city)s.") % {"partner": slug, "city": city}
            )
        return partner

    def credential(self, key: str | None) -> Credential:
        if not key:
            raise CommandError(_("Give --key."))
        credential = Credential.objects.select_related("city", "partner").filter(key=key).first()
        if credential is None:
            raise CommandError(_("There is no LRS credential with the key %(key)s.") % {"key": key})
        return credential

    def show_secret(self, credential: Credential, secret: str, as_json: bool) -> None:
        data = {
            "key": credential.key,
            "secret": secret,
            "city": credential.city.slug,
            "partner": credential.partner.slug,
            "scopes": credential.scopes,
            "xapi_version": credential.xapi_version,
        }
        if as_json:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(_("Key: %(key)s") % {"key": credential.key})
        self.stdout.write(_("Secret: %(secret)s") % {"secret": secret})
        self.stdout.write(_("Keep the secret now: it is stored hashed and cannot be shown again."))

    def show_list(self, partner: Partner, as_json: bool) -> None:
        rows = [
            {
                "key": credential.key,
                "name": credential.name,
                "scopes": credential.scopes,
                "created": credential.created_at.isoformat(),
                "revoked": credential.revoked_at.isoformat() if credential.revoked_at else None,
            }
            for credential in selectors.credentials_for_partner(partner=partner)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            state = _("revoked") if row["revoked"] else _("active")
            self.stdout.write(f"{row['key']}  {state}  {' '.join(row['scopes'])}  {row['name']}")
