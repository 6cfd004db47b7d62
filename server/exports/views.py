"""Console pages of exports, the map and official reports (server-rendered, htmx)."""

import uuid
from typing import Any
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from server.accounts import access
from server.common.errors import DomainValidationError, PermissionRefused
from server.common.errors import render as render_msg
from server.console.mixins import StaffRequiredMixin
from server.console.templatetags.console import format_vn
from server.exports import selectors, services
from server.exports.models import Dataset, ExportFormat, JobStatus, Schedule
from server.exports.tasks import run_export_job
from server.registry.choices import UnitLevel

UNIT_LEVELS = [UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE]


def _units(user: object) -> list[Any]:
    """Units a person may pick: their area down to communes (villages are too many)."""
    return list(access.visible_units(user).filter(level__in=UNIT_LEVELS).order_by("path")[:500])


class ExportPageView(StaffRequiredMixin, TemplateView):
    template_name = "exports/exports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            datasets=Dataset.choices,
            formats=ExportFormat.choices,
            units=_units(self.request.user),
            jobs=selectors.export_jobs_of(self.request.user).select_related("unit")[:20],
        )
        return context


class ExportJobCreateView(StaffRequiredMixin, View):
    """Start a background export; answers the job's progress row (htmx) or redirects."""

    def post(self, request: HttpRequest) -> HttpResponse:
        dataset, fmt = request.POST.get("dataset", ""), request.POST.get("format", "")
        if dataset not in Dataset.values or fmt not in ExportFormat.values:
            return HttpResponse(_("Choose the data and the format."), status=400)
        unit = selectors.unit_for(request.user, request.POST.get("unit") or None)
        try:
            request_id = uuid.UUID(request.POST.get("request_id", ""))
        except ValueError:
            request_id = uuid.uuid4()
        job, created = services.export_job_create(
            owner=request.user, request_id=request_id, dataset=dataset, fmt=fmt, unit=unit
        )
        if created:
            job_id = str(job.pk)
            transaction.on_commit(lambda: run_export_job.delay(job_id))
        if request.headers.get("HX-Request"):
            return render(request, "exports/_job.html", {"job": job, "poll": True})
        return redirect("exports:exports")


