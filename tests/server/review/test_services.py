"""Services of the round: meeting votes, postings, complaints, the decision and certificates.

Every refused action is checked to change nothing: the household rows, their reviews and
the audit trail are compared before and after.
"""

from datetime import date

import pytest
from django.http import Http404

from server.accounts.models import Role
from server.common.errors import DomainValidationError, PermissionRefused
from server.registry.models import Household, HouseholdChange, HouseholdStatusRecord
from server.review import services
from server.review.models import (
    AuditEvent,
    AuditImmutable,
    Certificate,
    Complaint,
    HouseholdReview,
    MeetingVote,
    ReviewRound,
)
from tests.server.review.conftest import YEAR, make_household, meeting, scored


def snapshot():
    """Everything a review action may write, to compare before and after a refusal."""
    return (
        list(
            Household.objects.order_by("pk").values_list("pk", "status", "status_year", "revision")
        ),
        list(
            HouseholdReview.objects.order_by("pk").values_list(
                "pk", "step", "due_on", "returned", "revision"
            )
        ),
        AuditEvent.objects.count(),
        MeetingVote.objects.count(),
        Complaint.objects.count(),
        HouseholdChange.objects.count(),
    )


def codes(err):
    return [(e.path, e.code) for e in err.value.errors]


def steps(reviews):
    return [HouseholdReview.objects.get(pk=r.pk).step for r in reviews]


def test_opening_a_round_twice_returns_the_same_round(tree, officer, annual):
    again = services.round_open(user=officer, commune_id=tree.commune1.pk, year=YEAR, kind="annual")
    assert again.pk == annual.pk
    assert (annual.opens_on, annual.decide_by) == (date(2026, 9, 1), date(2026, 12, 14))
    assert ReviewRound.objects.count() == 1


def test_a_monthly_round_opens_on_the_15th_and_is_decided_within_15_days(tree, officer):
    monthly = services.round_open(
        user=officer, commune_id=tree.commune1.pk, year=YEAR, kind="monthly", period=3
    )
    assert (monthly.period, monthly.opens_on, monthly.decide_by) == (
        3,
        date(2026, 3, 15),
        date(2026, 3, 30),
    )


def test_exactly_50_percent_passes_and_49_percent_goes_back(tree, officer, annual, four):
    held = meeting(officer, annual, tree.village1a, [(four[0], 50), (four[1], 49)], attendees=100)
    assert steps(four[:2]) == ["discussed", "surveyed"]
    assert list(held.votes.order_by("agree_count").values_list("agree_count", "passed")) == [
        (49, False),
        (50, True),
    ]
    actions = AuditEvent.objects.filter(action__startswith="meeting_").values_list(
        "action", "reason"
    )
    assert sorted(actions) == [
        ("meeting_failed", "49/100"),
        ("meeting_passed", "50/100"),
        ("meeting_record", ""),
    ]


def test_a_meeting_with_a_bad_vote_stores_nothing(tree, officer, annual, four):
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        meeting(officer, annual, tree.village1a, [(four[0], 50), (four[1], 101)], attendees=100)
    assert codes(err) == [("votes[1].agree_count", "range")]
    assert snapshot() == before


def test_the_same_meeting_recorded_twice_is_refused_and_changes_nothing(
    tree, officer, annual, four
):
    meeting(officer, annual, tree.village1a, [(four[0], 60)])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        meeting(officer, annual, tree.village1a, [(four[1], 60)])
    assert codes(err) == [("held_on", "duplicate")]
    assert snapshot() == before


def test_a_household_not_yet_surveyed_cannot_be_voted_on(tree, officer, annual):
    h = make_household(tree.village1a, "HX1")
    [review] = services.households_list(user=officer, round_id=annual.pk, household_ids=[h.pk])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        meeting(officer, annual, tree.village1a, [(review, 60)])
    assert codes(err) == [("votes[0].household", "wrong_step")]
    assert snapshot() == before


