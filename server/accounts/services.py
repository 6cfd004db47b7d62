"""Device registration and revocation; the password and deactivation paths that end them."""

import secrets

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
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


def user_sign_out_everywhere(*, user: User) -> int:
    """Revoke every active device token of `user`; return how many were revoked.

    Sessions need no row changes: Django drops a session whose stored password hash
    no longer matches, and never restores a session for an inactive user.
    """
    return Device.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def user_set_password(*, user: User, raw_password: str | None) -> User:
    """Set (or, with None, disable) the password and end every token and session."""
    if raw_password is None:
        user.set_unusable_password()
    else:
        user.set_password(raw_password)
    user.save(update_fields=["password"])
    user_sign_out_everywhere(user=user)
    return user


PROVINCE_ADMIN_GROUP = "Quản trị tỉnh"
# What a province administrator may do in the admin; where is decided by scoping.
# No auth.* rights (groups, permissions) and no deletion of users or registry records.
PROVINCE_ADMIN_PERMISSIONS = (
    ("accounts", "view_user"),
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("accounts", "view_unitassignment"),
    ("accounts", "add_unitassignment"),
    ("accounts", "change_unitassignment"),
    ("accounts", "delete_unitassignment"),
    ("accounts", "view_device"),
    ("registry", "view_unit"),
    ("registry", "add_unit"),
    ("registry", "change_unit"),
    ("registry", "view_household"),
    ("registry", "add_household"),
    ("registry", "view_member"),
    ("registry", "add_member"),
    ("registry", "view_householdchange"),
)


@transaction.atomic
def province_admin_group_sync() -> Group:
    """Create or reset the province administrators' group to exactly its permissions."""
    group, _created = Group.objects.get_or_create(name=PROVINCE_ADMIN_GROUP)
    query = Q(pk__in=[])
    for app_label, codename in PROVINCE_ADMIN_PERMISSIONS:
        query |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(query))
    return group
