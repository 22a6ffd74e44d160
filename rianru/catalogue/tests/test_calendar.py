import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from rianru.catalogue import calendar, ical, selectors
from rianru.catalogue.models import Opportunity, Session
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory, SessionFactory
from rianru.core.errors import ValidationFailed
from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.network.tests.factories import CityFactory, PartnerFactory

BANGKOK = ZoneInfo("Asia/Bangkok")
WEDNESDAY = dt.date(2031, 3, 12)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BANGKOK)


def session_on(city, starts: dt.datetime, *, is_cancelled=False, space=None, **opportunity_fields) -> Session:
    return SessionFactory(
        opportunity=OpportunityFactory(city=city, **opportunity_fields),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        is_cancelled=is_cancelled,
        space=space,
    )


# ---------------------------------------------------------------- periods


def test_periods_start_on_monday_and_step_by_their_length():
    week = calendar.period_for("week", WEDNESDAY)
    assert (week.start, week.end) == (dt.date(2031, 3, 10), dt.date(2031, 3, 17))
    assert (week.previous, week.next) == (dt.date(2031, 3, 3), dt.date(2031, 3, 17))
    assert len(week.days) == 7 and week.shown_days == week.days

    day = calendar.period_for("day", WEDNESDAY)
    assert day.days == [WEDNESDAY]
    assert (day.previous, day.next) == (dt.date(2031, 3, 11), dt.date(2031, 3, 13))

    month = calendar.period_for("month", dt.date(2031, 1, 31))
    assert (month.start, month.end) == (dt.date(2031, 1, 1), dt.date(2031, 2, 1))
    assert (month.previous, month.next) == (dt.date(2030, 12, 1), dt.date(2031, 2, 1))
    grid = month.shown_days  # January 2031 starts on a Wednesday and ends on a Friday
    assert (grid[0], grid[-1], len(grid)) == (dt.date(2030, 12, 30), dt.date(2031, 2, 2), 35)
    assert calendar.period_for("month", dt.date(2031, 2, 10)).end == dt.date(2031, 3, 1)


def test_bounds_are_local_midnights():
    start, end = calendar.bounds(calendar.period_for("day", WEDNESDAY), BANGKOK)
    assert start == dt.datetime(2031, 3, 11, 17, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("view", "date", "expected"),
    [(None, None, ("week", dt.date(2031, 3, 10))), ("", "", ("week", dt.date(2031, 3, 10))),
     ("day", "2031-03-20", ("day", dt.date(2031, 3, 20))),
     ("month", "2031-03-20", ("month", dt.date(2031, 3, 1)))],
)  # fmt: skip
def test_parse_period(view, date, expected):
    period = calendar.parse_period(view, date, today=WEDNESDAY)
    assert (period.view, period.start) == expected


@pytest.mark.parametrize(
    ("view", "date", "code"),
    [("year", "", "invalid_view"), ("week", "2031-02-30", "invalid_date"),
     ("week", "31/03/2031", "invalid_date"), ("week", "2031-3-1", "invalid_date"),
     ("week", "๒๕๗๔-๐๓-๐๑", "invalid_date"),
     ("day", "1999-12-31", "date_out_of_range"), ("day", "2101-01-01", "date_out_of_range"),
     ("month", "9999-12-31", "date_out_of_range")],
)  # fmt: skip
def test_parse_period_refuses_with_a_reason(view, date, code):
    with pytest.raises(ValidationFailed) as failure:
        calendar.parse_period(view, date, today=WEDNESDAY)
    assert failure.value.code == code


