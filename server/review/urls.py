from django.urls import path

from server.review import apis

review = [
    path("review/rounds/", apis.RoundListApi.as_view(), name="review-rounds"),
    path("review/rounds/<int:round_id>/", apis.RoundDetailApi.as_view(), name="review-round"),
    path(
        "review/rounds/<int:round_id>/households/",
        apis.RoundHouseholdsApi.as_view(),
        name="review-round-households",
    ),
    path(
        "review/rounds/<int:round_id>/meetings/",
        apis.MeetingCreateApi.as_view(),
        name="review-meetings",
    ),
    path(
        "review/rounds/<int:round_id>/postings/",
        apis.PostingOpenApi.as_view(),
        name="review-postings",
    ),
    path(
        "review/rounds/<int:round_id>/decision/",
        apis.DecisionIssueApi.as_view(),
        name="review-decision-issue",
    ),
    path("review/rounds/<int:round_id>/audit/", apis.RoundAuditApi.as_view(), name="review-audit"),
    path(
        "review/households/<int:review_id>/screening/",
        apis.ScreeningApi.as_view(),
        name="review-screening",
    ),
    path(
        "review/households/<int:review_id>/survey/", apis.SurveyApi.as_view(), name="review-survey"
    ),
    path(
        "review/households/<int:review_id>/return/",
        apis.HouseholdReturnApi.as_view(),
        name="review-return",
    ),
    path(
        "review/households/<int:review_id>/complaints/",
        apis.ComplaintTakeApi.as_view(),
        name="review-complaints",
    ),
    path(
        "review/complaints/<int:complaint_id>/recheck/",
        apis.RecheckApi.as_view(),
        name="review-recheck",
    ),
    path(
        "review/meetings/<int:meeting_id>/scan/",
        apis.MeetingScanApi.as_view(),
        name="review-meeting-scan",
    ),
    path(
        "review/meetings/<int:meeting_id>/minutes.pdf",
        apis.MeetingMinutesPdfApi.as_view(),
        name="review-meeting-minutes",
    ),
    path(
        "review/decisions/<int:decision_id>/",
        apis.DecisionDetailApi.as_view(),
        name="review-decision",
    ),
    path(
        "review/decisions/<int:decision_id>/certificates/",
        apis.CertificatesIssueApi.as_view(),
        name="review-certificates",
    ),
    path(
        "review/decisions/<int:decision_id>/certificates.pdf",
        apis.CertificatesPdfApi.as_view(),
        name="review-certificates-pdf",
    ),
]

moved = [
    path(
        "submissions/<uuid:submission_id>/return/",
        apis.SubmissionReturnApi.as_view(),
        name="submission-return",
    ),
    path(
        "conflicts/<int:conflict_id>/resolve/",
        apis.ConflictResolveApi.as_view(),
        name="conflict-resolve",
    ),
]

urlpatterns = [*review, *moved]
