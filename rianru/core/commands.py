"""Helpers shared by the management commands (the CLI door)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rianru.core.errors import ApplicationError


def read_input(name: str, limit: int) -> bytes:
    """The bytes of a file argument (`-` reads standard input), at most limit + 1 of them, so the caller
    can tell a file over its limit; a file that cannot be read is a CommandError saying why."""
    try:
        if name == "-":
            return sys.stdin.buffer.read(limit + 1)
        with Path(name).open("rb") as file:
            return file.read(limit + 1)
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror or exc}
        ) from None


class ServiceCommand(BaseCommand):
    """A management command that calls services: their `ApplicationError`s become one CLI message.

    The command exits with status 1 and the error's translated message, as for any `CommandError`."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
