"""Console pages for housing support: progress per unit, daily roll-up, the record page.

Every page needs a staff sign-in (StaffRequiredMixin) and Action.SUPPORT; records and
units outside the user's reach answer 404 like missing ones.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from server.accounts.access import Action, allows
from server.accounts.authentication import signed_in_user
from server.common.errors import DomainValidationError, PermissionRefused
from server.common.errors import render as render_message
from server.console.mixins import StaffRequiredMixin, refused
from server.support import documents, progress, selectors, services
from server.support.models import DocumentKind, FlagCheck, Instalment, Programme, StageChoice
from server.support.stages import ORDER


class SupportPage(StaffRequiredMixin, View):
    """Staff sign-in, then the SUPPORT grant; a PermissionRefused from a service is a 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not allows(request.user, Action.SUPPORT):
            return refused(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionRefused:
            return refused(request)


def _programme(request: HttpRequest) -> Programme | None:
    code = request.GET.get("programme", "")
    return selectors.programmes_list().filter(code=code).first() if code else None


def _unit(request: HttpRequest) -> Any:
    code = request.GET.get("unit", "")
    if code:
        unit = selectors.unit_by_code(user=request.user, code=code)
        if unit is None:
            raise Http404
        return unit
    top = selectors.top_units(user=request.user)
    if not top:
        raise Http404
    return top[0]


class DashboardView(SupportPage):
    """Per unit: eligible households, houses by stage, money per programme, overdue stages."""

    def get(self, request: HttpRequest) -> HttpResponse:
        unit = _unit(request)
        programme = _programme(request)
        rows, total = progress.dashboard(user=request.user, unit=unit, programme=programme)
        context: dict[str, Any] = {
            "unit": unit,
            "programme": programme,
            "programmes": list(selectors.programmes_list()),
            "rows": rows,
            "total": total,
            "crumbs": selectors.unit_ancestors(user=request.user, unit=unit),
            "money_rows": _money_rows(total),
            "leaf": unit.level in {"commune", "village"},
        }
        if context["leaf"]:
            records = list(
                progress.records_under(user=request.user, unit=unit, programme=programme)
            )
            context["records"] = progress.record_progress(records, timezone.localdate())
            if programme is not None:
                context["queue"] = selectors.eligible_queue(
                    user=request.user, unit=unit, programme=programme
                )
        return render(request, "support/dashboard.html", context)


def _money_rows(total: progress.UnitRow) -> list[dict[str, Any]]:
    names = {p.code: p for p in selectors.programmes_list()}
    return [
        {"programme": names.get(code), "code": code, "committed": m.committed, "paid": m.paid}
        for code, m in sorted(total.money.items())
    ]


class DailyView(SupportPage):
    """Per day and per unit: stages proved and money paid, newest day first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        unit = _unit(request)
        programme = _programme(request)
        days = _days(request.GET.get("days", "14"))
        rows = progress.daily_rollup(user=request.user, unit=unit, programme=programme, days=days)
        return render(
            request,
            "support/daily.html",
            {
                "unit": unit,
                "programme": programme,
                "programmes": list(selectors.programmes_list()),
                "rows": rows,
                "days": days,
                "crumbs": selectors.unit_ancestors(user=request.user, unit=unit),
            },
        )


def _days(value: str) -> int:
    return min(max(int(value), 1), 92) if value.isdigit() else 14


class RecordView(SupportPage):
    """Stages with photos and flags, before/after beside the survey photos, payments."""

    def get(self, request: HttpRequest, record_id: UUID) -> HttpResponse:
        return _record_page(request, record_id)


def _record_page(
    request: HttpRequest, record_id: UUID, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    record = selectors.support_record_get(user=request.user, record_id=record_id)
    view = selectors.record_view(user=request.user, record=record)
    context = {
        "view": view,
        "record": record,
        "stage_rows": _stage_rows(view),
        "survey_photos": selectors.survey_photos(user=request.user, household=record.household),
        "document_rows": _document_rows(record),
        "instalments": Instalment.choices,
        "flag_labels": dict(FlagCheck.choices),
        "errors": errors or [],
        "first_percent": record.programme.first_payment_percent,
        "rest_percent": 100 - record.programme.first_payment_percent,
        "today": timezone.localdate(),
    }
    return render(request, "support/record.html", context, status=status)


def _document_rows(record: Any) -> list[tuple[str, Any, Any]]:
    signed = {d.kind: d for d in record.documents.all()}
    return [(kind, label, signed.get(kind)) for kind, label in DocumentKind.choices]


def _stage_rows(view: selectors.RecordView) -> list[dict[str, Any]]:
    by_stage: dict[str, list[selectors.ProofView]] = {}
    for proof in view.proofs:
        by_stage.setdefault(proof.proof.stage, []).append(proof)
    due = view.record.stage_due or {}
    return [
        {
            "stage": stage,
            "label": StageChoice(stage.value).label,
            "proved": stage in view.proved or stage == ORDER[0],
            "proofs": by_stage.get(stage.value, []),
            "due": due.get(stage.value),
        }
        for stage in ORDER
    ]


def _messages(error: DomainValidationError) -> list[str]:
    language = translation.get_language() or "vi"
    return [render_message(e.message, language) for e in error.errors]


class PaymentView(SupportPage):
    def post(self, request: HttpRequest, record_id: UUID) -> HttpResponse:
        try:
            paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            return _record_page(request, record_id, [_("Enter the payment date.")], 400)
        try:
            services.payment_record(
                user=signed_in_user(request),
                record_id=record_id,
                instalment=request.POST.get("instalment", ""),
                paid_on=paid_on,
                reference=request.POST.get("reference", ""),
            )
        except DomainValidationError as error:
            return _record_page(request, record_id, _messages(error), 400)
        messages.success(request, _("The payment is recorded."))
        return redirect(reverse("support:record", args=[record_id]))


class FlagClearView(SupportPage):
    def post(self, request: HttpRequest, flag_id: int) -> HttpResponse:
        record_id = selectors.flag_record_id(user=request.user, flag_id=flag_id)
        try:
            services.photo_flag_clear(
                user=signed_in_user(request), flag_id=flag_id, reason=request.POST.get("reason", "")
            )
        except DomainValidationError as error:
            return _record_page(request, record_id, _messages(error), 400)
        messages.success(request, _("The flag is cleared."))
        return redirect(reverse("support:record", args=[record_id]))


class DocumentPdfView(SupportPage):
    """The completion or put-into-use record, generated for printing and signing."""

    def get(self, request: HttpRequest, record_id: UUID, kind: str) -> HttpResponse:
        record = selectors.support_record_get(user=request.user, record_id=record_id)
        if kind not in DocumentKind.values:
            raise Http404
        view = selectors.record_view(user=request.user, record=record)
        pdf = documents.record_pdf(view=view, kind=kind)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{kind}-{record.household.code}.pdf"'
        return response


class SignedScanView(SupportPage):
    """Upload (POST) or read (GET) the signed scan of a generated record."""

    def get(self, request: HttpRequest, record_id: UUID, kind: str) -> HttpResponse:
        record = selectors.support_record_get(user=request.user, record_id=record_id)
        scan = record.documents.filter(kind=kind).first()
        if scan is None:
            raise Http404
        with scan.scan.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type=scan.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def post(self, request: HttpRequest, record_id: UUID, kind: str) -> HttpResponse:
        upload = request.FILES.get("scan")
        try:
            services.signed_document_attach(
                user=signed_in_user(request),
                record_id=record_id,
                kind=kind,
                data=upload.read() if upload else b"",
                content_type=upload.content_type or "" if upload else "",
            )
        except DomainValidationError as error:
            return _record_page(request, record_id, _messages(error), 400)
        messages.success(request, _("The signed scan is attached."))
        return redirect(reverse("support:record", args=[record_id]))