def _posted(tree, officer, annual, reviews, starts_on=date(2026, 10, 12)):
    meeting(officer, annual, tree.village1a, [(r, 80) for r in reviews])
    return services.posting_open(user=officer, round_id=annual.pk, starts_on=starts_on)


def test_a_posting_runs_3_working_days_and_sets_the_due_date(tree, officer, annual, four):
    posting = _posted(tree, officer, annual, four[:2], starts_on=date(2026, 10, 16))
    assert (posting.starts_on, posting.ends_on) == (date(2026, 10, 16), date(2026, 10, 20))
    assert (
        list(
            HouseholdReview.objects.filter(pk__in=[four[0].pk, four[1].pk]).values_list(
                "step", "due_on"
            )
        )
        == [("posted", date(2026, 10, 20))] * 2
    )


def test_a_complaint_opens_a_recheck_due_in_7_working_days(tree, officer, annual, four):
    _posted(tree, officer, annual, four[:1])
    complaint = services.complaint_take(
        user=officer,
        review_id=four[0].pk,
        disputed="Thu nhập khai thiếu",
        received_on=date(2026, 10, 13),
    )
    assert complaint.recheck_due_on == date(2026, 10, 22)
    assert steps(four[:1]) == ["recheck"]
    done = services.recheck_record(
        user=officer,
        complaint_id=complaint.pk,
        result="dismissed",
        note="Đã xác minh lại",
        rechecked_on=date(2026, 10, 19),
    )
    assert (done.result_posting.starts_on, done.result_posting.ends_on) == (
        date(2026, 10, 19),
        date(2026, 10, 21),
    )
    assert steps(four[:1]) == ["posted"]


def test_a_complaint_after_the_posting_ended_is_refused_and_changes_nothing(
    tree, officer, annual, four
):
    _posted(tree, officer, annual, four[:1])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        services.complaint_take(
            user=officer, review_id=four[0].pk, disputed="x", received_on=date(2026, 10, 15)
        )
    assert codes(err) == [("received_on", "not_posted")]
    assert snapshot() == before


def _decide(officer, annual, entries, number="15/QĐ-UBND", signed_on=date(2026, 11, 2)):
    return services.decision_issue(
        user=officer,
        round_id=annual.pk,
        number=number,
        signed_on=signed_on,
        signer="Nguyễn Văn Chủ Tịch",
        entries=entries,
    )


def test_nothing_but_the_decision_changes_the_official_status(tree, officer, annual, four):
    statuses = lambda: list(  # noqa: E731
        Household.objects.filter(pk__in=[r.household_id for r in four])
        .order_by("code")
        .values_list("status", "status_year")
    )
    assert statuses() == [("not_reviewed", None)] * 4
    _posted(tree, officer, annual, four[:3])
    complaint = services.complaint_take(
        user=officer, review_id=four[2].pk, disputed="x", received_on=date(2026, 10, 12)
    )
    services.recheck_record(
        user=officer,
        complaint_id=complaint.pk,
        result="upheld",
        note="y",
        rechecked_on=date(2026, 10, 16),
        result_class="near_poor",
    )
    assert statuses() == [("not_reviewed", None)] * 4
    decision = _decide(
        officer,
        annual,
        [
            services.Decided(four[0].household_id, "poor"),
            services.Decided(four[1].household_id, "near_poor", "Có lương hưu chưa khai"),
            services.Decided(four[2].household_id, "near_poor", "Phúc tra"),
        ],
    )
    assert statuses() == [
        ("poor", YEAR),
        ("near_poor", YEAR),
        ("near_poor", YEAR),
        ("not_reviewed", None),
    ]
    assert list(
        decision.entries.order_by("household__code").values_list(
            "decided_class", "engine_class", "is_override", "list"
        )
    ) == [
        ("poor", "poor", False, "poor"),
        ("near_poor", "poor", True, "near_poor"),
        ("near_poor", "poor", True, "near_poor"),
    ]
    assert steps(four) == ["recognised", "recognised", "recognised", "surveyed"]
    assert sorted(
        HouseholdStatusRecord.objects.values_list(
            "household__code", "year", "status", "decision_ref"
        )
    ) == [
        ("HR0", YEAR, "poor", "15/QĐ-UBND"),
        ("HR1", YEAR, "near_poor", "15/QĐ-UBND"),
        ("HR2", YEAR, "near_poor", "15/QĐ-UBND"),
    ]


