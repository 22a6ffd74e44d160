from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rianru.search import indexer
from rianru.search.index import index_dir


class Command(BaseCommand):
    help = "Apply the database's changes to the search index once, or keep doing it with --follow."

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help="keep running (a service of its own)")

    def handle(self, *args, follow, **options):
        if follow:
            self.stdout.write(
                _("Keeping the search index in %(path)s up to date; Ctrl-C stops.") % {"path": index_dir()}
            )
            try:
                indexer.follow()
            except KeyboardInterrupt:
                return
        try:
            outcome = indexer.catch_up()
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("The search index could not be updated: %(error)s") % {"error": exc}
            ) from None
        self.stdout.write(
            _("Search index up to date: %(added)s documents written, %(removed)s removed in %(seconds).2f s.")
            % {"added": outcome.added, "removed": outcome.removed, "seconds": outcome.seconds}
        )
