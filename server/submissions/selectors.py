"""Reads of submissions and assessments, scoped through their household."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts import access
from server.registry.models import Household
from server.submissions.models import Assessment, Submission


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


def received_photo_names(*, user: object, submission: Submission) -> set[str]:
    """Names of the submission's photos whose bytes have all arrived."""
    return set(
        access.visible_attachments_of(user, submission.pk)
        .filter(complete=True)
        .values_list("name", flat=True)
    )


def form_version_ids_of(submission_ids: set[Any]) -> dict[Any, Any]:
    """Each submission's form version id, for submissions the caller already read through access."""
    return dict(
        Submission.objects.filter(pk__in=submission_ids).values_list("pk", "form_version_id")
    )
