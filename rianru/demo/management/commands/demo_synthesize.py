from django.utils.translation import gettext as _

from rianru.core.commands import ServiceCommand
from rianru.demo.management.commands._arguments import add_generation_arguments
from rianru.demo.synthetic import synthesize


class Command(ServiceCommand):
    help = (
        "Benchmark tool: add N synthetic opportunities (with sessions) and about N/100 learning spaces to a "
        "city that has the demo loaded. Bulk writes: no audit trail, no search updates; run "
        "`rianru search rebuild` afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", default="khon-kaen", help="city slug (default %(default)s)")
        parser.add_argument("--opportunities", type=int, required=True, help="how many to add")
        add_generation_arguments(parser)

    def handle(self, *args, **options):
        result = synthesize(
            city_slug=options["city"],
            opportunities=options["opportunities"],
            seed=options["seed"],
            today=options["today"],
            data_dir=options["data_dir"],
        )
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(city)s: %(opportunities)s synthetic opportunities, %(sessions)s sessions, %(spaces)s "
                    "learning spaces and %(links)s links added in %(seconds).1f s."
                )
                % {**counts, "city": result.city, "seconds": result.seconds}
            )
        )
        self.stdout.write(
            _("Bulk writes bypass the search change log: run `rianru search rebuild` before searching.")
        )
