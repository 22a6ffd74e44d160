"""rianru learners create: a learner account for a user in a city (the user is created if needed)."""

import json

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.learners import selectors, services
from rianru.learners.management.commands._common import city_arg


class Command(ServiceCommand):
    help = "Create a learner (a user's account in a city), optionally with e-mail addresses."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="the city's slug")
        parser.add_argument("--user", help="the user name (created without a password if new)")
        parser.add_argument("--account", default="", help="the xAPI account name (default: random)")
        parser.add_argument("--name", default="", help="the learner's name")
        parser.add_argument("--email", action="append", default=[], help="an e-mail address (repeatable)")
        parser.add_argument("--verified", action="store_true", help="the addresses are verified already")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        city = city_arg(options["city"])
        if not options["user"]:
            raise CommandError(_("Give --user."))
        with transaction.atomic():
            user = services.user_get_or_create(username=options["user"])
            learner = services.learner_create(
                actor=None,
                city=city,
                user=user,
                account_name=options["account"],
                display_name=options["name"],
            )
            for address in options["email"]:
                services.learner_email_add(
                    actor=None, learner=learner, address=address, verified=options["verified"]
                )
        agent = selectors.learner_account(learner)
        if options["json"]:
            self.stdout.write(json.dumps({"city": city.slug, "user": user.get_username(), "agent": agent}))
            return
        self.stdout.write(
            _("Learner %(name)s created in %(city)s. xAPI account: %(agent)s")
            % {"name": learner.account_name, "city": city.slug, "agent": json.dumps(agent["account"])}
        )
