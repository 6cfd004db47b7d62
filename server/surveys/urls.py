from django.urls import path

from server.surveys import apis

urlpatterns = [
    path("forms/", apis.FormVersionListApi.as_view(), name="form-version-list"),
    path(
        "forms/<slug:form_id>/<str:version>/",
        apis.FormVersionDetailApi.as_view(),
        name="form-version-detail",
    ),
    path(
        "forms/<slug:form_id>/<str:version>/xlsform/",
        apis.FormXlsFormApi.as_view(),
        name="form-xlsform",
    ),
    path(
        "forms/<slug:form_id>/<str:version>/xform/", apis.FormXFormApi.as_view(), name="form-xform"
    ),
]
