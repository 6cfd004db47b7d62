"""Bulk actions from the reviewer's queue: all chosen households change, or none does.

Each action runs in one transaction over every chosen household; a return goes through
the round's own `submission_return`, so it is audited and reaches the phone like any other. A household outside the
user's area, or one the action cannot apply to, refuses the whole batch with a field
error naming the household by its code, so a partly applied batch never exists.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.accounts.access import Action
from server.accounts.models import User
from server.common.errors import DomainValidationError, FieldError
from server.registry.models import Household
from server.registry.services import household_flag
from server.review.models import AuditEvent
from server.review.services import submission_return
from server.submissions.explanations import SURVEY_FORM_ID
from server.submissions.models import ReviewStatus, Submission

REVIEWER_FLAG = "reviewer"
"""The flag reason a reviewer's bulk flag writes (photo checks write their own reasons)."""


def queue_bulk_flag(*, user: User, household_ids: Sequence[UUID], note: str) -> int:
    """Flag every chosen household for a second look; returns how many changed."""
    with transaction.atomic():
        households = _chosen(user, household_ids)
        changed = 0
        for household in households:
            if household.flagged_for_review and household.flag_reason == REVIEWER_FLAG:
                continue
            before = {"flagged_for_review": household.flagged_for_review}
            household_flag(household=household, reason=REVIEWER_FLAG, actor=user, source="console")
            _audit(user, household, "flag", note, before, {"flagged_for_review": True})
            changed += 1
    return changed


def queue_bulk_return(
    *, user: User, household_ids: Sequence[UUID], comment: str, fields: Sequence[str] = ()
) -> int:
    """Return each household's latest waiting survey to its volunteer with one comment."""
    if not comment.strip():
        raise DomainValidationError(
            [FieldError("comment", "required", _("Write what the volunteer should correct."))]
        )
    with transaction.atomic():
        households = _chosen(user, household_ids)
        waiting = _waiting_surveys(user, households)
        for household in households:
            submission = waiting[household.pk]
            # The round's own return: comment, fields, audit, round step and phone feed.
            submission_return(
                user=user, submission_id=submission.pk, comment=comment, fields=fields
            )
    return len(households)


def _chosen(user: User, household_ids: Sequence[UUID]) -> list[Household]:
    """The chosen households, locked; any missing or outside the area refuses the batch."""
    if not household_ids:
        raise DomainValidationError(
            [FieldError("households", "required", _("Choose at least one household."))]
        )
    households = list(
        access.visible_households(user)
        .select_related("village", "commune")
        .select_for_update(of=("self",))
        .filter(pk__in=household_ids)
        .order_by("code")
    )
    if len(households) != len(set(household_ids)):
        raise DomainValidationError(
            [FieldError("households", "not_found", _("A chosen household was not found."))]
        )
    for household in households:
        access.require(user, Action.REVIEW, household)
    return households


def _waiting_surveys(user: User, households: list[Household]) -> dict[UUID, Submission]:
    latest: dict[UUID, Submission] = {}
    for submission in (
        access.visible_submissions(user)
        .filter(household__in=households, form_version__form_id=SURVEY_FORM_ID)
        .order_by("created_at")
    ):
        latest[submission.household_id] = submission  # type: ignore[index]
    errors = [
        FieldError(
            f"households.{h.code}",
            "no_waiting_survey",
            format_lazy(_("Household {code} has no survey waiting for review."), code=h.code),
        )
        for h in households
        if h.pk not in latest or latest[h.pk].review_status != ReviewStatus.PENDING
    ]
    if errors:
        raise DomainValidationError(errors)
    return latest


def _audit(
    user: User,
    household: Household,
    action: str,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    AuditEvent.objects.create(
        actor=user,
        action=action,
        reason=reason,
        before=before,
        after=after,
        household=household,
        object_type="household",
        object_id=str(household.pk),
    )
