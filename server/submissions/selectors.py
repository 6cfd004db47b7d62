"""Reads of submissions, scoped through their household."""

from uuid import UUID

from django.http import Http404

from server.registry.models import Household
from server.submissions.models import Submission


def submission_get(*, user: object, submission_id: UUID, for_update: bool = False) -> Submission:
    """A submission is visible exactly when its household is."""
    visible = Household.objects.visible_to(user).values("pk")
    qs = Submission.objects.filter(household_id__in=visible).select_related(
        "form_version", "household__village"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=submission_id).first()
    if found is None:
        raise Http404
    return found
