from django.urls import path

from server.support import apis

urlpatterns = [
    path("support/programmes/", apis.ProgrammeListApi.as_view(), name="support-programmes"),
    path("support/eligibility/", apis.EligibleQueueApi.as_view(), name="support-eligible-queue"),
    path(
        "support/households/<uuid:household_id>/eligibility/",
        apis.HouseholdEligibilityApi.as_view(),
        name="support-household-eligibility",
    ),
    path("support/records/", apis.RecordListApi.as_view(), name="support-records"),
    path(
        "support/records/<uuid:record_id>/",
        apis.RecordDetailApi.as_view(),
        name="support-record",
    ),
    path(
        "support/records/<uuid:record_id>/stages/",
        apis.StageProofApi.as_view(),
        name="support-record-stages",
    ),
    path(
        "support/records/<uuid:record_id>/payments/",
        apis.PaymentApi.as_view(),
        name="support-record-payments",
    ),
    path(
        "support/records/<uuid:record_id>/photos/<uuid:proof_id>/<str:name>",
        apis.StagePhotoApi.as_view(),
        name="support-stage-photo",
    ),
    path(
        "support/flags/<int:flag_id>/clear/",
        apis.FlagClearApi.as_view(),
        name="support-flag-clear",
    ),
]
