from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rianru.search import indexer
from rianru.search.index import index_dir


class Command(BaseCommand):
    help = "Rebuild the search index from the database (readers keep the old index until it is done)."

    def handle(self, *args, **options):
        try:
            outcome = indexer.rebuild()
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("The search index in %(path)s could not be rebuilt: %(error)s")
                % {"path": index_dir(), "error": exc}
            ) from None
        self.stdout.write(
            _("Search index rebuilt: %(count)s documents in %(seconds).1f s (%(path)s).")
            % {"count": outcome.added, "seconds": outcome.seconds, "path": index_dir()}
        )
