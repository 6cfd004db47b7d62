from django.urls import path

from server.submissions import apis

urlpatterns = [
    path(
        "households/<uuid:household_id>/assessments/",
        apis.HouseholdAssessmentListApi.as_view(),
        name="household-assessments",
    ),
    path(
        "households/<uuid:household_id>/submissions/",
        apis.HouseholdSubmissionListApi.as_view(),
        name="household-submissions",
    ),
]
