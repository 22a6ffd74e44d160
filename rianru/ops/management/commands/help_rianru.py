"""`rianru`, `rianru help [COMMAND]`, `rianru <group>`: the usage of the rianru command."""

from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

import config.cli


class Command(BaseCommand):
    help = "Show how to use the rianru command, the commands of a group (rianru help demo) or of one command."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("topic", nargs="*", help="a group (demo, reference, ...) or a command")

    def handle(self, *args, topic, **options):
        if not topic:
            self.stdout.write((config.cli.__doc__ or "").strip())
            self.stdout.write(
                "\n" + _("rianru help GROUP lists a group's commands; rianru help COMMAND shows its options.")
            )
            return
        name, typed = config.cli.command_name(topic)
        commands = get_commands()
        if name in commands:
            group, _sep, subcommand = typed.rpartition(" ")
            load_command_class(commands[name], name).print_help(f"rianru {group}".strip(), subcommand)
            return
        if len(topic) == 1 and topic[0] in config.cli.GROUPS:
            return self.group_help(topic[0], commands)
        raise CommandError(
            _("Unknown command '%(command)s'. Type 'rianru help' for usage.") % {"command": typed}
        )

    def group_help(self, group: str, commands: dict[str, str]) -> None:
        prefix = f"{group}_"
        names = sorted(name for name in commands if name.startswith(prefix))
        if not names:
            raise CommandError(
                _("This version of Rianru has no 'rianru %(group)s' commands yet.") % {"group": group}
            )
        self.stdout.write(_("rianru %(group)s commands:") % {"group": group} + "\n")
        width = max(len(name) for name in names) - len(prefix)
        for name in names:
            command = load_command_class(commands[name], name)
            summary = command.help.strip().splitlines()[0] if command.help.strip() else ""
            self.stdout.write(f"  rianru {group} {name[len(prefix) :]:<{width}}  {summary}")
        self.stdout.write(
            "\n" + _("rianru help %(group)s COMMAND shows a command's options.") % {"group": group}
        )
