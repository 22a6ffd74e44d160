import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from rianru.core import thai


@pytest.mark.parametrize(
    ("style", "thai_text", "english_text"),
    [
        ("long", "17 กันยายน 2567", "17 September 2024"),
        ("short", "17 ก.ย. 67", "17 Sep 2024"),
        ("weekday", "วันอังคารที่ 17 กันยายน 2567", "Tuesday 17 September 2024"),
        ("month", "กันยายน 2567", "September 2024"),
    ],
)
def test_dates_use_the_buddhist_era_in_thai_and_gregorian_in_english(style, thai_text, english_text):
    day = dt.date(2024, 9, 17)
    assert thai.format_date(day, style, "th") == thai_text
    assert thai.format_date(day, style, "en") == english_text


def test_aware_datetimes_are_shown_in_bangkok_time():
    # 17:30 UTC on 31 Dec is 00:30 on 1 Jan in Bangkok: the year changes too.
    moment = dt.datetime(2024, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert thai.format_datetime(moment, "long", "th") == "1 มกราคม 2568 00:30 น."
    assert thai.format_datetime(moment, "long", "en") == "1 January 2025 00:30"


def test_active_language_is_used_when_none_is_given():
    moment = dt.datetime(2025, 3, 15, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    with translation.override("th"):
        assert thai.format_date(moment) == "15 มีนาคม 2568"
    with translation.override("en"):
        assert thai.format_date(moment) == "15 March 2025"


def test_empty_values_format_as_empty_strings():
    assert thai.format_date(None) == ""
    assert thai.format_time(None) == ""


def test_times_to_the_second_for_records():
    moment = dt.datetime(2024, 12, 31, 17, 30, 5, tzinfo=dt.UTC)
    assert thai.format_datetime(moment, "short", "th", seconds=True) == "1 ม.ค. 68 00:30:05 น."
    assert thai.format_datetime(moment, "short", "en", seconds=True) == "1 Jan 2025 00:30:05"
    assert thai.format_time(moment, "en") == "00:30"


@pytest.mark.parametrize(
    ("typed", "gregorian"),
    [(2567, 2024), (2400, 1857), (2399, 2399), (2024, 2024), (1900, 1900)],
)
def test_a_year_from_2400_on_is_read_as_buddhist_era(typed, gregorian):
    assert thai.gregorian_year(typed) == gregorian


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2567-09-17", "2024-09-17"),
        ("2567-09-17T14:30+07:00", "2024-09-17T14:30+07:00"),
        ("2024-09-17 14:30", "2024-09-17 14:30"),
        ("  2567-09-17", "2024-09-17"),
        ("17/09/2567", "17/09/2567"),  # not ISO: left for the caller to refuse
        ("", ""),
    ],
)
def test_an_iso_date_gets_its_gregorian_year_and_keeps_the_rest(typed, iso):
    assert thai.gregorian_iso(typed) == iso
    if iso[:4].isdigit():
        assert dt.datetime.fromisoformat(iso).year == int(iso[:4])
