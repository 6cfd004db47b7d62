"""Working days skip weekends and Vietnam's holidays (Tết 2027); the law's periods as data."""

from datetime import date

import holidays

from server.review.calendar import (
    add_working_days,
    annual_dates,
    due_after,
    is_overdue,
    is_working_day,
    monthly_dates,
    period_end,
    reporting_calendar,
)


def test_the_holidays_package_lists_tet_2027_from_4_to_10_february():
    tet = {d for d, name in holidays.Vietnam(years=2027).items() if d.month == 2}
    assert tet == {date(2027, 2, d) for d in range(4, 11)}


def test_a_posting_started_the_day_before_tet_ends_after_the_holiday():
    # 5 Feb 2027 (Lunar New Year's Eve) is itself a holiday: the 3 working days are
    # Thu 11, Fri 12 and Mon 15 February.
    assert period_end(date(2027, 2, 5), "posting") == date(2027, 2, 15)


def test_a_posting_started_on_the_last_working_day_before_tet_counts_it():
    assert period_end(date(2027, 2, 3), "posting") == date(2027, 2, 12)


def test_a_posting_started_on_monday_ends_on_wednesday():
    assert period_end(date(2026, 10, 5), "posting") == date(2026, 10, 7)


def test_a_posting_started_on_friday_skips_the_weekend():
    assert period_end(date(2026, 10, 9), "posting") == date(2026, 10, 13)


def test_a_recheck_is_due_7_working_days_after_the_complaint():
    assert due_after(date(2026, 10, 9), "recheck") == date(2026, 10, 20)
    # Thu 11, Fri 12, Mon 15 .. Fri 19 February: Tết week skipped.
    assert due_after(date(2027, 2, 3), "recheck") == date(2027, 2, 19)


def test_working_days():
    # 2026: 31 Aug (substituted day off), 1 and 2 Sep (National Day) are holidays.
    assert is_working_day(date(2026, 8, 28)) is True
    assert is_working_day(date(2026, 8, 31)) is False
    assert is_working_day(date(2026, 9, 2)) is False
    assert is_working_day(date(2026, 9, 5)) is False  # Saturday
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    assert add_working_days(date(2026, 9, 3), 1) == date(2026, 9, 4)


def test_rounds_calendar_dates():
    assert annual_dates(2026) == (date(2026, 9, 1), date(2026, 12, 14))
    assert monthly_dates(2026, 3) == (date(2026, 3, 15), date(2026, 3, 30))


def test_the_reporting_calendar_is_the_5th_february_to_september_then_15_nov_and_20_dec():
    assert [d.due_on for d in reporting_calendar(2026)] == [
        *(date(2026, m, 5) for m in range(2, 10)),
        date(2026, 11, 15),
        date(2026, 12, 20),
    ]


def test_overdue_is_strictly_after_the_due_date():
    assert is_overdue(date(2026, 10, 7), date(2026, 10, 8)) is True
    assert is_overdue(date(2026, 10, 7), date(2026, 10, 7)) is False
    assert is_overdue(None, date(2026, 10, 8)) is False
