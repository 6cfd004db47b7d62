from django.urls import path, re_path

from server.exports import apis

urlpatterns = [
    re_path(
        r"^exports/(?P<dataset>households|members|assessments|support)\.(?P<fmt>csv|xlsx|geojson)$",
        apis.ExportStreamApi.as_view(),
        name="export-stream",
    ),
    path("exports/jobs/", apis.ExportJobListCreateApi.as_view(), name="export-job-list"),
    path("exports/jobs/<uuid:job_id>/", apis.ExportJobDetailApi.as_view(), name="export-job"),
    path(
        "exports/jobs/<uuid:job_id>/file/",
        apis.ExportJobFileApi.as_view(),
        name="export-job-file",
    ),
    path("map/households/", apis.MapHouseholdsApi.as_view(), name="map-households"),
    path("reports/templates/", apis.ReportTemplateListApi.as_view(), name="report-templates"),
    path("reports/preview/", apis.ReportPreviewApi.as_view(), name="report-preview"),
    path("reports/preview.xlsx", apis.ReportPreviewXlsxApi.as_view(), name="report-preview-xlsx"),
    path("reports/sent/", apis.SentReportListCreateApi.as_view(), name="sent-report-list"),
    path(
        "reports/sent/<uuid:report_id>/",
        apis.SentReportDetailApi.as_view(),
        name="sent-report",
    ),
    path(
        "reports/sent/<uuid:report_id>/file/",
        apis.SentReportFileApi.as_view(),
        name="sent-report-file",
    ),
    path("reports/calendar/", apis.ReportCalendarApi.as_view(), name="report-calendar"),
]
