"""Checks shared by the CSV files people upload (catalogue import, LRS attendance)."""

import csv
import io
from collections.abc import Collection, Iterator

from django.utils.translation import gettext as _

from rianru.core.errors import ValidationFailed


def csv_records(text: str, *, strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-empty record; broken CSV is a ValidationFailed naming
    the line (`strict`: also a stray quote inside a field)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationFailed(
            _("The file is not valid CSV (line %(line)s): %(reason)s.")
            % {"line": reader.line_num, "reason": exc},
            code="malformed_file",
        ) from None


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
