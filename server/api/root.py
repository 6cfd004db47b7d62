"""The API root: one signed-in request shows where everything is."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

_ENTRY_POINTS = {
    "units": "unit-list",
    "households": "household-list",
    "forms": "form-version-list",
    "conflicts": "conflict-list",
    "devices": "device-list",
    "sync_push": "sync-push",
    "sync_pull": "sync-pull",
}


class ApiRootOutput(serializers.Serializer[Any]):
    units = serializers.URLField()
    households = serializers.URLField()
    forms = serializers.URLField()
    conflicts = serializers.URLField()
    devices = serializers.URLField()
    sync_push = serializers.URLField()
    sync_pull = serializers.URLField()
    docs = serializers.URLField()


class ApiRootApi(APIView):
    @extend_schema(
        operation_id="api_root",
        responses={200: ApiRootOutput, 401: OpenApiResponse(description="Not signed in.")},
    )
    def get(self, request: Request) -> Response:
        links = {key: reverse(name, request=request) for key, name in _ENTRY_POINTS.items()}
        links["docs"] = reverse("api-docs", request=request)
        return Response(links)