def test_no_navigation_beyond_the_calendars_years():
    assert calendar.period_for("month", calendar.LAST_DAY).next is None
    assert calendar.period_for("day", calendar.FIRST_DAY).previous is None


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_week_view_groups_sessions_by_local_day_with_era_headings(client, city, language):
    # 00:30 on Thursday in Bangkok is Wednesday 17:30 UTC: it belongs to Thursday.
    session_on(city, at(dt.date(2031, 3, 13), 0, 30), title_th="ดูดาว", title_en="Stargazing")
    session_on(city, at(WEDNESDAY, 9), title_th="ทอผ้า", title_en="Weaving")
    session_on(city, at(WEDNESDAY, 14), title_th="ยกเลิกแล้ว", title_en="Called off", is_cancelled=True)
    session_on(city, at(WEDNESDAY, 10), title_th="ร่าง", title_en="Draft", status=Opportunity.Status.DRAFT)
    session_on(city, at(dt.date(2031, 3, 17), 9), title_th="สัปดาห์หน้า", title_en="Next week")
    session_on(CityFactory(), at(WEDNESDAY, 9), title_th="เมืองอื่น", title_en="Elsewhere")

    path = url("catalogue:calendar", language, city="khon-kaen") + "?view=week&date=2031-03-12"
    page = get_page(client, path, language)
    days = page.select("#calendar .calendar-days > li")
    assert [day.select_one("time").get("datetime") for day in days] == ["2031-03-12", "2031-03-13"]
    wednesday, thursday = days
    if language == "th":
        assert wednesday.select_one("h3").text.startswith("วันพุธที่ 12 มีนาคม 2574")
        heading = page.select_one("#calendar-heading").text
        assert "10 มีนาคม 2574" in heading and "16 มีนาคม 2574" in heading
        titles = [a.text for a in wednesday.select(".calendar-session > a")]
        assert titles == ["ทอผ้า", "ยกเลิกแล้ว"]
        assert [a.text for a in thursday.select(".calendar-session > a")] == ["ดูดาว"]
    else:
        assert wednesday.select_one("h3").text == "Wednesday 12 March 2031"
        assert "2574" not in page.select_one("main").text
        assert [a.text for a in wednesday.select(".calendar-session > a")] == ["Weaving", "Called off"]
    cancelled = wednesday.select(".calendar-session")[1]
    assert "calendar-session--cancelled" in cancelled.classes and cancelled.select(".badge--closed")
    assert page.select_one("nav.site-nav a[aria-current=page]").get("href") == url(
        "catalogue:calendar", language, city="khon-kaen"
    )


@pytest.mark.django_db
def test_navigation_links_keep_the_filters_and_work_with_htmx(client, city):
    partner = PartnerFactory(city=city, slug="kku")
    path = url("catalogue:calendar", city="khon-kaen") + "?view=week&date=2031-03-12&partner=kku"
    page = parse_response(client.get(path))
    previous = page.select_one(".calendar__nav a[rel=prev]")
    following = page.select_one(".calendar__nav a[rel=next]")
    assert previous.get("href") == "/khon-kaen/calendar/?view=week&date=2031-03-03&partner=kku"
    assert following.get("href") == "/khon-kaen/calendar/?view=week&date=2031-03-17&partner=kku"
    for link in (previous, following):
        assert link.get("hx-get") == link.get("href") and link.get("hx-target") == "#calendar"
        assert link.get("hx-push-url") == "true"
    today = timezone.localtime(timezone.now(), BANGKOK).date()
    assert page.select(f".calendar__nav a[href*='date={today:%Y-%m-%d}']")
    assert page.select_one("select[name=partner] option[selected]").get("value") == partner.slug
    assert page.select_one("select[name=view] option[selected]").get("value") == "week"
    assert page.select_one("input[name=date]").get("value") == "2031-03-12"

    response = client.get(path, headers={"HX-Request": "true"})
    fragment = parse_response(response)
    assert not fragment.select("h1") and fragment.select("#calendar")
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_partner_filter(client, city):
    kku = PartnerFactory(city=city, slug="kku")
    session_on(city, at(WEDNESDAY, 9), provider=kku, title_th="ของ มข.")
    session_on(city, at(WEDNESDAY, 10), title_th="ของคนอื่น")
    path = url("catalogue:calendar", city="khon-kaen") + "?view=day&date=2031-03-12"
    assert parse_response(client.get(path)).texts(".calendar-session > a") == ["ของ มข.", "ของคนอื่น"]
    assert parse_response(client.get(path + "&partner=kku")).texts(".calendar-session > a") == ["ของ มข."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "reason"),
    [("?date=2031-02-30", "YYYY-MM-DD"), ("?view=year", "day, week or month"), ("?date=1066-10-14", "2000"),
     ("?partner=nobody", "Unknown partner"), ("?date=<script>", "YYYY-MM-DD")],
)  # fmt: skip
def test_bad_calendar_input_is_a_400_page_with_a_reason(client, city, query, reason):
    response = client.get(url("catalogue:calendar", "en", city="khon-kaen") + query)
    assert response.status_code == 400
    page = parse_response(response)
    assert reason in page.select_one("#calendar .message").text
    assert page.select_one("#calendar a").get("href") == "/en/khon-kaen/calendar/"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_month_view_is_a_grid_of_whole_weeks(client, city):
    for hour in range(8, 13):  # five sessions on one day: three shown, "and 2 more"
        session_on(city, at(WEDNESDAY, hour))
    session_on(city, at(dt.date(2031, 2, 27), 9))  # in the grid's first week, outside March
    page = parse_response(
        client.get(url("catalogue:calendar", city="khon-kaen") + "?view=month&date=2031-03-01")
    )
    assert page.select_one("#calendar-heading").text == "มีนาคม 2574"
    assert len(page.select(".month-grid__weekday")) == 7
    cells = page.select(".month-grid__day")
    # March 2031 runs from a Saturday to a Monday: the grid runs from Monday 24 February to Sunday 6 April.
    assert len(cells) == 42
    assert [cells[0].select_one("time").get("datetime"), cells[-1].select_one("time").get("datetime")] == [
        "2031-02-24",
        "2031-04-06",
    ]
    outside = [c for c in cells if "month-grid__day--outside" in c.classes]
    assert len(outside) == 5 + 6
    assert outside[3].select(".calendar-session")  # 27 February's session is in the grid, greyed out
    wednesday = next(c for c in cells if c.select_one("time").get("datetime") == "2031-03-12")
    assert len(wednesday.select(".calendar-session")) == 3
    assert wednesday.select_one("p a").get("href") == "/khon-kaen/calendar/?view=day&date=2031-03-12"
    assert page.select_one("#calendar [role=status]").text.startswith("5 ")  # the month's own sessions only


