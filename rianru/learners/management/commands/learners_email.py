"""rianru learners email add|verify: a learner's e-mail addresses (only verified ones link statements)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.learners import services
from rianru.learners.management.commands._common import add_learner_arguments, learner_arg


class Command(ServiceCommand):
    help = "Add an e-mail address to a learner, or mark one verified (their statements are then linked)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "verify"])
        parser.add_argument("address", help="the e-mail address")
        add_learner_arguments(parser)

    def handle(self, *args, action, address, **options):
        if not (options["account"] or options["email"] or options["user"]):
            options["email"] = address
        learner = learner_arg(options)
        if action == "add":
            email = services.learner_email_add(actor=None, learner=learner, address=address)
            self.stdout.write(_("Address %(address)s added (not verified).") % {"address": email.address})
            return
        email = learner.emails.filter(address=services.email_clean(address)).first()
        if email is None:
            raise CommandError(_("This learner has no address %(address)s.") % {"address": address})
        services.learner_email_verify(actor=None, email=email)
        self.stdout.write(_("Address %(address)s verified.") % {"address": email.address})
