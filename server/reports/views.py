"""Console pages: a unit's dashboard with drill-down, the households behind a figure,
a household's record, and the movement's targets with progress and ranking.

Every page starts from a unit or record the user covers (404 outside, like a missing one).
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from server.console.mixins import StaffRequiredMixin
from server.registry.models import Unit
from server.reports import charts, labels, selectors
from server.reports.models import Target, TargetMeasure

PAGE_SIZE = 50
MAX_KEY = 96


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit() or not 2010 <= int(raw) <= 2100:
        raise BadRequest(_("The year must be a number between 2010 and 2100."))
    return int(raw)


class ReportsHomeView(StaffRequiredMixin, TemplateView):
    """Opens the dashboard of the user's own unit; lists them when there are several."""

    template_name = "reports/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        units = list(selectors.top_units(request.user)[:50])
        if len(units) == 1:
            return redirect("reports:unit", code=units[0].code)
        return self.render_to_response({"units": units})


class UnitPageMixin(StaffRequiredMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def unit(self) -> Unit:
        return selectors.unit_for_user(user=self.request.user, code=self.kwargs["code"])

    def crumbs(self, unit: Unit) -> list[Unit]:
        return [*selectors.unit_ancestors(unit, self.request.user), unit]


class DashboardView(UnitPageMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = self.unit()
        requested = _year(self.request)
        figures = selectors.unit_figures(unit)
        years = [t.year for t in figures.transitions if t.group == "all"]
        year = requested or selectors.default_year(figures.counters, years)
        if requested is not None:
            figures = selectors.unit_figures(unit, requested)
        rows = selectors.child_rows(unit, year)
        current = [t for t in figures.transitions if t.year == year]
        return {
            **super().get_context_data(**kwargs),
            "unit": unit,
            "crumbs": self.crumbs(unit),
            "f": figures,
            "year": year,
            "years": years,
            "children": rows,
            "ranked": selectors.ranking(rows),
            "transitions": current,
            "transition_names": labels.TRANSITIONS,
            "groups": labels.GROUPS,
            "areas": labels.AREAS,
            "chart_rates": charts.rates_over_years(unit.name, selectors.unit_rates(unit), rows),
            "chart_transitions": charts.transitions(current[0]) if current else None,
            "chart_indicators": charts.indicators(figures.indicators),
            "chart_ranking": charts.ranking(selectors.ranking(rows)),
            "ethnic_names": {e.code: labels.ethnicity_label(e.code) for e in figures.ethnic_groups},
            "cause_names": {c.key: labels.cause_label(c.key[6:]) for c in figures.causes},
        }


class HouseholdListView(UnitPageMixin, TemplateView):
    """The households behind one figure: exactly those its count counted."""

    template_name = "reports/households.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = self.unit()
        key = self.request.GET.get("key", "hh")
        if not key or len(key) > MAX_KEY:
            raise BadRequest(_("Unknown figure."))
        page = self.request.GET.get("page", "1")
        number = int(page) if page.isdigit() and int(page) > 0 else 1
        households = selectors.households_for_key(
            user=self.request.user, unit=unit, key=key,
            offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1,
        )  # fmt: skip
        total = selectors.unit_counters(unit).get(key, 0)
        return {
            **super().get_context_data(**kwargs),
            "unit": unit,
            "crumbs": self.crumbs(unit),
            "key": key,
            "title": labels.key_label(key),
            "total": total,
            "households": households[:PAGE_SIZE],
            "page": number,
            "has_next": len(households) > PAGE_SIZE,
        }


class HouseholdView(StaffRequiredMixin, TemplateView):
    template_name = "reports/household.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        household = selectors.household_for_user(
            user=self.request.user, pk=UUID(str(self.kwargs["pk"]))
        )
        latest = selectors.household_latest(household)
        return {
            **super().get_context_data(**kwargs),
            "household": household,
            "crumbs": [*selectors.unit_ancestors(household.village, self.request.user),
                       household.village],
            "history": selectors.household_history(household),
            "latest": latest,
            "latest_class": labels.CLASSES.get(latest.household_class) if latest else None,
            "causes": [labels.cause_label(c) for c in household.poverty_causes or []],
        }  # fmt: skip


def _goal_label(target: Target) -> str:
    if target.measure == TargetMeasure.INCOME_MULTIPLE:
        return _("Required multiple")
    if target.measure in (TargetMeasure.COUNT_CUT, TargetMeasure.NONE_LEFT):
        return _("Most poor households allowed")
    return _("Highest rate allowed (%)")


class TargetsView(UnitPageMixin, TemplateView):
    """Targets set for this unit and the units below it, with progress and an on-track flag."""

    template_name = "reports/targets.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = self.unit()
        targets = selectors.targets_for_user(self.request.user).filter(
            unit__in=Unit.objects.descendants_of(unit)
        )
        return {
            **super().get_context_data(**kwargs),
            "unit": unit,
            "crumbs": self.crumbs(unit),
            "rows": [(t, selectors.target_progress(t)) for t in targets],
        }


class TargetView(StaffRequiredMixin, TemplateView):
    """One target: its yearly series against the requirement, and the units below ranked."""

    template_name = "reports/target.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        target = selectors.target_for_user(user=self.request.user, pk=int(self.kwargs["pk"]))
        progress = selectors.target_progress(target)
        ranked = selectors.target_ranking(target)
        is_rate = target.measure in ("rate_below", "rate_cut", "near_poor_below")
        return {
            **super().get_context_data(**kwargs),
            "target": target,
            "unit": target.unit,
            "crumbs": [*selectors.unit_ancestors(target.unit, self.request.user), target.unit],
            "progress": progress,
            "ranked": ranked,
            "chart_target": charts.target(progress, _goal_label(target), percent=is_rate),
            "chart_ranking": charts.target_ranking(
                [r.unit.name for r in ranked],
                [r.progress.latest for r in ranked],
                [r.progress.on_track for r in ranked],
            ),
            "is_rate": is_rate,
        }
