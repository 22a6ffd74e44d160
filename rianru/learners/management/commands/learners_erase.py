"""rianru learners erase: erase a learner (PDPA): pseudonymise their statements, delete their data."""

import json

from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.learners import selectors, services
from rianru.learners.management.commands._common import add_learner_arguments, learner_arg
from rianru.lrs import selectors as lrs_selectors


class Command(ServiceCommand):
    help = "Erase a learner (PDPA): their statements are pseudonymised, their documents and account deleted."

    def add_arguments(self, parser):
        add_learner_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="erase now (without it: say what would go)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        learner = learner_arg(options)
        if not options["yes"]:
            keys = selectors.learner_agent_keys(learner)
            statements = len(lrs_selectors.statements_mentioning(city_id=learner.city_id, agent_keys=keys))
            documents = lrs_selectors.agent_documents_count(city_id=learner.city_id, agent_keys=keys)
            self.stdout.write(
                _(
                    "Learner %(name)s: %(statements)s statements would be pseudonymised and %(documents)s "
                    "documents deleted, with the learner's account data. Run again with --yes to erase."
                )
                % {"name": learner.account_name, "statements": statements, "documents": documents}
            )
            return
        report = services.learner_erase(actor=None, learner=learner)
        if options["json"]:
            self.stdout.write(json.dumps(report.__dict__))
            return
        self.stdout.write(
            _(
                "Learner erased: %(statements)s statements pseudonymised, %(documents)s documents and "
                "%(attachments)s attachments deleted, %(emails)s e-mail addresses deleted."
            )
            % report.__dict__
        )
        if report.user_deleted:
            self.stdout.write(_("The user account is deleted too."))
        else:
            self.stdout.write(_("The user account stays: it has another role on the platform."))
