from django.utils.translation import gettext_lazy as _

from rianru.core.commands import ServiceCommand
from rianru.demo.management.commands._arguments import add_generation_arguments
from rianru.demo.services import demo_load

COUNT_LABELS = {
    "zones": _("zones"),
    "communities": _("communities"),
    "partners": _("partners"),
    "spaces": _("learning spaces"),
    "mous": _("MOUs"),
    "opportunities": _("learning opportunities"),
    "sessions": _("sessions"),
}


class Command(ServiceCommand):
    help = "Load (or reload) the demo cities: Khon Kaen and Yala. Replaces their previous demo rows."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="load only this city (slug), e.g. khon-kaen")
        add_generation_arguments(parser)

    def handle(self, *args, **options):
        results = demo_load(
            city_slug=options["city"],
            today=options["today"],
            seed=options["seed"],
            data_dir=options["data_dir"],
        )
        for result in results:
            figures = ", ".join(f"{n} {COUNT_LABELS.get(name, name)}" for name, n in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"{result.city}: {figures}"))
