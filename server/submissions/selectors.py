"""Reads of submissions and assessments, scoped through their household."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts import access
from server.registry.models import Household, Unit
from server.submissions.models import Assessment, RescoreRun, Submission


def submission_get(*, user: object, submission_id: UUID, for_update: bool = False) -> Submission:
    """A submission is visible exactly when its household is."""
    qs = access.visible_submissions(user).select_related("form_version", "household__village")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=submission_id).first()
    if found is None:
        raise Http404
    return found


def submission_list(*, user: object, household: Household) -> QuerySet[Submission]:
    return (
        access.visible_submissions(user)
        .filter(household=household)
        .select_related("form_version")
        .order_by("-created_at", "pk")
    )


def assessment_list(*, user: object, household: Household) -> QuerySet[Assessment]:
    return (
        access.visible_assessments(user).filter(household=household).order_by("-created_at", "-id")
    )


def received_photo_names(
    *, user: object, submissions: Sequence[Submission]
) -> dict[UUID, set[str]]:
    """Each submission's photo names whose bytes have all arrived: one query for any number."""
    names: dict[UUID, set[str]] = {submission.pk: set() for submission in submissions}
    if not names:
        return names
    rows = (
        access.visible_attachments(user)
        .filter(item_uuid__in=list(names), complete=True)
        .values_list("item_uuid", "name")
    )
    for item_uuid, name in rows:
        names[item_uuid].add(name)
    return names


def form_version_ids_of(submission_ids: set[Any]) -> dict[Any, Any]:
    """Each submission's form version id, for submissions the caller already read through access."""
    return dict(
        Submission.objects.filter(pk__in=submission_ids).values_list("pk", "form_version_id")
    )


def rescore_candidates(run: RescoreRun) -> QuerySet[Household]:
    """Households with a latest assessment to take facts from, in primary-key order.

    An operator's batch over every household: no user, so no area.
    """
    qs = Household.objects.filter(assessments__is_latest=True)
    if run.unit_code:
        unit = Unit.objects.get(code=run.unit_code)
        qs = qs.filter(village__path__startswith=unit.path)
    return qs.order_by("pk")


def rescore_remaining(candidates: QuerySet[Household], run: RescoreRun) -> QuerySet[Household]:
    """The candidates after the run's checkpoint: what a resumed run still has to score."""
    if run.last_household_id is None:
        return candidates
    return candidates.filter(pk__gt=run.last_household_id)
