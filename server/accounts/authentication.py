"""Per-device token authentication: `Authorization: Token <token>`."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from server.accounts.models import Device, User, hash_token
from server.api.csrf import CsrfFailed


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a request that a sign-in check (IsAuthenticated, the admin's) has let in.

    Those checks refuse anonymous requests first, so the user is a `User`. Should a view
    ever lack its check, the request is refused here rather than carry an AnonymousUser
    into a service.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def signed_in_device(request: Request) -> Device | None:
    """The device whose token signed the request in; None for a browser session."""
    return request.auth if isinstance(request.auth, Device) else None


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Session sign-in whose CSRF refusal says what it is, not that the role is lacking."""

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None


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
        now = timezone.now()
        if device is None or not device.user.is_active or _idle_expired(device, now):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked device token."))
        touch = timedelta(minutes=settings.DEVICE_TOKEN_TOUCH_MINUTES)
        if device.last_used_at is None or now - device.last_used_at > touch:
            Device.objects.filter(pk=device.pk).update(last_used_at=now)
        return device.user, device

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def _idle_expired(device: Device, now: datetime) -> bool:
    """A token unused for DEVICE_TOKEN_IDLE_DAYS has ended, like a revoked one."""
    last = device.last_used_at or device.created_at
    return now - last > timedelta(days=settings.DEVICE_TOKEN_IDLE_DAYS)
