"""Device tokens: phones sign in once and keep a revocable per-device token."""

from typing import Any
from uuid import UUID

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from server.accounts import selectors, services
from server.accounts.authentication import signed_in_user
from server.accounts.models import Device
from server.common.errors import DomainValidationError, FieldError


class DeviceOutputSerializer(serializers.ModelSerializer[Device]):
    user = serializers.CharField(source="user.username")

    class Meta:
        model = Device
        fields = ["id", "name", "user", "token_prefix", "created_at", "last_used_at", "revoked_at"]


class SignInThrottle(AnonRateThrottle):
    rate = "20/min"


class DeviceTokenCreateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [SignInThrottle]

    @extend_schema_serializer(component_name="DeviceTokenCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=200, trim_whitespace=False)
        device_name = serializers.CharField(max_length=100)

    @extend_schema(request=InputSerializer, responses={201: DeviceOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request, so a lockout recorded by django-axes reaches its middleware.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise DomainValidationError(
                [FieldError("password", "invalid_credentials", _("Wrong username or password."))]
            )
        device, token = services.device_register(user=user, name=data["device_name"])
        body = {"token": token, "device": DeviceOutputSerializer(device).data, "role": user.role}
        return Response(body, status=status.HTTP_201_CREATED)


class DeviceListApi(APIView):
    @extend_schema(responses=DeviceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        devices = selectors.device_list(user=signed_in_user(request))
        return Response(DeviceOutputSerializer(devices, many=True).data)


class DeviceRevokeApi(APIView):
    @extend_schema(request=None, responses=DeviceOutputSerializer)
    def post(self, request: Request, device_id: UUID) -> Response:
        device = selectors.device_get(user=signed_in_user(request), device_id=device_id)
        device = services.device_revoke(device=device)
        return Response(DeviceOutputSerializer(device).data)