@pytest.mark.django_db
def test_calendar_page_query_count(client, city, django_assert_max_num_queries):
    partner = PartnerFactory(city=city, slug="kku")
    space = LearningSpaceFactory(city=city)
    for hour in range(8, 18):
        session_on(city, at(WEDNESDAY, hour), provider=partner, space=space)
    # city, partners (for the filter), sessions per day, each day's first sessions with what they show
    with django_assert_max_num_queries(4):
        response = client.get(
            url("catalogue:calendar", city="khon-kaen") + "?view=month&date=2031-03-12&partner=kku"
        )
    assert len(parse_response(response).select(".calendar-session")) == 3  # 3 shown of 10 that day


@pytest.mark.django_db
def test_the_calendar_offers_subscriptions(client, city):
    PartnerFactory(city=city, slug="kku", name_th="มข.")
    page = parse_response(client.get(url("catalogue:calendar", city="khon-kaen") + "?partner=kku"))
    links = [a.get("href") for a in page.select(".subscribe a")]
    assert "webcal://testserver/khon-kaen/calendar.ics" in links
    assert "webcal://testserver/khon-kaen/partners/kku/calendar.ics" in links
    assert "/khon-kaen/calendar.ics" in links


# ---------------------------------------------------------------- iCalendar


def parse_ics(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def events(calendar_: Calendar) -> list:
    return list(calendar_.walk("VEVENT"))


@pytest.fixture
def workshop(city):
    space = LearningSpaceFactory(
        city=city, name_th="หอสมุดเมือง", name_en="City library", address_th="ถนนกลางเมือง",
        address_en="Klang Mueang Road", latitude=Decimal("16.432100"), longitude=Decimal("102.823400"),
    )  # fmt: skip
    opportunity = OpportunityFactory(
        city=city, slug="silk", title_th="ทอผ้าไหมมัดหมี่", title_en="Mudmee silk weaving",
        summary_th="เรียนกับปราชญ์ชาวบ้าน", summary_en="Learn from a local master",
    )  # fmt: skip
    session = SessionFactory(
        opportunity=opportunity, space=space, starts_at=at(WEDNESDAY, 9), ends_at=at(WEDNESDAY, 12)
    )
    return session


@pytest.mark.django_db
def test_one_session_as_ics_in_thai(client, workshop):
    response = client.get(url("catalogue:session_ics", city="khon-kaen", slug="silk", pk=workshop.pk))
    assert response["Content-Disposition"] == f'attachment; filename="silk-{workshop.pk}.ics"'
    parsed = parse_ics(response)
    assert parsed["PRODID"] == ical.PRODID and parsed["VERSION"] == "2.0"
    assert parsed["X-WR-CALNAME"] == "ทอผ้าไหมมัดหมี่"
    (event,) = events(parsed)
    assert event["UID"] == f"session-{workshop.pk}@khon-kaen.rianru"
    assert event["SUMMARY"] == "ทอผ้าไหมมัดหมี่"  # Thai survives the round trip
    assert event["LOCATION"] == "หอสมุดเมือง, ถนนกลางเมือง"
    assert event.decoded("DTSTART") == dt.datetime(2031, 3, 12, 2, 0, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2031, 3, 12, 5, 0, tzinfo=dt.UTC)
    assert b"DTSTART:20310312T020000Z" in response.content  # UTC, no time-zone definitions needed
    assert (event["GEO"].latitude, event["GEO"].longitude) == (16.4321, 102.8234)
    assert event["URL"] == "http://testserver/khon-kaen/opportunities/silk/"
    assert "เรียนกับปราชญ์ชาวบ้าน" in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"


@pytest.mark.django_db
def test_one_session_as_ics_in_english_and_cancelled(client, workshop):
    Session.objects.filter(pk=workshop.pk).update(is_cancelled=True)
    response = client.get(url("catalogue:session_ics", "en", city="khon-kaen", slug="silk", pk=workshop.pk))
    (event,) = events(parse_ics(response))
    assert event["SUMMARY"] == "Mudmee silk weaving"
    assert event["LOCATION"] == "City library, Klang Mueang Road"
    assert event["URL"] == "http://testserver/en/khon-kaen/opportunities/silk/"
    assert event["STATUS"] == "CANCELLED"


@pytest.mark.django_db
def test_a_session_ics_needs_the_right_opportunity_city_and_a_public_opportunity(client, workshop):
    other = OpportunityFactory(city=workshop.city, slug="other")
    assert (
        client.get(url("catalogue:session_ics", city="khon-kaen", slug="other", pk=workshop.pk)).status_code
        == 404
    )
    assert (
        client.get(url("catalogue:session_ics", city="khon-kaen", slug="silk", pk=999999)).status_code == 404
    )
    CityFactory(slug="yala")
    assert (
        client.get(url("catalogue:session_ics", city="yala", slug="silk", pk=workshop.pk)).status_code == 404
    )
    Opportunity.objects.filter(pk=workshop.opportunity_id).update(status=Opportunity.Status.DRAFT)
    assert (
        client.get(url("catalogue:session_ics", city="khon-kaen", slug="silk", pk=workshop.pk)).status_code
        == 404
    )
    assert other.pk  # the other opportunity exists, its slug just does not own this session


@pytest.mark.django_db
def test_the_opportunity_page_links_each_upcoming_session_to_its_ics(client, city):
    opportunity = OpportunityFactory(city=city, slug="silk")
    upcoming = SessionFactory(opportunity=opportunity)
    SessionFactory(opportunity=opportunity, is_cancelled=True)
    page = parse_response(client.get(url("catalogue:opportunity_detail", city="khon-kaen", slug="silk")))
    assert [a.get("href") for a in page.select("#upcoming-sessions a.add-to-calendar")] == [
        f"/khon-kaen/opportunities/silk/sessions/{upcoming.pk}.ics"
    ]


@pytest.mark.django_db
def test_partner_feed_has_the_partners_sessions_from_thirty_days_ago(
    client, city, django_assert_max_num_queries
):
    kku = PartnerFactory(city=city, slug="kku", name_th="มหาวิทยาลัยขอนแก่น", name_en="Khon Kaen University")
    now = timezone.now()
    space = LearningSpaceFactory(city=city)
    recent = session_on(city, now - dt.timedelta(days=29), provider=kku, title_th="เมื่อเร็วๆ นี้")
    old = session_on(city, now - dt.timedelta(days=31), provider=kku, title_th="นานแล้ว")
    coming = [session_on(city, now + dt.timedelta(days=d), provider=kku, space=space) for d in range(1, 8)]
    called_off = session_on(
        city, now + dt.timedelta(days=3), provider=kku, status=Opportunity.Status.CANCELLED
    )
    session_on(city, now + dt.timedelta(days=3), provider=kku, status=Opportunity.Status.DRAFT)
    session_on(city, now + dt.timedelta(days=3), title_th="ของคนอื่น")

    with django_assert_max_num_queries(3):  # city, partner, sessions
        response = client.get(url("catalogue:partner_ics", city="khon-kaen", slug="kku"))
    parsed = parse_ics(response)
    assert parsed["X-WR-CALNAME"].startswith("มหาวิทยาลัยขอนแก่น")  # the partner's Thai name
    assert parsed["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    uids = [str(e["UID"]) for e in events(parsed)]
    expected = [recent, *coming, called_off]
    assert sorted(uids) == sorted(f"session-{s.pk}@khon-kaen.rianru" for s in expected)
    assert f"session-{old.pk}@khon-kaen.rianru" not in uids
    status = {str(e["UID"]): str(e["STATUS"]) for e in events(parsed)}
    assert status[f"session-{called_off.pk}@khon-kaen.rianru"] == "CANCELLED"
    assert "public" in response["Cache-Control"]
    assert client.get(url("catalogue:partner_ics", city="khon-kaen", slug="nobody")).status_code == 404


@pytest.mark.django_db
def test_city_feed_in_english_keeps_to_its_city(client, city, django_assert_max_num_queries):
    mine = [
        session_on(city, timezone.now() + dt.timedelta(days=d), title_en=f"Ours {d}") for d in range(1, 6)
    ]
    session_on(CityFactory(slug="yala"), timezone.now() + dt.timedelta(days=1), title_en="Theirs")
    with django_assert_max_num_queries(2):  # city, sessions
        response = client.get(url("catalogue:city_ics", "en", city="khon-kaen"))
    parsed = parse_ics(response)
    assert response["Content-Disposition"] == 'attachment; filename="khon-kaen.ics"'
    assert parsed["X-WR-CALNAME"] == "Learning calendar of Khon Kaen"
    assert [str(e["SUMMARY"]) for e in events(parsed)] == [f"Ours {d}" for d in range(1, 6)]
    assert len(mine) == 5


@pytest.mark.django_db
def test_sessions_to_ics_takes_any_iterable(city, workshop):
    sessions = (s for s in selectors.feed_sessions(city=city, since=at(WEDNESDAY, 0)))  # a generator
    content = ical.sessions_to_ics(
        sessions, name="ค้นหา: ผ้าไหม", url_for=lambda s: f"https://example.org/{s.pk}"
    )
    parsed = Calendar.from_ical(content)
    assert parsed["X-WR-CALNAME"] == "ค้นหา: ผ้าไหม"
    (event,) = events(parsed)
    assert event["URL"] == f"https://example.org/{workshop.pk}"
    assert content.decode("utf-8").count("BEGIN:VEVENT") == 1
    empty = Calendar.from_ical(ical.sessions_to_ics([], name="x", url_for=str))
    assert events(empty) == []


@pytest.mark.django_db
def test_the_partner_page_offers_its_feed(client, city):
    PartnerFactory(city=city, slug="kku")
    page = parse_response(client.get(url("web:partner_detail", "en", city="khon-kaen", slug="kku")))
    links = [a.get("href") for a in page.select(".subscribe-link a")]
    assert links == [
        "webcal://testserver/en/khon-kaen/partners/kku/calendar.ics",
        "/en/khon-kaen/partners/kku/calendar.ics",
    ]


@pytest.mark.django_db
def test_a_feed_holds_a_year_ahead_and_at_most_its_soonest_events(client, city, monkeypatch):
    from rianru.catalogue import views

    monkeypatch.setattr(views, "FEED_MAX_EVENTS", 3)
    now = timezone.now()
    soon = [session_on(city, now + dt.timedelta(days=d), title_en=f"Soon {d}") for d in (5, 1, 3)]
    session_on(city, now + dt.timedelta(days=9), title_en="Later")  # the fourth: over the cap
    session_on(city, now + dt.timedelta(days=400), title_en="Next year")  # beyond a year
    parsed = parse_ics(client.get(url("catalogue:city_ics", "en", city="khon-kaen")))
    assert [str(e["SUMMARY"]) for e in events(parsed)] == ["Soon 1", "Soon 3", "Soon 5"]
    assert len(soon) == 3


@pytest.mark.django_db
def test_a_busy_day_shows_its_first_sessions_in_a_week_and_all_of_them_in_the_day_view(client, city):
    for minute in range(25):
        session_on(city, at(WEDNESDAY, 8) + dt.timedelta(minutes=minute))
    week = parse_response(
        client.get(url("catalogue:calendar", city="khon-kaen") + "?view=week&date=2031-03-12")
    )
    assert len(week.select(".calendar-session")) == 20
    more = week.select_one(".calendar-days p a")
    assert more.get("href") == "/khon-kaen/calendar/?view=day&date=2031-03-12"
    assert "5" in more.text
    assert week.select_one("#calendar [role=status]").text.startswith("25 ")
    day = parse_response(client.get(more.get("href")))
    assert len(day.select(".calendar-session")) == 25
