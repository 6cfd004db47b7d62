"""Settling kept conflicts: apply the incoming version on the current revision, or keep
the server's. Either way the decision, its author and reason are recorded once."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.accounts.policy import can_review
from server.common.errors import DomainValidationError, FieldError, PermissionRefused
from server.registry import services as registry_services
from server.registry.models import Household, Member
from server.sync_api.models import ConflictCopy, Resolution
from server.sync_api.selectors import conflict_get, conflict_record

SOURCE = "conflict"
SYNC_FLAG_PREFIX = "sync_"
"""Flags set by sync conflicts (store.keep_conflict); other flags (photo checks) stay."""

IncomingValues = Callable[[Mapping[str, Any], Household | Member], dict[str, Any]]
"""Reads a kept payload's editable fields (see `editable_fields`) as an edit of the record
would be validated, or raises DomainValidationError with paths under `payload.`. The
HTTP layer supplies it: the edit rules are the registry API's input serializers."""


@transaction.atomic
def conflict_resolve(
    *,
    actor: Any,
    conflict_id: int,
    resolution: str,
    note: str,
    incoming_values: IncomingValues,
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
        _apply(conflict, actor=actor, revision=revision, incoming_values=incoming_values)
    conflict.resolution = resolution
    conflict.resolution_note = note
    conflict.resolved_by = actor
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
    _unflag_when_settled(conflict, actor=actor)
    return conflict


def _same_decision(conflict: ConflictCopy, *, actor: Any, resolution: str, note: str) -> bool:
    return (conflict.resolved_by_id, conflict.resolution, conflict.resolution_note) == (
        actor.pk,
        resolution,
        note,
    )


def _apply(
    conflict: ConflictCopy, *, actor: Any, revision: int | None, incoming_values: IncomingValues
) -> None:
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
    data = incoming_values(conflict.payload, record)
    common = {"actor": actor, "base_revision": revision, "data": data, "source": SOURCE}
    if isinstance(record, Household):
        registry_services.household_update(household=record, **common)
    else:
        registry_services.member_update(member=record, **common)


def editable_fields(record: Household | Member) -> tuple[str, ...]:
    """The fields an edit of `record` may carry: the registry's editable fields.

    A kept create also carries fields an edit cannot change (village, roster, id); those
    are never applied.
    """
    if isinstance(record, Household):
        return registry_services.HOUSEHOLD_FIELDS
    return registry_services.MEMBER_FIELDS


def _unflag_when_settled(conflict: ConflictCopy, *, actor: Any) -> None:
    """Clear a household's sync flag once none of its conflicts is open."""
    household = conflict.household
    if household is None or not household.flag_reason.startswith(SYNC_FLAG_PREFIX):
        return
    if ConflictCopy.objects.filter(household=household, resolved_at__isnull=True).exists():
        return
    registry_services.household_unflag(
        household=household, actor=actor, source=SOURCE, reason_prefix=SYNC_FLAG_PREFIX
    )
