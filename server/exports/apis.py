"""Thin HTTP views of exports and reports: validate, call one service or selector, answer."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.exports import selectors, services
from server.exports.models import Dataset, ExportFormat
from server.exports.serializers import (
    CalendarEntrySerializer,
    CalendarQuerySerializer,
    ExportJobInputSerializer,
    ExportJobOutputSerializer,
    ExportQuerySerializer,
    ReportPreviewOutputSerializer,
    ReportQuerySerializer,
    ReportSendInputSerializer,
    ReportTemplateOutputSerializer,
    SentReportOutputSerializer,
)
from server.exports.tasks import run_export_job

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.GEOJSON: "application/geo+json",
}
XLSX = CONTENT_TYPES[ExportFormat.XLSX]
UNIT_PARAM = OpenApiParameter("unit", str, required=False, description="A unit code in your area")
FILE_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The file")


class AnyAccept(BaseContentNegotiation):
    """File answers are not rendered by DRF: an `Accept: text/csv` must not give 406.

    Errors are still rendered by the first renderer (JSON).
    """

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class ScopedApi(APIView):
    """A unit, template, job or report outside the caller's area answers 404."""

    error_statuses = (404,)


FILE_TYPES = {
    (200, "text/csv"): FILE_RESPONSE,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): FILE_RESPONSE,
    (200, "application/geo+json"): FILE_RESPONSE,
}


