"""Device registration and revocation."""

import secrets

from django.db import transaction
from django.utils import timezone

from server.accounts.models import Device, User, hash_token


@transaction.atomic
def device_register(*, user: User, name: str) -> tuple[Device, str]:
    """Create a device and return it with its raw token, which is never stored."""
    raw = secrets.token_urlsafe(32)
    device = Device.objects.create(
        user=user, name=name, token_hash=hash_token(raw), token_prefix=raw[:8]
    )
    return device, raw


def device_revoke(*, device: Device) -> Device:
    """Revoke a device; revoking twice keeps the first revocation time."""
    Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    device.refresh_from_db()
    return device
