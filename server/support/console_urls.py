"""Console pages of housing support, mounted at /console/support/."""

from django.urls import path

from server.support import views

app_name = "support"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("daily/", views.DailyView.as_view(), name="daily"),
    path("records/<uuid:record_id>/", views.RecordView.as_view(), name="record"),
    path("records/<uuid:record_id>/pay/", views.PaymentView.as_view(), name="pay"),
    path(
        "records/<uuid:record_id>/documents/<str:kind>.pdf",
        views.DocumentPdfView.as_view(),
        name="document",
    ),
    path(
        "records/<uuid:record_id>/documents/<str:kind>/scan/",
        views.SignedScanView.as_view(),
        name="scan",
    ),
    path("flags/<int:flag_id>/clear/", views.FlagClearView.as_view(), name="flag-clear"),
]