def test_an_override_without_a_reason_is_refused_and_changes_nothing(tree, officer, annual, four):
    _posted(tree, officer, annual, four[:2])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        _decide(
            officer,
            annual,
            [
                services.Decided(four[0].household_id, "poor"),
                services.Decided(four[1].household_id, "middle", "  "),
            ],
        )
    assert codes(err) == [("entries[1].override_reason", "required")]
    assert snapshot() == before


def test_a_decision_during_the_posting_or_an_open_complaint_is_refused(tree, officer, annual, four):
    _posted(tree, officer, annual, four[:2])
    services.complaint_take(
        user=officer, review_id=four[1].pk, disputed="x", received_on=date(2026, 10, 12)
    )
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        _decide(
            officer,
            annual,
            [
                services.Decided(four[0].household_id, "poor"),
                services.Decided(four[1].household_id, "poor"),
            ],
            signed_on=date(2026, 10, 14),
        )
    assert codes(err) == [
        ("entries[0].household", "posting_running"),
        ("entries[1].household", "wrong_step"),
    ]
    assert snapshot() == before


def test_a_retried_decision_is_answered_with_the_first_and_another_is_refused(
    tree, officer, annual, four
):
    _posted(tree, officer, annual, four[:1])
    first = _decide(officer, annual, [services.Decided(four[0].household_id, "poor")])
    before = snapshot()
    assert _decide(officer, annual, [services.Decided(four[0].household_id, "poor")]).pk == first.pk
    with pytest.raises(DomainValidationError) as err:
        _decide(officer, annual, [], number="16/QĐ-UBND")
    assert codes(err) == [("number", "decided")]
    assert snapshot() == before


def test_certificates_are_numbered_per_commune_and_year_once(tree, officer, annual, four):
    _posted(tree, officer, annual, four[:3])
    decision = _decide(
        officer,
        annual,
        [
            services.Decided(four[0].household_id, "poor"),
            services.Decided(four[1].household_id, "near_poor", "lý do"),
            services.Decided(four[2].household_id, "not_poor", "lý do"),
        ],
    )
    issued = services.certificates_issue(
        user=officer, decision_id=decision.pk, issued_on=date(2026, 11, 3)
    )
    assert [c.number for c in issued] == ["001/GCN-HN.HCN", "002/GCN-HN.HCN"]
    assert (
        services.certificates_issue(
            user=officer, decision_id=decision.pk, issued_on=date(2026, 11, 4)
        )
        == []
    )
    assert Certificate.objects.count() == 2
    assert steps(four[:3]) == ["certified", "certified", "recognised"]


def test_a_screened_out_household_decided_poor_is_an_override(tree, officer, annual):
    h = make_household(tree.village1b, "HS1")
    [review] = services.households_list(user=officer, round_id=annual.pk, household_ids=[h.pk])
    services.screening_record(user=officer, review_id=review.pk, screened_out=True)
    decision = _decide(officer, annual, [services.Decided(h.pk, "poor", "Mất nhà do bão")])
    entry = decision.entries.get()
    assert (entry.engine_class, entry.is_override, entry.override_reason) == (
        "not_poor",
        True,
        "Mất nhà do bão",
    )


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SUPPORT_STAFF, Role.DISTRICT_REVIEWER])
def test_roles_that_cannot_run_the_round_are_refused_and_change_nothing(
    tree, personas, officer, annual, four, role
):
    user = personas[role]
    before = snapshot()
    with pytest.raises((PermissionRefused, Http404)):
        meeting(user, annual, tree.village1a, [(four[0], 60)])
    with pytest.raises((PermissionRefused, Http404)):
        services.screening_record(user=user, review_id=four[0].pk, screened_out=True)
    with pytest.raises((PermissionRefused, Http404)):
        _decide(user, annual, [services.Decided(four[0].household_id, "poor")])
    assert snapshot() == before


