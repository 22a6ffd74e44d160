"""Checks shared by the CSV files people upload (catalogue import, LRS attendance)."""

from collections.abc import Collection

from django.utils.translation import gettext as _


def column_problems(columns: list[str], *, known: Collection[str], required: Collection[str]) -> list[str]:
    """What is wrong with a header line, each as a translated phrase (empty: nothing)."""
    unknown = [column for column in columns if column and column not in known]
    missing = sorted(set(required) - set(columns))
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if repeated:
        problems.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(repeated)})
    return problems
