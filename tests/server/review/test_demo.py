"""The demo leaves one commune mid-round and another decided, through the review services."""

import pytest
from django.core.management import call_command

from server.review.models import AuditEvent, Certificate, Complaint, Decision, HouseholdReview


@pytest.mark.django_db
def test_the_demo_has_a_round_at_every_step_and_is_idempotent():
    call_command("seed_demo")
    first = (HouseholdReview.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo")
    assert (HouseholdReview.objects.count(), AuditEvent.objects.count()) == first
    assert set(HouseholdReview.objects.values_list("step", flat=True)) == {
        "listed",
        "screened_out",
        "screened",
        "surveyed",
        "discussed",
        "posted",
        "recheck",
        "recognised",
        "certified",
    }
    assert Complaint.objects.filter(result="pending").count() == 1
    decision = Decision.objects.get()
    assert decision.entries.filter(is_override=True).count() == 1
    assert (
        Certificate.objects.count()
        == decision.entries.filter(decided_class__in=["poor", "near_poor"]).count()
    )
    for entry in decision.entries.select_related("household"):
        assert (entry.household.status, entry.household.status_year) == (
            entry.decided_class,
            decision.round.year,
        )
