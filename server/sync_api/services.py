"""What settling a kept conflict needs from sync: its source tag, its flag prefix and the
fields an edit may carry. Settling itself is a review action (server.review.services)."""

from server.registry import services as registry_services
from server.registry.models import Household, Member

SOURCE = "conflict"
SYNC_FLAG_PREFIX = "sync_"
"""Flags set by sync conflicts (store.keep_conflict); other flags (photo checks) stay."""


def editable_fields(record: Household | Member) -> tuple[str, ...]:
    """The fields an edit of `record` may carry: the registry's editable fields.

    A kept create also carries fields an edit cannot change (village, roster, id); those
    are never applied.
    """
    if isinstance(record, Household):
        return registry_services.HOUSEHOLD_FIELDS
    return registry_services.MEMBER_FIELDS
