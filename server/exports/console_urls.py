"""Console pages of the exports app, under /console/exports/."""

from django.urls import path

from server.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.ExportPageView.as_view(), name="exports"),
    path("jobs/", views.ExportJobCreateView.as_view(), name="job-create"),
    path("jobs/<uuid:job_id>/", views.ExportJobRowView.as_view(), name="job"),
    path("map/", views.MapView.as_view(), name="map"),
    path("reports/", views.ReportsView.as_view(), name="reports"),
    path("reports/print/", views.ReportPrintView.as_view(), name="report-print"),
    path("reports/calendar/", views.CalendarView.as_view(), name="calendar"),
]
