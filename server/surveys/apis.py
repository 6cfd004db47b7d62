"""Published forms for phones (with ETags) and their ODK exports."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import quote_etag
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import forms
from server.surveys import selectors
from server.surveys.models import FormVersion
from server.surveys.services import form_definition


class FormVersionOutputSerializer(serializers.ModelSerializer[FormVersion]):
    id = serializers.CharField(source="form_id")
    url = serializers.SerializerMethodField()

    class Meta:
        model = FormVersion
        fields = [
            "id",
            "version",
            "checksum",
            "title_vi",
            "title_en",
            "provisional",
            "published_at",
            "url",
        ]

    def get_url(self, version: FormVersion) -> str:
        return reverse("form-version-detail", args=[version.form_id, version.version])


def _etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return etag in {tag.strip() for tag in header.split(",")} or header.strip() == "*"


class FormVersionListApi(APIView):
    @extend_schema(responses=FormVersionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        versions = list(selectors.form_version_list())
        etag = quote_etag("-".join(v.checksum[:16] for v in versions) or "empty")
        if _etag_matches(request, etag):
            return Response(status=304, headers={"ETag": etag})
        data = FormVersionOutputSerializer(versions, many=True).data
        return Response(data, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


class FormVersionDetailApi(APIView):
    @extend_schema(responses={200: dict[str, Any]})
    def get(self, request: Request, form_id: str, version: str) -> Response:
        found = selectors.form_version_get(form_id=form_id, version=version)
        etag = quote_etag(found.checksum)
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _etag_matches(request, etag):
            return Response(status=304, headers=headers)
        return Response(found.definition, headers=headers)


class FormXlsFormApi(APIView):
    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        }
    )
    def get(self, request: Request, form_id: str, version: str) -> HttpResponse:
        found = selectors.form_version_get(form_id=form_id, version=version)
        content = forms.form_to_xlsform(form_definition(found))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{form_id}-v{version}.xlsx"'
        return response


class FormXFormApi(APIView):
    @extend_schema(responses={(200, "text/xml"): str})
    def get(self, request: Request, form_id: str, version: str) -> HttpResponse:
        found = selectors.form_version_get(form_id=form_id, version=version)
        xml = forms.form_to_xform(form_definition(found))
        response = HttpResponse(xml, content_type="text/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{form_id}-v{version}.xml"'
        return response
