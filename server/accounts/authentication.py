"""Per-device token authentication: `Authorization: Token <token>`."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from server.accounts.models import Device, User, hash_token

# last_used_at is refreshed at most this often, so ordinary requests do not write.
_TOUCH_INTERVAL = timedelta(minutes=5)


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, Device] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed token header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Malformed token header.")) from None
        return self._device_user(raw)

    def _device_user(self, raw: str) -> tuple[User, Device]:
        device = (
            Device.objects.select_related("user")
            .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
            .first()
        )
        if device is None or not device.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked device token."))
        now = timezone.now()
        if device.last_used_at is None or now - device.last_used_at > _TOUCH_INTERVAL:
            Device.objects.filter(pk=device.pk).update(last_used_at=now)
        return device.user, device

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
