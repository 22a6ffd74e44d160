"""The cells of an uploaded CSV row: dates (ISO 8601, day first, Thai months, Buddhist era), numbers, scores,
durations, the verbs of uploads and registrations (docs/lrs.md, "CSV upload").

Each parser returns the value for the statement or raises `CellError` naming the column.
"""

import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.thai import gregorian_iso, gregorian_year
from rianru.lrs.xapi.validation import DURATION_RE

ADL = "http://adlnet.gov/expapi/verbs/"
# keyword -> (IRI, English display, Thai display, result it implies)
VERBS = {
    "attended": (ADL + "attended", "attended", "เข้าร่วม", {}),
    "completed": (ADL + "completed", "completed", "เรียนจบ", {"completion": True}),
    "passed": (ADL + "passed", "passed", "ผ่าน", {"success": True, "completion": True}),
    "failed": (ADL + "failed", "failed", "ไม่ผ่าน", {"success": False}),
}
VERB_WORDS = {
    **{keyword: keyword for keyword in VERBS},
    **{verb[0]: keyword for keyword, verb in VERBS.items()},
    **{verb[2]: keyword for keyword, verb in VERBS.items()},
    "สำเร็จ": "completed",
}

THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ],
        start=1,
    )
    for name in names
}
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
THAI_DATE = re.compile(
    r"^(\d{1,2})\s*(\S+?)\s*(\d{4})(?:\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.)?)?$"
)
EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class CellError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def parse_when(value: str, time_zone: dt.tzinfo) -> dt.datetime:
    """ISO 8601 (`2024-09-17`, `2024-09-17T14:30`, with or without a zone), `17/9/2567 14:30` (day first)
    or `17 ก.ย. 2567 14:30`; years from 2400 on are Buddhist era. No zone: the city's time. A date alone
    is the start of that day."""
    text = value.strip()
    match = SLASH_DATE.match(text) or THAI_DATE.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            if not month.isdigit():
                if month not in THAI_MONTHS:
                    raise ValueError
                month = THAI_MONTHS[month]
            moment = dt.datetime(
                gregorian_year(int(year)),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
        else:
            if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            text = gregorian_iso(text)
            moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except (ValueError, OverflowError):
        raise CellError(
            "when",
            _("“%(value)s” is not a date: write 2024-09-17 14:30, 17/9/2567 14:30 or 17 ก.ย. 2567.")
            % {"value": value},
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=time_zone)
    if moment > timezone.now() + dt.timedelta(days=1):
        raise CellError("when", _("%(value)s is in the future.") % {"value": value})
    if moment.year < 1900:
        raise CellError("when", _("%(value)s is too long ago.") % {"value": value})
    return moment


def parse_number(value: str, column: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", "").rstrip("%").strip())
    except InvalidOperation:
        raise CellError(column, _("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(column, _("“%(value)s” is not a number.") % {"value": value})
    return number


def json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def parse_score(value: str, maximum: str) -> dict:
    raw = parse_number(value, "score")
    top = parse_number(maximum, "score_max") if maximum.strip() else Decimal(100)
    if top <= 0:
        raise CellError("score_max", _("The highest score must be above 0."))
    if not 0 <= raw <= top:
        raise CellError("score", _("The score must be between 0 and %(max)s.") % {"max": json_number(top)})
    return {"raw": json_number(raw), "min": 0, "max": json_number(top), "scaled": round(float(raw / top), 4)}


def parse_duration(value: str) -> str:
    """ISO 8601 (PT1H30M), minutes (90) or hours and minutes (1:30)."""
    text = value.strip().upper()
    if DURATION_RE.match(text):
        return text
    match = re.match(r"^(\d+):(\d{2})$", text)
    try:
        minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else parse_number(text, "duration")
    except CellError:
        minutes = None
    if minutes is None or minutes < 0:
        raise CellError(
            "duration",
            _("“%(value)s” is not a duration: write minutes (90), hours:minutes (1:30) or PT1H30M.")
            % {"value": value},
        )
    hours, rest = divmod(int(Decimal(minutes) * 60), 3600)
    minutes, seconds = divmod(rest, 60)
    text = (
        (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds else "")
    )
    return "PT" + (text or "0S")


def parse_verb(value: str) -> str:
    keyword = VERB_WORDS.get(value.strip()) or VERB_WORDS.get(value.strip().lower())
    if keyword is None:
        raise CellError(
            "verb",
            _("“%(value)s” is not a verb of uploads: write attended, completed, passed or failed.")
            % {"value": value},
        )
    return keyword


def parse_registration(value: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise CellError("registration", _("“%(value)s” is not a UUID.") % {"value": value}) from None


class RowErrors(Exception):
    def __init__(self, problems: list[CellError]):
        super().__init__(problems)
        self.problems = problems
