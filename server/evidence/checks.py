"""Checks on a completed photo that flag its household for a reviewer's eye."""

from server.evidence.images import distance_m
from server.evidence.models import Attachment
from server.registry.models import Household
from server.registry.services import household_flag

# A photo taken this far from the household's recorded position is worth a look.
FAR_FROM_HOUSEHOLD_M = 500


def photo_flags(*, attachment: Attachment, household: Household | None) -> list[str]:
    """Record distance and reuse on the attachment; return the flag reasons found."""
    reasons = []
    twin = (
        Attachment.objects.filter(perceptual_hash=attachment.perceptual_hash, complete=True)
        .exclude(item_uuid=attachment.item_uuid)
        .values_list("item_uuid", flat=True)
        .first()
    )
    if attachment.perceptual_hash and twin:
        attachment.reused_from = twin
        reasons.append("photo_reused")
    if (
        household is not None
        and attachment.latitude is not None
        and attachment.longitude is not None
        and household.latitude is not None
        and household.longitude is not None
    ):
        metres = distance_m(
            (float(attachment.latitude), float(attachment.longitude)),
            (float(household.latitude), float(household.longitude)),
        )
        attachment.distance_m = round(metres)
        if metres > FAR_FROM_HOUSEHOLD_M:
            reasons.append("photo_far_from_household")
    attachment.save(update_fields=["reused_from", "distance_m"])
    if reasons and household is not None:
        household_flag(household=household, reason=reasons[0], actor=None, source="photo_check")
    return reasons
