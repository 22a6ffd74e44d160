"""`rianru check`: is this instance ready to serve? Settings, database, migrations, reference data, cities.

Each check prints one line; any failure makes the command exit non-zero with what to do about it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, SystemCheckError, no_translations
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from rianru.core.health import describe_database, first_line, pending_migrations, static_files_collected
from rianru.frameworks.selectors import reference_state
from rianru.network.selectors import city_list


class Command(BaseCommand):
    help = "Check settings, the database connection, migrations and reference data; list the cities."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")

    @no_translations
    def handle(self, *args, database, **options):
        self.failures: list[str] = []
        self.report(
            "settings", True, f"{settings.SETTINGS_MODULE}, DEBUG={'on' if settings.DEBUG else 'off'}"
        )

        connection = connections[database]
        try:
            connection.ensure_connection()
        except Exception as exc:  # every driver error means the same here: cannot connect
            self.report(
                "database", False, f"cannot connect to {describe_database(database)}: {first_line(exc)}"
            )
            return self.finish()
        self.report("database", True, f"connected to {describe_database(database)}")

        try:
            self.check(databases=[database], display_num_errors=False)
            self.report("system checks", True, "no issues")
        except SystemCheckError as exc:
            self.report("system checks", False, str(exc).strip())

        plan = pending_migrations(database)
        if plan:
            first = plan[0]
            self.report(
                "migrations",
                False,
                f"{len(plan)} not applied (first: {first.app_label}.{first.name}); run `rianru migrate`",
            )
            return self.finish()
        self.report("migrations", True, "all applied")

        try:
            self.check_reference_data()
            self.list_cities()
        except DatabaseError as exc:
            self.report("database", False, f"query failed: {first_line(exc)}")
        self.check_static_files()
        return self.finish()

    def check_reference_data(self) -> None:
        for state in reference_state():
            if state.loaded_version is None:
                self.report(f"reference {state.name}", False, "not loaded; run `rianru reference load`")
            elif not state.is_current:
                self.report(
                    f"reference {state.name}",
                    False,
                    f"version {state.loaded_version} loaded, this release ships {state.expected_version}; "
                    "run `rianru reference load`",
                )
            else:
                self.report(
                    f"reference {state.name}", True, f"version {state.loaded_version}, {state.rows} rows"
                )

    def list_cities(self) -> None:
        cities = list(city_list())
        if not cities:
            self.note(
                "cities", "none yet; add one in the admin, or run `rianru demo load` for the demo cities"
            )
            return
        names = ", ".join(
            f"{city.slug} ({city.name_en}{', demo' if city.is_demo else ''})" for city in cities
        )
        self.report("cities", True, f"{len(cities)}: {names}")

    def check_static_files(self) -> None:
        collected = static_files_collected()
        if collected:
            self.report("static files", True, f"collected in {settings.STATIC_ROOT}")
        elif collected is False:
            self.note(
                "static files",
                f"not collected in {settings.STATIC_ROOT}; `rianru serve` collects them, "
                "or run `rianru collectstatic --noinput`",
            )

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
            raise CommandError(f"{len(self.failures)} check(s) failed: {', '.join(self.failures)}.")
        self.stdout.write(self.style.SUCCESS("Rianru is ready."))
