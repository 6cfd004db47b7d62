from django.urls import path

from server.evidence import apis

urlpatterns = [
    path(
        "submissions/<uuid:submission_id>/photos/<str:name>",
        apis.SubmissionPhotoApi.as_view(),
        name="submission-photo",
    ),
]
