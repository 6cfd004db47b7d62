"""The round dashboard, and the console home that sends each role to its first page."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from server.review import selectors_dashboard as board
from server.review.choices import Step
from server.review.mixins import ReviewerRequiredMixin
from server.review.models import ReviewRound

SHOWN_STEPS = list(Step)


class DashboardView(ReviewerRequiredMixin, View):
    """Per commune for its officer; across communes (then one commune) for a reviewer."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        today = timezone.localdate()
        years = board.dashboard_years(user=user)
        year = _year(request.GET.get("year"), years, today)
        rounds = list(board.dashboard_rounds(user=user, year=year))
        chosen = _chosen_round(request.GET.get("commune", ""), rounds)
        context: dict[str, Any] = {
            "year": year,
            "years": years,
            "rounds": rounds,
            "chosen": chosen,
            **_progress(
                board.progress_by_commune(user=user, rounds=rounds),
                board.progress_by_village(user=user, review_round=chosen) if chosen else [],
            ),
            "deadlines": board.deadlines(
                user=user, rounds=[chosen] if chosen else rounds, today=today
            ),
            "calendar": board.reporting_calendar(year=year, today=today),
            "calendar_source": board.REPORTING_CALENDAR["source"],
            "running_postings": board.running_postings(user=user, rounds=rounds, today=today),
            "pending_complaints": board.pending_complaints(user=user, rounds=rounds),
            "today": today,
        }
        context["overdue"] = sum(1 for d in context["deadlines"] if d.overdue)
        return render(request, "review/dashboard.html", context)


def _year(raw: str | None, years: list[int], today: date) -> int:
    if raw and raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else today.year


def _chosen_round(code: str, rounds: list[ReviewRound]) -> ReviewRound | None:
    """The asked commune's round; with a single commune in view, that one."""
    communes = {r.commune.code for r in rounds}
    if not code and len(communes) == 1:
        code = next(iter(communes))
    return next((r for r in rounds if r.commune.code == code and r.kind == "annual"), None) or next(
        (r for r in rounds if r.commune.code == code), None
    )


def _progress(
    communes: list[board.UnitProgress], villages: list[board.UnitProgress]
) -> dict[str, Any]:
    """Step columns that hold a household somewhere, and each unit's counts in their order.

    Empty steps are left out so the table fits a laptop; the totals still count everyone.
    """
    used = {step for unit in communes for step, n in unit.steps.items() if n}
    steps = [s for s in SHOWN_STEPS if s.value in used]

    def cells(units: list[board.UnitProgress]) -> list[dict[str, Any]]:
        return [{"unit": u, "cells": [u.steps.get(s.value, 0) for s in steps]} for u in units]

    return {
        "steps": [(s.value, s.label) for s in steps],
        "communes": cells(communes),
        "villages": cells(villages),
    }
