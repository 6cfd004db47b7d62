"""The round's action pages under /console/review/rounds/ (the namespace `review`)."""

from django.urls import path

from server.review import views

app_name = "review"

urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="rounds"),
    path("rounds/<int:round_id>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:round_id>/list/", views.ListHouseholdsView.as_view(), name="list"),
    path("rounds/<int:round_id>/meeting/", views.MeetingView.as_view(), name="meeting"),
    path("rounds/<int:round_id>/posting/", views.PostingView.as_view(), name="posting"),
    path("rounds/<int:round_id>/decision/", views.DecisionView.as_view(), name="decision"),
    path(
        "rounds/<int:round_id>/households/<int:review_id>/complaint/",
        views.ComplaintView.as_view(),
        name="complaint",
    ),
    path(
        "rounds/<int:round_id>/households/<int:review_id>/return/",
        views.ReturnView.as_view(),
        name="return",
    ),
    path(
        "rounds/<int:round_id>/households/<int:review_id>/<slug:action>/",
        views.HouseholdStepView.as_view(),
        name="step",
    ),
    path(
        "rounds/complaints/<int:complaint_id>/recheck/", views.RecheckView.as_view(), name="recheck"
    ),
    path("rounds/meetings/<int:meeting_id>/scan/", views.MeetingScanView.as_view(), name="scan"),
    path(
        "rounds/meetings/<int:meeting_id>/minutes.pdf",
        views.MinutesPdfView.as_view(),
        name="minutes",
    ),
    path(
        "rounds/decisions/<int:decision_id>/certificates/",
        views.CertificatesIssueView.as_view(),
        name="certificates",
    ),
    path(
        "rounds/decisions/<int:decision_id>/certificates.pdf",
        views.CertificatesPdfView.as_view(),
        name="certificates-pdf",
    ),
]
