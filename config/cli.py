"""The `rianru` console command: a friendly face on manage.py.

rianru serve [--host 127.0.0.1] [--port 8000] [--workers N] [--dev]
                                     serve the platform (gunicorn; --dev uses Django's runserver)
rianru demo load [--city SLUG]       load the demo cities (Khon Kaen, Yala)
rianru reference load                load SDGs, SDG 4 targets and the UNESCO KFLC framework
rianru catalogue export --city SLUG [--format jsonld|csv]
                                     export a city's open catalogue (schema.org JSON-LD or CSV)
rianru catalogue import FILE --city SLUG [--valid-only]
                                     import a catalogue file (checked first; all or nothing)
rianru learners create|email|erase|relink
                                     learners' accounts, verified e-mails, PDPA erasure (docs/lrs.md)
rianru check                         check settings, database, migrations and reference data
rianru help [GROUP | COMMAND]        this text, a group's commands, or one command's options
rianru <any manage.py command>       e.g. rianru migrate, rianru createsuperuser
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError, ProgrammingError

# Two-word commands map onto management commands named word_word.
GROUPS = {"demo", "reference", "catalogue", "search", "lrs", "learners"}
ALIASES = {"check": "rianru_check"}
HELP = ("-h", "--help", "help")


def command_name(words: list[str]) -> tuple[str, str]:
    """The management command for what was typed, and the typed words: (`demo_load`, `demo load`)."""
    if len(words) >= 2 and words[0] in GROUPS:
        return f"{words[0]}_{words[1]}", f"{words[0]} {words[1]}"
    return ALIASES.get(words[0], words[0]), words[0]


def translate_argv(argv: list[str]) -> list[str]:
    """Map `rianru demo load --city x` onto `manage.py demo_load --city x`."""
    prog, args = argv[0], list(argv[1:])
    if not args or args[0] in HELP:
        return [prog, "help_rianru", *args[1:]]
    if args[0] in GROUPS:
        if len(args) < 2 or args[1].startswith("-"):
            return [prog, "help_rianru", args[0]]
        return [prog, command_name(args)[0], *args[2:]]
    if args[0] in ALIASES:
        return [prog, ALIASES[args[0]], *args[1:]]
    return [prog, *args]


def fail(message: str, status: int) -> None:
    sys.stderr.write(f"rianru: {message}\n")
    sys.exit(status)


def load_settings() -> None:
    """Read the settings now, so that every command, even those Django runs without them, stops on an error.

    (execute_from_command_line only notes a settings error and carries on for commands such as
    `shell` and `version`.)
    """
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the access is what loads the settings
    except ImportError as exc:
        module = os.environ.get("DJANGO_SETTINGS_MODULE")
        raise ImproperlyConfigured(f"cannot import the settings module {module!r} ({exc}).") from None
    except ValueError as exc:
        raise ImproperlyConfigured(f"a setting could not be read from the environment ({exc}).") from None


def ensure_known_group_command(argv: list[str]) -> None:
    """`rianru demo frobnicate` gets a message about `demo frobnicate`, not about `demo_frobnicate`."""
    from django.core.management import get_commands

    name = argv[1] if len(argv) > 1 else ""
    group, _sep, sub = name.partition("_")
    if group in GROUPS and sub and name not in get_commands():
        from django.utils.translation import gettext as _

        fail(
            _("unknown command '%(command)s'. Type 'rianru help %(group)s' for the %(group)s commands.")
            % {"command": f"{group} {sub}", "group": group},
            1,
        )


def cli_language(environ=os.environ) -> str:
    """Messages of commands in the operator's language: Thai for a Thai locale (or RIANRU_LANGUAGE=th)."""
    for variable in ("RIANRU_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "th" if value.lower().startswith("th") else "en"
    return "en"


def run_django(argv: list[str]) -> None:
    """Run a management command; configuration and database errors become one clear line, not a traceback."""
    try:
        load_settings()
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        from django.utils import translation

        translation.activate(cli_language())
        ensure_known_group_command(argv)
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        fail(f"configuration error: {exc}", 2)
    except (OperationalError, ProgrammingError) as exc:
        if "--traceback" in argv:
            raise
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"database error: {detail}. Is the database running and migrated? `rianru check` says more.", 1)
    except KeyboardInterrupt:
        fail("interrupted.", 130)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    run_django(translate_argv(sys.argv))


if __name__ == "__main__":
    main()
