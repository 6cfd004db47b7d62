"""Working days and the review's deadlines, as data with their source.

Working days skip Saturdays, Sundays and Vietnam's public holidays as the `holidays`
package lists them (Tết included). The law's periods (QĐ 24/2021/QĐ-TTg) live in
`PERIODS`; nothing else in the app hard-codes a number of days.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import holidays
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    days: int
    working: bool  # working days (True) or calendar days
    source: str


PERIODS: Final[dict[str, Period]] = {
    "posting": Period(3, True, "QĐ 24/2021/QĐ-TTg Art. 4(1)(đ)"),
    "recheck": Period(7, True, "QĐ 24/2021/QĐ-TTg Art. 4(1)(đ)"),
    "recheck_posting": Period(3, True, "QĐ 24/2021/QĐ-TTg Art. 4(1)(đ)"),
    "monthly_decision": Period(15, False, "QĐ 24/2021/QĐ-TTg Art. 5"),
}

ANNUAL_OPENS: Final = (9, 1)
"""The periodic review runs 1 September – 14 December (QĐ 24/2021/QĐ-TTg Art. 3)."""
ANNUAL_DECIDE_BY: Final = (12, 14)
MONTHLY_OPENS_DAY: Final = 15
"""A monthly (Mẫu 04) request is taken from the 15th of the month."""


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself is not counted)."""
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def period_end(start: date, period: str) -> date:
    """The last day of a period that starts on `start` and counts `start` when it is a
    working day: a posting opened on Monday for 3 working days ends on Wednesday."""
    rule = PERIODS[period]
    if rule.working:
        return add_working_days(start - timedelta(days=1), rule.days)
    return start + timedelta(days=rule.days - 1)


def due_after(received: date, period: str) -> date:
    """A deadline counted from the day after `received` (a re-check due in 7 working days)."""
    rule = PERIODS[period]
    if rule.working:
        return add_working_days(received, rule.days)
    return received + timedelta(days=rule.days)


def annual_dates(year: int) -> tuple[date, date]:
    return date(year, *ANNUAL_OPENS), date(year, *ANNUAL_DECIDE_BY)


def monthly_dates(year: int, month: int) -> tuple[date, date]:
    opens = date(year, month, MONTHLY_OPENS_DAY)
    return opens, due_after(opens, "monthly_decision")


@dataclass(frozen=True)
class ReportDeadline:
    due_on: date
    what: Promise
    source: str


REPORT_MONTHS: Final = range(2, 10)
"""Monthly-review results go up by the 5th of each month from February to September."""


def reporting_calendar(year: int) -> list[ReportDeadline]:
    """The reports due in `year` (QĐ 24/2021/QĐ-TTg Art. 7), in date order."""
    monthly = [
        ReportDeadline(date(year, month, 5), _("Monthly review result"), "QĐ 24/2021 Art. 7")
        for month in REPORT_MONTHS
    ]
    return [
        *monthly,
        ReportDeadline(date(year, 11, 15), _("Preliminary annual result"), "QĐ 24/2021 Art. 7"),
        ReportDeadline(date(year, 12, 20), _("Official annual result"), "QĐ 24/2021 Art. 7"),
    ]


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on
