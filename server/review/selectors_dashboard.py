"""The round dashboard: progress per commune, village and step, deadlines and the calendar.

Counts are grouped in the database (one query per table), never counted row by row.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.review.choices import ComplaintResult, Step
from server.review.models import ReviewRound

FINAL_STEPS = (Step.SCREENED_OUT, Step.RECOGNISED, Step.CERTIFIED)
"""Steps with nothing left to do in the round: their due dates no longer apply."""

REPORTING_CALENDAR: dict[str, Any] = {
    "monthly": {"day": 5, "months": list(range(2, 10))},
    "preliminary": {"month": 11, "day": 15},
    "official": {"month": 12, "day": 20},
    "source": "QĐ 24/2021/QĐ-TTg, Điều 7",
}
"""When results go up the hierarchy (staff-side.md §2); data, so a change in law is an edit."""


@dataclass
class UnitProgress:
    code: str
    name: str
    steps: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass(frozen=True)
class Deadline:
    on: date
    what: Any
    commune: str
    overdue: bool


def dashboard_rounds(*, user: object, year: int) -> QuerySet[ReviewRound]:
    return (
        access.visible_rounds(user)
        .filter(year=year)
        .select_related("commune", "decision")
        .order_by("commune__path", "kind", "period")
    )


def dashboard_years(*, user: object) -> list[int]:
    return sorted(set(access.visible_rounds(user).values_list("year", flat=True)), reverse=True)


def progress_by_commune(*, user: object, rounds: list[ReviewRound]) -> list[UnitProgress]:
    rows = (
        access.visible_household_reviews(user)
        .filter(round__in=rounds)
        .values("round__commune__code", "round__commune__name", "step")
        .annotate(n=Count("pk"))
    )
    return _grouped(rows, "round__commune__code", "round__commune__name")


def progress_by_village(*, user: object, review_round: ReviewRound) -> list[UnitProgress]:
    rows = (
        access.visible_household_reviews(user)
        .filter(round=review_round)
        .values("household__village__code", "household__village__name", "step")
        .annotate(n=Count("pk"))
    )
    return _grouped(rows, "household__village__code", "household__village__name")


def _grouped(rows: Any, code_key: str, name_key: str) -> list[UnitProgress]:
    units: dict[str, UnitProgress] = {}
    for row in rows:
        unit = units.setdefault(row[code_key], UnitProgress(row[code_key], row[name_key]))
        unit.steps[row["step"]] = unit.steps.get(row["step"], 0) + row["n"]
        unit.total += row["n"]
    return sorted(units.values(), key=lambda u: u.code)


def deadlines(*, user: object, rounds: list[ReviewRound], today: date) -> list[Deadline]:
    """Open deadlines of the rounds, earliest first: decisions, postings, re-checks, steps."""
    out: list[Deadline] = []
    for rnd in rounds:
        if not hasattr(rnd, "decision"):
            out.append(
                Deadline(rnd.decide_by, _("Decision due"), rnd.commune.name, rnd.decide_by < today)
            )
    for posting in (
        access.visible_postings(user)
        .filter(round__in=rounds, ends_on__gte=today)
        .select_related("round__commune")
    ):
        out.append(Deadline(posting.ends_on, _("Posting ends"), posting.round.commune.name, False))
    for complaint in (
        access.visible_complaints(user)
        .filter(round__in=rounds, result=ComplaintResult.PENDING)
        .select_related("round__commune", "household")
    ):
        out.append(
            Deadline(
                complaint.recheck_due_on,
                _("Re-check of %(code)s due") % {"code": complaint.household.code},
                complaint.round.commune.name,
                complaint.recheck_due_on < today,
            )
        )
    out.extend(_overdue_steps(user, rounds, today))
    return sorted(out, key=lambda d: (d.on, str(d.what)))


def _overdue_steps(user: object, rounds: list[ReviewRound], today: date) -> list[Deadline]:
    late = (
        access.visible_household_reviews(user)
        .filter(round__in=rounds, due_on__lt=today)
        .exclude(step__in=FINAL_STEPS)
        .select_related("household", "round__commune")
    )
    return [
        Deadline(
            r.due_on,  # type: ignore[arg-type]  # filtered on due_on__lt: never None here
            _("%(code)s overdue at step: %(step)s")
            % {"code": r.household.code, "step": Step(r.step).label},
            r.round.commune.name,
            True,
        )
        for r in late
    ]


def overdue_count(*, user: object, rounds: list[ReviewRound], today: date) -> int:
    return sum(1 for d in deadlines(user=user, rounds=rounds, today=today) if d.overdue)


@dataclass(frozen=True)
class CalendarEntry:
    on: date
    what: Any
    past: bool


def reporting_calendar(*, year: int, today: date) -> list[CalendarEntry]:
    """The year's reporting dates: monthly results, the preliminary and the official result."""
    cal = REPORTING_CALENDAR
    entries = [
        CalendarEntry(
            date(year, month, cal["monthly"]["day"]),
            _("Monthly review result for month %(m)d") % {"m": month - 1},
            date(year, month, cal["monthly"]["day"]) < today,
        )
        for month in cal["monthly"]["months"]
    ]
    for key, what in (
        ("preliminary", _("Preliminary annual result (province)")),
        ("official", _("Official annual result")),
    ):
        on = date(year, cal[key]["month"], cal[key]["day"])
        entries.append(CalendarEntry(on, what, on < today))
    return entries


def running_postings(*, user: object, rounds: list[ReviewRound], today: date) -> int:
    return (
        access.visible_postings(user)
        .filter(round__in=rounds, starts_on__lte=today, ends_on__gte=today)
        .count()
    )


def pending_complaints(*, user: object, rounds: list[ReviewRound]) -> int:
    return (
        access.visible_complaints(user)
        .filter(Q(round__in=rounds) & Q(result=ComplaintResult.PENDING))
        .count()
    )
