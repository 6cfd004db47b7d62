from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts import access
from server.accounts.access import Action
from server.accounts.models import Device, UnitAssignment, User
from server.accounts.scoping import scope_q


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


def user_list_managed(*, actor: User) -> QuerySet[User]:
    """Users an administrator manages: every unit they hold lies inside the actor's area.

    A user with any unit outside, or with no unit at all, belongs to someone else's
    area; superusers are managed only by superusers.
    """
    if actor.is_superuser and actor.is_active:
        return User.objects.all()
    inside = scope_q(actor, "unit__path")
    return (
        User.objects.filter(is_superuser=False)
        .filter(pk__in=UnitAssignment.objects.filter(inside).values("user_id"))
        .exclude(pk__in=UnitAssignment.objects.exclude(inside).values("user_id"))
    )
