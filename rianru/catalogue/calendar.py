"""The calendar's periods: a day, a week (Monday to Sunday) or a month, with their neighbours.

Pure date arithmetic on the city's local dates; `bounds` turns a period into the aware datetimes the
selectors take. `days_of` groups sessions by their local start day.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rianru.core.errors import ValidationFailed

VIEWS = ("day", "week", "month")
VIEW_CHOICES = (
    ("day", gettext_lazy("Day")),
    ("week", gettext_lazy("Week")),
    ("month", gettext_lazy("Month")),
)
WEEKDAYS_SHORT = {
    "th": ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
DEFAULT_VIEW = "week"
# The calendar stays within years anyone plans in; beyond them dates are refused, never a crash.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class Period:
    view: str  # day, week or month
    anchor: dt.date  # the date asked for
    start: dt.date  # first day shown
    end: dt.date  # the day after the last day shown

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days)]

    @property
    def previous(self) -> dt.date | None:
        if self.view == "day":
            day = self.anchor - dt.timedelta(days=1)
        elif self.view == "week":
            day = self.start - dt.timedelta(days=7)
        else:
            day = (self.start - dt.timedelta(days=1)).replace(day=1)
        return day if day >= FIRST_DAY else None

    @property
    def next(self) -> dt.date | None:
        day = self.anchor + dt.timedelta(days=1) if self.view == "day" else self.end
        return day if day <= LAST_DAY else None

    @property
    def shown_days(self) -> list[dt.date]:
        """The days on screen: the period's, and for a month the grid's padding to whole weeks (Monday
        first)."""
        if self.view != "month":
            return self.days
        first = self.start - dt.timedelta(days=self.start.weekday())
        last = self.end + dt.timedelta(days=(7 - self.end.weekday()) % 7)
        return [first + dt.timedelta(days=n) for n in range((last - first).days)]


def period_for(view: str, day: dt.date) -> Period:
    if view == "day":
        return Period(view, day, day, day + dt.timedelta(days=1))
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return Period(view, day, monday, monday + dt.timedelta(days=7))
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period("month", day, first, following)


def parse_period(view: str | None, date: str | None, *, today: dt.date) -> Period:
    """The period asked for by the `view` and `date` query parameters (empty means week, today).

    ValidationFailed with a reason for an unknown view, a malformed or impossible date, or a date
    outside FIRST_DAY..LAST_DAY.
    """
    view = (view or "").strip() or DEFAULT_VIEW
    if view not in VIEWS:
        raise ValidationFailed(
            _("Unknown calendar view: use day, week or month."), code="invalid_view", extra={"field": "view"}
        )
    date = (date or "").strip()
    if not date:
        return period_for(view, today)
    try:
        day = dt.date.fromisoformat(date) if len(date) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationFailed(
            _("The date must be a real date written as YYYY-MM-DD (Gregorian year), e.g. 2025-01-31."),
            code="invalid_date",
            extra={"field": "date"},
        )
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed(
            _("The calendar covers the years %(first)s to %(last)s.")
            % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
            code="date_out_of_range",
            extra={"field": "date"},
        )
    return period_for(view, day)


def bounds(period: Period, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The days on screen as [start, end) aware datetimes at local midnight in `tz`."""
    days = period.shown_days
    return (
        dt.datetime.combine(days[0], dt.time.min, tzinfo=tz),
        dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


# How many sessions a day shows in each view; the rest are counted ("and 12 more", a link to the day).
SESSIONS_SHOWN = {"month": 3, "week": 20, "day": None}


def days_of(sessions, period: Period, tz: dt.tzinfo) -> list[dict]:
    """[{"date", "sessions", "count", "more", "in_period"}] for every day on screen, sessions grouped by
    local start day (`more`: how many are not in `sessions`)."""
    days = period.shown_days
    by_day: dict[dt.date, list] = {day: [] for day in days}
    for session in sessions:
        day = timezone.localtime(session.starts_at, tz).date()
        if day in by_day:
            by_day[day].append(session)
    return [
        {"date": day, "sessions": by_day[day], "count": len(by_day[day]), "more": 0,
         "in_period": period.start <= day < period.end}
        for day in days
    ]  # fmt: skip


def days_of_samples(samples: dict, period: Period) -> list[dict]:
    """The same from {day: its first sessions and count} (`selectors.calendar_sessions_by_day`)."""
    days = []
    for day in period.shown_days:
        sample = samples.get(day)
        days.append(
            {"date": day, "sessions": sample.first if sample else [], "count": sample.count if sample else 0,
             "more": sample.count - len(sample.first) if sample else 0,
             "in_period": period.start <= day < period.end}
        )  # fmt: skip
    return days


def weekday_names() -> tuple[str, ...]:
    """Short weekday names, Monday first, in the active language (the month grid's header)."""
    return WEEKDAYS_SHORT["en" if (translation.get_language() or "th")[:2] == "en" else "th"]
