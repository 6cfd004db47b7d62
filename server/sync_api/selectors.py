"""Reads of kept conflicts, scoped through their household."""

from typing import Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts import access
from server.registry.models import Household, Member
from server.sync_api.models import ConflictCopy
from sync.messages import Entity, ItemKind

ConflictStatus = Literal["open", "resolved", "all"]


def conflict_list(
    *, user: object, status: ConflictStatus = "open", household_id: UUID | None = None
) -> QuerySet[ConflictCopy]:
    """Conflicts of households the user may see, oldest first: the order to work them in."""
    qs = access.visible_conflicts(user).select_related("household", "device", "resolved_by")
    if status != "all":
        qs = qs.filter(resolved_at__isnull=status == "open")
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("created_at", "pk")


def conflict_get(*, user: object, conflict_id: int, for_update: bool = False) -> ConflictCopy:
    """A conflict is visible exactly when its household is; otherwise 404."""
    qs = conflict_list(user=user, status="all")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=conflict_id).first()
    if found is None:
        raise Http404
    return found


def conflict_record(
    conflict: ConflictCopy, *, user: object | None = None
) -> Household | Member | None:
    """The record an incoming version would change; None for a survey (kept, never applied).

    A create kept as a conflict reused a UUID that already names a record: that record.
    Given a user, a record outside their area is None too, exactly like a missing one.
    """
    kind = ItemKind(conflict.kind)
    record_id = conflict.target_id if kind.is_edit else conflict.client_uuid
    if record_id is None:
        return None
    if kind.entity is Entity.HOUSEHOLD:
        households = Household.objects.all() if user is None else access.visible_households(user)
        return households.filter(pk=record_id).first()
    if kind.entity is Entity.MEMBER:
        members = Member.objects.all() if user is None else access.visible_members(user)
        return members.current().filter(pk=record_id).first()
    return None