def stream_export(user: object, dataset: str, fmt: str, unit_code: str | None) -> HttpResponseBase:
    unit = selectors.unit_for(user, unit_code)
    table = selectors.table(user, dataset, unit)
    chunks = services.export_chunks(table, fmt, title=dataset)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[ExportFormat(fmt)])
    stamp = timezone.localdate().isoformat()
    name = f"{dataset}-{unit.code if unit else 'all'}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ExportStreamApi(ScopedApi):
    """The whole export in one streamed response, in the caller's area."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[UNIT_PARAM],
        responses=FILE_TYPES,
    )
    def get(self, request: Request, dataset: str, fmt: str) -> HttpResponseBase:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return stream_export(request.user, dataset, fmt, query.validated_data.get("unit"))


class ExportJobListCreateApi(ScopedApi):
    @extend_schema(responses=ExportJobOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        jobs = selectors.export_jobs_of(request.user).select_related("unit")[:50]
        return Response(ExportJobOutputSerializer(jobs, many=True).data)

    @extend_schema(
        request=ExportJobInputSerializer,
        responses={202: ExportJobOutputSerializer, 200: ExportJobOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = ExportJobInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = selectors.unit_for(request.user, data.get("unit"))
        job, created = services.export_job_create(
            owner=request.user,
            request_id=data["request_id"],
            dataset=data["dataset"],
            fmt=data["format"],
            unit=unit,
        )
        if created:
            job_id = str(job.pk)
            transaction.on_commit(lambda: run_export_job.delay(job_id))
        job = selectors.export_job_for(request.user, job.pk) if created else job
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(ExportJobOutputSerializer(job).data, status=code)


class ExportJobDetailApi(ScopedApi):
    @extend_schema(responses=ExportJobOutputSerializer)
    def get(self, request: Request, job_id: UUID) -> Response:
        job = selectors.export_job_for(request.user, job_id)
        return Response(ExportJobOutputSerializer(job).data)


class ExportJobFileApi(ScopedApi):
    content_negotiation_class = AnyAccept

    @extend_schema(responses=FILE_TYPES)
    def get(self, request: Request, job_id: UUID) -> HttpResponseBase:
        job = selectors.export_job_for(request.user, job_id)
        if not job.file:
            return HttpResponse(status=status.HTTP_404_NOT_FOUND)
        name = f"{job.dataset}-{job.created_at:%Y%m%d-%H%M}.{job.format}"
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES[ExportFormat(job.format)],
        )


class MapHouseholdsApi(ScopedApi):
    """Households as GeoJSON points with their official status and engine class."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[UNIT_PARAM],
        responses={(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request: Request) -> HttpResponseBase:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit_code = query.validated_data.get("unit")
        return stream_export(request.user, Dataset.HOUSEHOLDS, ExportFormat.GEOJSON, unit_code)


# --- reports ---------------------------------------------------------------------


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


class ReportTemplateListApi(ScopedApi):
    @extend_schema(
        parameters=[OpenApiParameter("unit", str, required=True)],
        responses=ReportTemplateOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = CalendarQuerySerializer(data={**request.query_params.dict(), "year": 2016})
        query.is_valid(raise_exception=True)
        unit = selectors.unit_required(request.user, query.validated_data["unit"])
        templates = selectors.templates_for(unit).select_related("province")
        return Response(ReportTemplateOutputSerializer(templates, many=True).data)


def _report_query(request: Request) -> tuple[Any, Any, int]:
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    unit = selectors.unit_required(request.user, query.validated_data["unit"])
    year = query.validated_data.get("year") or timezone.localdate().year
    return unit, selectors.template_for(unit, query.validated_data["template"]), year


class ReportPreviewApi(ScopedApi):
    """The report's figures as they stand now (nothing is stored)."""

    @extend_schema(parameters=[ReportQuerySerializer], responses=ReportPreviewOutputSerializer)
    def get(self, request: Request) -> Response:
        unit, template, year = _report_query(request)
        rows = services.report_rows(request.user, template, unit, year)
        data = {"template": template.code, "unit": unit.code, "columns": template.columns}
        return Response(ReportPreviewOutputSerializer({**data, "rows": rows}).data)


class ReportPreviewXlsxApi(ScopedApi):
    content_negotiation_class = AnyAccept

    @extend_schema(parameters=[ReportQuerySerializer], responses={(200, XLSX): FILE_RESPONSE})
    def get(self, request: Request) -> HttpResponseBase:
        unit, template, year = _report_query(request)
        lang = _lang()
        content = services.report_xlsx(
            template_title=getattr(template, f"title_{lang}"),
            unit=unit,
            period=f"{year} ({timezone.localdate():%d/%m/%Y})",
            layout=template.columns,
            rows=services.report_rows(request.user, template, unit, year),
            lang=lang,
            footer="",
        )
        response = HttpResponse(content, content_type=XLSX)
        name = f"{template.code}-{unit.code}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SentReportListCreateApi(ScopedApi):
    @extend_schema(
        parameters=[OpenApiParameter("unit", str, required=False)],
        responses=SentReportOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reports = selectors.sent_reports_visible(request.user).select_related(
            "unit", "template", "sent_by"
        )
        unit = selectors.unit_for(request.user, query.validated_data.get("unit"))
        if unit is not None:
            reports = reports.filter(unit=unit)
        return Response(SentReportOutputSerializer(reports[:200], many=True).data)

    @extend_schema(
        request=ReportSendInputSerializer,
        responses={201: SentReportOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = ReportSendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = selectors.unit_required(request.user, data["unit"])
        report = services.report_send(
            user=request.user,
            request_id=data["request_id"],
            unit=unit,
            template=selectors.template_for(unit, data["template"]),
            kind=data["kind"],
            period=data["period"],
            note=data.get("note", ""),
        )
        return Response(SentReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)


class SentReportDetailApi(ScopedApi):
    @extend_schema(responses=SentReportOutputSerializer)
    def get(self, request: Request, report_id: UUID) -> Response:
        report = selectors.sent_report_for(request.user, report_id)
        return Response(SentReportOutputSerializer(report).data)


class SentReportFileApi(ScopedApi):
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, XLSX): FILE_RESPONSE})
    def get(self, request: Request, report_id: UUID) -> HttpResponseBase:
        report = selectors.sent_report_for(request.user, report_id)
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=(report.file.name or "report.xlsx").rsplit("/", 1)[-1],
            content_type=XLSX,
        )


class ReportCalendarApi(ScopedApi):
    @extend_schema(
        parameters=[CalendarQuerySerializer], responses=CalendarEntrySerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = selectors.unit_required(request.user, query.validated_data["unit"])
        entries = selectors.calendar(
            request.user, unit, query.validated_data["year"], timezone.localdate()
        )
        data = [
            {
                "kind": e["kind"],
                "period": e["period"],
                "due": e["due"],
                "state": e["state"],
                "first_sent_at": e["first"].sent_at if e["first"] else None,
                "latest_version": e["latest"].version if e["latest"] else None,
            }
            for e in entries
        ]
        return Response(CalendarEntrySerializer(data, many=True).data)