def test_a_reviewer_outside_the_area_gets_404_and_changes_nothing(tree, officer, annual, four):
    from tests.server.conftest import make_user

    outsider = make_user("outsider", Role.DISTRICT_REVIEWER, tree.district2)
    before = snapshot()
    with pytest.raises(Http404):
        services.household_return(user=outsider, review_id=four[0].pk, comment="x")
    # The commune is named in the body: outside the area it is refused as a missing one.
    with pytest.raises(DomainValidationError) as err:
        services.round_open(user=outsider, commune_id=tree.commune1.pk, year=YEAR, kind="annual")
    assert codes(err) == [("commune", "not_found")]
    assert snapshot() == before


def test_a_district_reviewer_returns_a_household_before_the_decision(tree, personas, annual, four):
    reviewer = personas[Role.DISTRICT_REVIEWER]
    returned = services.household_return(
        user=reviewer, review_id=four[0].pk, comment="Kiểm tra lại thu nhập"
    )
    assert (returned.step, returned.returned, returned.return_comment) == (
        "screened",
        True,
        "Kiểm tra lại thu nhập",
    )
    event = AuditEvent.objects.filter(action="return").get()
    assert (event.actor_id, event.before["step"], event.after["step"], event.reason) == (
        reviewer.pk,
        "surveyed",
        "screened",
        "Kiểm tra lại thu nhập",
    )


def test_no_return_after_the_decision(tree, personas, officer, annual, four):
    _posted(tree, officer, annual, four[:1])
    _decide(officer, annual, [services.Decided(four[0].household_id, "poor")])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        services.household_return(
            user=personas[Role.DISTRICT_REVIEWER], review_id=four[0].pk, comment="x"
        )
    assert codes(err) == [("step", "wrong_step")]
    assert snapshot() == before


def test_the_audit_trail_is_never_updated_or_deleted(officer, annual):
    event = AuditEvent.objects.get(action="round_open")
    event.reason = "changed"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_every_move_is_audited_with_its_actor_and_states(tree, officer, annual, four):
    [first] = [four[0]]
    trail = list(
        AuditEvent.objects.filter(household_id=first.household_id)
        .order_by("id")
        .values_list("action", "actor_id", "before__step", "after__step")
    )
    assert trail == [
        ("listed", officer.pk, None, "listed"),
        ("screen_in", officer.pk, "listed", "screened"),
        ("score", officer.pk, "screened", "surveyed"),
    ]


def test_scoring_needs_an_assessment_of_the_rounds_year(tree, officer, annual):
    h = make_household(tree.village1a, "HY1")
    scored(h, "POOR", year=YEAR - 1)
    [review] = services.households_list(user=officer, round_id=annual.pk, household_ids=[h.pk])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        services.survey_record(user=officer, review_id=review.pk)
    assert codes(err) == [("assessment", "missing")]
    assert snapshot() == before


def test_a_complaint_dated_before_the_posting_started_is_refused(tree, officer, annual, four):
    _posted(tree, officer, annual, four[:1])
    before = snapshot()
    with pytest.raises(DomainValidationError) as err:
        services.complaint_take(
            user=officer, review_id=four[0].pk, disputed="x", received_on=date(2026, 10, 9)
        )
    assert codes(err) == [("received_on", "not_posted")]
    assert snapshot() == before
