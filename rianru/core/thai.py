"""Thai text and dates: Buddhist-era formatting (BE = CE + 543) without a heavy dependency."""

import datetime as dt
import re

from django.utils import timezone, translation

BE_OFFSET = 543
# Every door reads a year from 2400 on as a Buddhist-era year (2400 BE = 1857 CE; 2567 BE = 2024 CE).
BUDDHIST_ERA_FROM = 2400
_ISO_YEAR = re.compile(r"^\s*(\d{4})(?=-)")
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_WEEKDAYS = ("วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์")
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

STYLES = ("long", "short", "weekday", "month")


def buddhist_year(year: int) -> int:
    return year + BE_OFFSET


def gregorian_year(year: int) -> int:
    """A year as people type it: from 2400 on it is a Buddhist-era year, else already Gregorian."""
    return year - BE_OFFSET if year >= BUDDHIST_ERA_FROM else year


def gregorian_iso(text: str) -> str:
    """An ISO 8601 date or date and time (`2567-09-17`, `2567-09-17T14:30+07:00`) with its year made
    Gregorian, the rest untouched, ready for `fromisoformat`. Text that does not start with a year is
    returned as it is."""
    match = _ISO_YEAR.match(text)
    if not match:
        return text
    return f"{gregorian_year(int(match.group(1))):04d}{text[match.end() :]}"


def _as_local(value: dt.date | dt.datetime) -> tuple[dt.date, dt.time | None]:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date(), value.time()
    return value, None


def format_date(value: dt.date | dt.datetime | None, style: str = "long", language: str | None = None) -> str:
    """Format a date: Thai with the Buddhist era, English with the Gregorian year.

    Styles: long "17 กันยายน 2567" / "17 September 2024"; short "17 ก.ย. 67" / "17 Sep 2024";
    weekday "วันอังคารที่ 17 กันยายน 2567" / "Tuesday 17 September 2024"; month "กันยายน 2567".
    """
    if value is None:
        return ""
    language = (language or translation.get_language() or "th")[:2]
    day, _ = _as_local(value)
    if language == "th":
        year = buddhist_year(day.year)
        if style == "short":
            return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {year % 100:02d}"
        if style == "weekday":
            return f"{THAI_WEEKDAYS[day.weekday()]}ที่ {day.day} {THAI_MONTHS[day.month - 1]} {year}"
        if style == "month":
            return f"{THAI_MONTHS[day.month - 1]} {year}"
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {year}"
    if style == "short":
        return f"{day.day} {EN_MONTHS[day.month - 1][:3]} {day.year}"
    if style == "weekday":
        return f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    if style == "month":
        return f"{EN_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def format_time(
    value: dt.datetime | dt.time | None, language: str | None = None, seconds: bool = False
) -> str:
    """24-hour time (with seconds if asked); Thai adds น. (นาฬิกา) as Thai readers expect."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.time()
    language = (language or translation.get_language() or "th")[:2]
    text = f"{value.hour:02d}:{value.minute:02d}" + (f":{value.second:02d}" if seconds else "")
    return f"{text} น." if language == "th" else text


def format_datetime(
    value: dt.datetime | None, style: str = "long", language: str | None = None, seconds: bool = False
) -> str:
    if value is None:
        return ""
    return f"{format_date(value, style, language)} {format_time(value, language, seconds)}"
