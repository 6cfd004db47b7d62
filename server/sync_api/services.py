"""Settling kept conflicts: apply the incoming version on the current revision, or keep
the server's. Either way the decision, its author and reason are recorded once."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from server.accounts.policy import can_review
from server.api.errors import DomainValidationError, FieldError, PermissionRefused
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.registry import services as registry_services
from server.registry.models import Household, Member
from server.registry.serializers import HouseholdUpdateSerializer, MemberUpdateSerializer
from server.sync_api.models import ConflictCopy, Resolution
from server.sync_api.selectors import conflict_get, conflict_record

SOURCE = "conflict"
SYNC_FLAG_PREFIX = "sync_"
"""Flags set by sync conflicts (store.keep_conflict); other flags (photo checks) stay."""


@transaction.atomic
def conflict_resolve(
    *,
    actor: Any,
    conflict_id: int,
    resolution: str,
    note: str,
    revision: int | None = None,
) -> ConflictCopy:
    """Settle one conflict; `revision` is the record's revision the reviewer decided on.

    Applying goes through the registry's own edit services on that revision, so an edit
    made since the reviewer looked is a 409, never an overwrite. The row lock makes a
    concurrent resolve wait for the first and then see it: the same reviewer's retry of
    the same decision is answered as the first was; any other is refused. Neither
    changes anything.
    """
    conflict = conflict_get(user=actor, conflict_id=conflict_id, for_update=True)
    if not can_review(actor):
        raise PermissionRefused
    if conflict.resolved_at is not None:
        if _same_decision(conflict, actor=actor, resolution=resolution, note=note):
            return conflict  # a retried request: answer as the first time, change nothing
        raise DomainValidationError(
            [FieldError("resolution", "already_resolved", _("This conflict is already settled."))]
        )
    if resolution == Resolution.APPLIED:
        _apply(conflict, actor=actor, revision=revision)
    conflict.resolution = resolution
    conflict.resolution_note = note
    conflict.resolved_by = actor
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
    _unflag_when_settled(conflict)
    return conflict


def _same_decision(conflict: ConflictCopy, *, actor: Any, resolution: str, note: str) -> bool:
    return (conflict.resolved_by_id, conflict.resolution, conflict.resolution_note) == (
        actor.pk,
        resolution,
        note,
    )


def _apply(conflict: ConflictCopy, *, actor: Any, revision: int | None) -> None:
    record = conflict_record(conflict)
    if record is None:
        raise DomainValidationError(
            [
                FieldError(
                    "resolution",
                    "not_appliable",
                    _(
                        "A survey sent twice with different answers cannot be applied; keep the "
                        "server's version and ask the volunteer to send it as a new survey."
                    ),
                )
            ]
        )
    if revision is None:
        raise DomainValidationError(
            [FieldError("revision", "required", _("Send the revision you decided on."))]
        )
    data = _incoming_values(conflict.payload, record)
    common = {"actor": actor, "base_revision": revision, "data": data, "source": SOURCE}
    if isinstance(record, Household):
        registry_services.household_update(household=record, **common)
    else:
        registry_services.member_update(member=record, **common)


def _incoming_values(payload: Mapping[str, Any], record: Household | Member) -> dict[str, Any]:
    """The kept payload's editable fields, validated as an edit of `record` would be.

    A kept create also carries fields an edit cannot change (village, roster, id); those
    are left out. Invalid values are reported under `payload.<field>`.
    """
    serializer_class = _edit_serializer(record)
    editable = editable_fields(record)
    serializer = serializer_class(
        data={k: v for k, v in payload.items() if k in editable}, partial=True
    )
    if not serializer.is_valid():
        raise serializers.ValidationError({"payload": serializer.errors})
    return dict(serializer.validated_data)


def _edit_serializer(record: Household | Member) -> type[serializers.Serializer[Any]]:
    return HouseholdUpdateSerializer if isinstance(record, Household) else MemberUpdateSerializer


def editable_fields(record: Household | Member) -> list[str]:
    """The fields an edit of `record` may carry, in the edit serializer's order."""
    # keys(): the stubs type iterating a serializer's fields as yielding Field, not names.
    return [name for name in _edit_serializer(record)().fields.keys() if name != "revision"]  # noqa: SIM118


def _unflag_when_settled(conflict: ConflictCopy) -> None:
    """Clear a household's sync flag once none of its conflicts is open."""
    household = conflict.household
    if household is None or not household.flag_reason.startswith(SYNC_FLAG_PREFIX):
        return
    if ConflictCopy.objects.filter(household=household, resolved_at__isnull=True).exists():
        return
    Household.objects.filter(pk=household.pk).update(flagged_for_review=False, flag_reason="")
    feed_append(kind=FeedKind.HOUSEHOLD, record_id=household.pk, scope_path=household.village.path)