class ExportJobRowView(StaffRequiredMixin, View):
    """One job's progress, polled by the page until the file is ready."""

    def get(self, request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
        job = selectors.export_job_for(request.user, job_id)
        poll = job.status in (JobStatus.PENDING, JobStatus.RUNNING)
        return render(request, "exports/_job.html", {"job": job, "poll": poll})


def _tile_sources() -> list[str]:
    if not settings.MAP_TILE_URL:
        return []
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in settings.MAP_TILE_URL else parts.netloc
    return [f"{parts.scheme}://{host}"]


class MapView(StaffRequiredMixin, TemplateView):
    """Households coloured by class, clustered; tiles only when a tile source is set."""

    template_name = "exports/map.html"

    @method_decorator(
        csp_update({"img-src": _tile_sources()}) if _tile_sources() else (lambda f: f)
    )
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit = selectors.unit_for(self.request.user, self.request.GET.get("unit") or None)
        data_url = reverse("map-households")
        context.update(
            unit=unit,
            units=_units(self.request.user),
            data_url=f"{data_url}?unit={unit.code}" if unit else data_url,
            tile_url=settings.MAP_TILE_URL,
            tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        )
        return context


class ReportsView(StaffRequiredMixin, TemplateView):
    """Choose a template and a unit; preview, download, print or send the report."""

    template_name = "exports/reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = _units(user)
        unit = selectors.unit_for(user, self.request.GET.get("unit") or None) or (
            units[0] if units else None
        )
        context.update(
            units=units,
            unit=unit,
            templates=selectors.templates_for(unit) if unit else [],
            schedules=Schedule.choices,
            sent=selectors.sent_reports_visible(user)
            .filter(unit=unit)
            .select_related("template", "sent_by")[:50]
            if unit
            else [],
            year=timezone.localdate().year,
            request_id=uuid.uuid4(),
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        unit = selectors.unit_required(user, request.POST.get("unit", ""))
        template = selectors.template_for(unit, request.POST.get("template", ""))
        try:
            report = services.report_send(
                user=user,
                request_id=uuid.UUID(request.POST.get("request_id") or str(uuid.uuid4())),
                unit=unit,
                template=template,
                kind=request.POST.get("kind", ""),
                period=request.POST.get("period", "").strip(),
                note=request.POST.get("note", "")[:300],
            )
        except DomainValidationError as refused:
            lang = getattr(request, "LANGUAGE_CODE", "vi")
            for error in refused.errors:
                messages.warning(request, render_msg(error.message, lang))
            return redirect(f"{reverse('exports:reports')}?unit={unit.code}")
        except PermissionRefused:
            messages.warning(request, _("Your role may not send reports."))
            return redirect(f"{reverse('exports:reports')}?unit={unit.code}")
        messages.success(request, _("Sent: version %(version)s.") % {"version": report.version})
        return redirect(f"{reverse('exports:reports')}?unit={unit.code}")


def _columns(layout: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    return [
        {
            "key": c["key"],
            "header": c[f"header_{lang}"],
            "group": c.get(f"group_{lang}", ""),
        }
        for c in layout
    ]


def _year(request: HttpRequest) -> int:
    """The `year` query parameter within 2016–2100, else the current year."""
    raw = request.GET.get("year", "")
    today = timezone.localdate().year
    return (
        min(max(int(raw), 2016), 2100)
        if raw.isascii() and raw.isdigit() and len(raw) <= 4
        else today
    )


def _lang(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "vi").startswith("en") else "vi"


class ReportPrintView(StaffRequiredMixin, View):
    """A printable report: live figures, or a sent report exactly as it was sent."""

    def get(self, request: HttpRequest) -> HttpResponse:
        lang = _lang(request)
        sent_id = request.GET.get("sent")
        if sent_id:
            try:
                sent = selectors.sent_report_for(request.user, uuid.UUID(sent_id))
            except ValueError:
                return HttpResponse(status=404)
            unit, template, layout, rows = sent.unit, sent.template, sent.layout, sent.rows
        else:
            sent = None
            unit = selectors.unit_required(request.user, request.GET.get("unit", ""))
            template = selectors.template_for(unit, request.GET.get("template", ""))
            layout = template.columns
            rows = services.report_rows(request.user, template, unit, _year(request))
        context = {
            "title": getattr(template, f"title_{lang}"),
            "template": template,
            "unit": unit,
            "sent": sent,
            "columns": _columns(layout, lang),
            "table": [[_cell(row.get(c["key"])) for c in layout] for row in rows],
            "groups": _group_runs(layout, lang),
            "now": timezone.now(),
        }
        return render(request, "exports/print.html", context)


def _cell(value: Any) -> str:
    """Vietnamese number formats: 1.234 and 12,50; text as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return format_vn(value)
    if isinstance(value, float):
        return format_vn(value, 2)
    return str(value)


def _group_runs(layout: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Header cells of the first row: a group spanning its columns, or a lone column."""
    runs: list[dict[str, Any]] = []
    for column in layout:
        group = column.get(f"group_{lang}", "")
        if group and runs and runs[-1]["group"] == group:
            runs[-1]["span"] += 1
        else:
            runs.append({"group": group, "span": 1, "header": column[f"header_{lang}"]})
    return runs


class CalendarView(StaffRequiredMixin, TemplateView):
    """What is due, what was sent and what is late, for one unit and year."""

    template_name = "exports/calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = _units(user)
        unit = selectors.unit_for(user, self.request.GET.get("unit") or None) or (
            units[0] if units else None
        )
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        year = min(max(year, 2016), 2100)
        entries = selectors.calendar(user, unit, year, today) if unit else []
        labels = dict(Schedule.choices)
        for entry in entries:
            entry["label"] = labels[entry["kind"]]
        context.update(units=units, unit=unit, year=year, entries=entries)
        return context
