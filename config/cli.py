"""The `rianru` console command: a friendly face on manage.py.

rianru serve [--dev] [--port 8000]   serve the platform (gunicorn; --dev uses Django's autoreloader)
rianru demo load [--city SLUG]       load the demo cities (Khon Kaen, Yala)
rianru reference load                load SDGs, SDG 4 targets and the UNESCO KFLC framework
rianru check                         check settings, database, migrations and reference data
rianru <any manage.py command>       e.g. rianru migrate, rianru createsuperuser
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

# Two-word commands map onto management commands named word_word.
GROUPS = {"demo", "reference", "catalogue", "lrs"}
ALIASES = {"check": "rianru_check"}


def translate_argv(argv: list[str]) -> list[str]:
    """Map `rianru demo load --city x` onto `manage.py demo_load --city x`."""
    prog, args = argv[0], list(argv[1:])
    if not args or args[0] in ("-h", "--help", "help"):
        return [prog, "help_rianru"]
    if args[0] in GROUPS:
        if len(args) < 2 or args[1].startswith("-"):
            return [prog, "help_rianru", args[0]]
        return [prog, f"{args[0]}_{args[1]}", *args[2:]]
    if args[0] in ALIASES:
        return [prog, ALIASES[args[0]], *args[1:]]
    return [prog, *args]


def run_django(argv: list[str]) -> None:
    """Run a management command; configuration errors become one clear line, not a traceback."""
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"rianru: configuration error: {exc}\n")
        sys.exit(2)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    run_django(translate_argv(sys.argv))


if __name__ == "__main__":
    main()
