from django.urls import path

from server.accounts import apis

urlpatterns = [
    path("auth/device-tokens/", apis.DeviceTokenCreateApi.as_view(), name="device-token-create"),
    path("devices/", apis.DeviceListApi.as_view(), name="device-list"),
    path("devices/<uuid:device_id>/revoke/", apis.DeviceRevokeApi.as_view(), name="device-revoke"),
]
