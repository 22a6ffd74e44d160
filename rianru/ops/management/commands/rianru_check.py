"""`rianru check`: is this instance ready to serve? Settings, database, migrations, reference data, cities.

Each check prints one line; any failure makes the command exit non-zero with what to do about it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, SystemCheckError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _

from rianru.frameworks.selectors import reference_state
from rianru.network.selectors import city_list
from rianru.ops.health import describe_database, first_line, pending_migrations, static_files_collected


class Command(BaseCommand):
    help = "Check settings, the database connection, migrations and reference data; list the cities."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")

    def handle(self, *args, database, **options):
        self.failures: list[str] = []
        self.report(
            _("settings"), True, f"{settings.SETTINGS_MODULE}, DEBUG={'on' if settings.DEBUG else 'off'}"
        )

        connection = connections[database]
        try:
            connection.ensure_connection()
        except Exception as exc:  # every driver error means the same here: cannot connect
            self.report(
                _("database"),
                False,
                _("cannot connect to %(database)s: %(error)s")
                % {"database": describe_database(database), "error": first_line(exc)},
            )
            return self.finish()
        self.report(
            _("database"), True, _("connected to %(database)s") % {"database": describe_database(database)}
        )

        try:
            self.check(databases=[database], display_num_errors=False)
            self.report(_("system checks"), True, _("no issues"))
        except SystemCheckError as exc:
            self.report(_("system checks"), False, str(exc).strip())

        plan = pending_migrations(database)
        if plan:
            first = plan[0]
            self.report(
                _("migrations"),
                False,
                _("%(count)s not applied (first: %(first)s); run `rianru migrate`")
                % {"count": len(plan), "first": f"{first.app_label}.{first.name}"},
            )
            return self.finish()
        self.report(_("migrations"), True, _("all applied"))

        try:
            self.check_reference_data()
            self.list_cities()
        except DatabaseError as exc:
            self.report(_("database"), False, _("query failed: %(error)s") % {"error": first_line(exc)})
        self.check_static_files()
        self.check_search_index()
        self.check_lrs_forwarding()
        return self.finish()

    def check_reference_data(self) -> None:
        for state in reference_state():
            name = _("reference %(name)s") % {"name": state.name}
            if state.loaded_version is None:
                self.report(name, False, _("not loaded; run `rianru reference load`"))
            elif not state.is_current:
                self.report(
                    name,
                    False,
                    _(
                        "version %(loaded)s loaded, this release ships %(shipped)s; "
                        "run `rianru reference load`"
                    )
                    % {"loaded": state.loaded_version, "shipped": state.expected_version},
                )
            else:
                self.report(
                    name,
                    True,
                    _("version %(version)s, %(rows)s rows")
                    % {"version": state.loaded_version, "rows": state.rows},
                )

    def list_cities(self) -> None:
        cities = list(city_list())
        if not cities:
            self.note(
                _("cities"),
                _("none yet; add one in the admin, or run `rianru demo load` for the demo cities"),
            )
            return
        names = ", ".join(f"{city.slug} ({city.name}{', demo' if city.is_demo else ''})" for city in cities)
        self.report(_("cities"), True, f"{len(cities)}: {names}")

    def check_static_files(self) -> None:
        collected = static_files_collected()
        if collected:
            self.report(_("static files"), True, _("collected in %(path)s") % {"path": settings.STATIC_ROOT})
        elif collected is False:
            self.note(
                _("static files"),
                _(
                    "not collected in %(path)s; `rianru serve` collects them, "
                    "or run `rianru collectstatic --noinput`"
                )
                % {"path": settings.STATIC_ROOT},
            )

    def check_search_index(self) -> None:
        from rianru.search import indexer

        try:
            state = indexer.status()
        except (OSError, ValueError, DatabaseError) as exc:
            self.report(_("search index"), False, first_line(exc))
            return
        if not state.built:
            self.note(
                _("search index"), _("not built; `rianru serve` builds it, or run `rianru search rebuild`")
            )
        elif state.outdated:
            self.note(_("search index"), _("built by another version; it is rebuilt on the next catch-up"))
        else:
            self.report(
                _("search index"),
                True,
                _("%(documents)s documents, %(pending)s changes waiting")
                % {"documents": state.documents, "pending": state.pending_changes},
            )

    def check_lrs_forwarding(self) -> None:
        """Forwarding to other LRSs: failing for over an hour, or statements the target refused, fail."""
        import datetime as dt

        from django.utils import timezone

        from rianru.lrs.selectors import forwarding_status

        try:
            states = forwarding_status()
        except DatabaseError as exc:
            self.report(_("LRS forwarding"), False, first_line(exc))
            return
        for state in states:
            row = state.forwarding
            name = _("LRS forwarding %(id)s") % {"id": row.pk}
            detail = _("%(city)s → %(endpoint)s: %(sent)s sent, %(pending)s waiting, %(refused)s refused") % {
                "city": row.city.slug, "endpoint": row.endpoint, "sent": row.forwarded,
                "pending": state.pending, "refused": state.rejected,
            }  # fmt: skip
            if not row.enabled:
                self.note(name, _("disabled; %(detail)s") % {"detail": detail})
            elif row.failing_since and timezone.now() - row.failing_since > dt.timedelta(hours=1):
                self.report(name, False, _("failing since %(since)s (%(error)s); %(detail)s") % {
                    "since": row.failing_since.isoformat(timespec="seconds"), "error": row.last_error,
                    "detail": detail,
                })  # fmt: skip
            elif state.rejected:
                self.report(
                    name, False, _("%(detail)s; see the refused statements in the admin") % {"detail": detail}
                )
            elif row.failures:
                self.note(
                    name, _("retrying (%(error)s); %(detail)s") % {"error": row.last_error, "detail": detail}
                )
            else:
                self.report(name, True, detail)

    def report(self, name: str, ok: bool, detail: str) -> None:
        if ok:
            self.stdout.write(f"{self.style.SUCCESS('ok  ')} {name}: {detail}")
        else:
            self.failures.append(name)
            self.stdout.write(f"{self.style.ERROR('FAIL')} {name}: {detail}")

    def note(self, name: str, detail: str) -> None:
        self.stdout.write(f"{self.style.WARNING('note')} {name}: {detail}")

    def finish(self) -> None:
        if self.failures:
            raise CommandError(
                _("%(count)s check(s) failed: %(names)s.")
                % {"count": len(self.failures), "names": ", ".join(self.failures)}
            )
        self.stdout.write(self.style.SUCCESS(_("Rianru is ready.")))
