"""What the JSON-LD and CSV readers produce and the importer writes: one record per space or opportunity.

Every record knows where it came from (`{"line": n}` in a CSV file, `{"index": n}` in the JSON-LD
@graph) and the file's own name of each field, so that every problem is reported in the file's terms.
Values are already parsed (dates, numbers, booleans); references (partner, space, zone) are still the
file's strings, resolved against the city by the importer.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.thai import BUDDHIST_ERA_FROM, gregorian_year

# Rianru's own identifiers: rianru:<city>:<space|opportunity|partner>:<slug>.
OWN_ID = re.compile(r"^rianru:([-a-zA-Z0-9_]+):(space|opportunity|partner):([-a-zA-Z0-9_]+)$")
LIST_SEPARATOR = "|"
EARLIEST_YEAR = 1900


def own_id(city_slug: str, kind: str, slug: str) -> str:
    return f"rianru:{city_slug}:{kind}:{slug}"


def parse_own_id(value: str, kind: str) -> tuple[str, str] | None:
    """(city slug, row slug) of a Rianru identifier of that kind, else None."""
    match = OWN_ID.match(value or "")
    if match and match.group(2) == kind:
        return match.group(1), match.group(3)
    return None


@dataclass
class Problem:
    where: dict
    field: str
    message: str

    def as_dict(self) -> dict:
        return {**self.where, "field": self.field, "message": str(self.message)}


@dataclass
class Record:
    where: dict
    names: dict[str, str]  # model field -> the file's name for it
    fields: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    links: dict = field(
        default_factory=dict
    )  # resolved rows (provider, owner, zone, space ...), by the importer
    row: object = None  # the existing row this record updates, if any

    def name(self, model_field: str) -> str:
        return self.names.get(model_field, model_field)

    def problem(self, model_field: str, message) -> None:
        self.problems.append(Problem(self.where, self.name(model_field), message))


@dataclass
class SessionRecord(Record):
    space: str = ""  # a reference to a learning space (identifier, or the @id of a Place in the file)


@dataclass
class SpaceRecord(Record):
    identifier: str = ""
    slug: str = ""
    node_id: str = ""  # the JSON-LD @id other nodes refer to
    owner: str = ""
    zone: int | None = None
    community: str = ""


@dataclass
class OpportunityRecord(Record):
    identifier: str = ""
    slug: str = ""
    node_id: str = ""
    provider: str = ""
    relations: dict[str, list] = field(default_factory=dict)
    sessions: list[SessionRecord] = field(default_factory=list)

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for s in self.sessions for p in s.problems)]


@dataclass
class ParsedFile:
    spaces: list[SpaceRecord] = field(default_factory=list)
    opportunities: list[OpportunityRecord] = field(default_factory=list)


class ValueParser:
    """Parse one record's raw values, noting a problem (in the file's terms) for each bad one."""

    def __init__(self, record: Record, time_zone: dt.tzinfo):
        self.record = record
        self.time_zone = time_zone

    def _fail(self, name: str, message) -> None:
        self.record.problem(name, message)

    def text(self, name: str, value, *, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str | int | float | Decimal) or isinstance(value, bool):
            self._fail(name, _("Expected text."))
            return ""
        value = str(value).strip()
        if "\x00" in value:
            self._fail(name, _("Text must not contain NUL characters."))
            return ""
        if required and not value:
            self._fail(name, _("This field is required."))
        return value

    def integer(self, name: str, value, *, minimum: int = 0) -> int | None:
        if value in (None, ""):
            return None
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None:
            self._fail(name, _("Expected a whole number."))
            return None
        if number < minimum:
            self._fail(name, _("Expected a number of at least %(minimum)s.") % {"minimum": minimum})
            return None
        return number

    def decimal(self, name: str, value, *, default=None) -> Decimal | None:
        if value in (None, ""):
            return default
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self._fail(name, _("Expected a number, e.g. 12.5."))
            return default
        return number

    def boolean(self, name: str, value) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in ("", "0", "false", "no", "n"):
            return False
        if text in ("1", "true", "yes", "y"):
            return True
        self._fail(name, _("Expected true or false."))
        return False

    def choice(self, name: str, value, choices, *, default: str = "") -> str:
        text = self.text(name, value) or default
        if text not in choices:
            if text:
                message = _("Unknown value “%(value)s”; use one of: %(choices)s.")
                self._fail(name, message % {"value": text, "choices": ", ".join(choices)})
            else:
                self._fail(name, _("This field is required."))
            return ""
        return text

    def codes(self, name: str, value) -> list[str]:
        """A list given as a JSON list or as text separated by |."""
        if value in (None, ""):
            return []
        items = value if isinstance(value, list) else str(value).split(LIST_SEPARATOR)
        codes = [self.text(name, item) for item in items]
        return [code for code in codes if code]

    def datetime(self, name: str, value, *, required: bool = False) -> dt.datetime | None:
        text = self.text(name, value, required=required)
        if not text:
            return None
        parsed = parse_datetime(text, self.time_zone)
        if parsed is None:
            self._fail(
                name,
                _("Expected an ISO 8601 date and time, e.g. %(example)s.")
                % {"example": "2026-12-01T09:00:00+07:00"},
            )
        return parsed


def parse_datetime(text: str, time_zone: dt.tzinfo) -> dt.datetime | None:
    """An ISO 8601 date and time; a year from 2400 is Buddhist era; without an offset, the city's time."""
    match = re.fullmatch(r"(\d{4})(-\d{2}-\d{2}[T ]\d{2}:\d{2}.*)", text.strip())
    if not match:
        return None
    year = gregorian_year(int(match.group(1)))
    if not EARLIEST_YEAR <= year < BUDDHIST_ERA_FROM:
        return None
    try:
        value = dt.datetime.fromisoformat(f"{year:04d}{match.group(2)}")
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, time_zone)
    return value


ISO_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def hours_to_duration(hours: Decimal | None) -> str | None:
    """3.5 hours -> PT3H30M."""
    if hours is None:
        return None
    minutes = int((Decimal(hours) * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return "PT" + (f"{whole}H" if whole or not rest else "") + (f"{rest}M" if rest else "")


def duration_to_hours(text: str) -> Decimal | None:
    """PT3H30M -> 3.5 (hours, to one decimal); None if it is not an ISO 8601 duration."""
    match = ISO_DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT"):
        return None
    days, hours, minutes, seconds = (Decimal(part or 0) for part in match.groups())
    total = days * 24 + hours + minutes / 60 + seconds / 3600
    try:
        return total.quantize(Decimal("0.1"))
    except InvalidOperation:  # too large to be learning hours
        return None
