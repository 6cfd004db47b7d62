from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts import access
from server.accounts.access import Action
from server.accounts.models import Device, User


def device_list(*, user: User) -> QuerySet[Device]:
    """A user's own devices; a device manager also sees devices of users in their area."""
    qs = Device.objects.select_related("user")
    if access.allows(user, Action.MANAGE_DEVICES):
        area_users = access.visible_area_users(user).values("pk")
        return qs.filter(user_id__in=area_users) | qs.filter(user=user)
    return qs.filter(user=user)


def device_get(*, user: User, device_id: UUID) -> Device:
    device = device_list(user=user).filter(pk=device_id).first()
    if device is None:
        raise Http404
    return device
