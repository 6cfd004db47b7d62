"""The demo's review rounds, built through the review services so the console looks alive.

The first demo commune is mid-round: households at every step up to the posting, one
village meeting held (one household at exactly 50%, one at 49%), a posting running since
today with a complaint under re-check. The second commune has its decision and
certificates. Run again, it leaves the rounds as they are.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from server.accounts.models import User
from server.registry.models import Household, Unit
from server.review import services
from server.review.models import HouseholdReview, ReviewRound
from server.submissions.models import Assessment
from server.submissions.services import assessment_record

MEETING_ATTENDEES = 40


def seed_review_rounds(*, officer: User, admin: User, communes: list[Unit]) -> None:
    """Rounds of the current year; their households are re-scored for that year first."""
    today = timezone.localdate()
    with transaction.atomic():
        _mid_round(officer, communes[0], today)
    with transaction.atomic():
        _decided_round(admin, communes[1], today)


def _round(user: User, commune: Unit) -> ReviewRound:
    year = timezone.localdate().year
    return services.round_open(user=user, commune_id=commune.pk, year=year, kind="annual")


def _village_reviews(user: User, review_round: ReviewRound, village: Unit) -> list[HouseholdReview]:
    households = list(Household.objects.filter(village=village).order_by("code")[:16])
    for household in households:
        _score_for(household, review_round.year)
    services.households_list(
        user=user, round_id=review_round.pk, household_ids=[h.pk for h in households]
    )
    return list(
        HouseholdReview.objects.filter(round=review_round, household__village=village)
        .select_related("household")
        .order_by("household__code")
    )


def _score_for(household: Household, year: int) -> None:
    """The household's latest facts scored for the round's year, as a new survey would be."""
    latest = Assessment.objects.filter(household=household, is_latest=True).first()
    if latest is None or latest.review_year == year:
        return
    facts = {k: v for k, v in latest.facts.items() if k != "reference_date"}
    assessment_record(household=household, facts={**facts, "review_year": year})


def _surveyed(user: User, reviews: list[HouseholdReview]) -> None:
    for review in reviews:
        services.screening_record(user=user, review_id=review.pk, screened_out=False)
        services.survey_record(user=user, review_id=review.pk)


def _mid_round(officer: User, commune: Unit, today: date) -> None:
    review_round = _round(officer, commune)
    if review_round.meetings.exists():
        return
    village = Unit.objects.filter(parent=commune).order_by("code").first()
    assert village is not None  # noqa: S101 - demo communes always have villages
    reviews = _village_reviews(officer, review_round, village)
    for review in reviews[2:4]:
        services.screening_record(
            user=officer, review_id=review.pk, screened_out=True, reason="Phiếu A: 4 tiêu chí"
        )
    for review in reviews[4:6]:
        services.screening_record(user=officer, review_id=review.pk, screened_out=False)
    _surveyed(officer, reviews[6:])
    half = MEETING_ATTENDEES // 2
    agree = [half, half - 1, *([MEETING_ATTENDEES - 3] * len(reviews[8:14]))]
    services.meeting_record(
        user=officer,
        round_id=review_round.pk,
        village_id=village.pk,
        held_on=today - timedelta(days=7),
        chair="Hoàng Văn Thôn",
        supervisor="Nông Thị Mặt Trận",
        attendees=MEETING_ATTENDEES,
        votes=[services.Vote(r.household_id, n) for r, n in zip(reviews[6:14], agree, strict=True)],
    )
    posted = [reviews[6].household_id, *(r.household_id for r in reviews[8:12])]
    services.posting_open(
        user=officer, round_id=review_round.pk, starts_on=today, household_ids=posted
    )
    services.complaint_take(
        user=officer,
        review_id=reviews[8].pk,
        disputed="Hộ có xe tải chở hàng chưa kê khai",
        received_on=today,
        complainant="Người dân thôn (ẩn danh)",
    )


def _decided_round(admin: User, commune: Unit, today: date) -> None:
    review_round = _round(admin, commune)
    if hasattr(review_round, "decision"):
        return
    village = Unit.objects.filter(parent=commune).order_by("code").first()
    assert village is not None  # noqa: S101 - demo communes always have villages
    reviews = _village_reviews(admin, review_round, village)[:8]
    _surveyed(admin, reviews)
    services.meeting_record(
        user=admin,
        round_id=review_round.pk,
        village_id=village.pk,
        held_on=today - timedelta(days=30),
        chair="Lục Văn Trưởng",
        supervisor="Đàm Thị Giám Sát",
        attendees=MEETING_ATTENDEES,
        votes=[services.Vote(r.household_id, MEETING_ATTENDEES - 2) for r in reviews],
    )
    services.posting_open(
        user=admin, round_id=review_round.pk, starts_on=today - timedelta(days=21)
    )
    entries = [
        services.Decided(r.household_id, services.ENGINE_TO_STATUS.get(r.engine_class, "not_poor"))
        for r in HouseholdReview.objects.filter(pk__in=[r.pk for r in reviews[1:]])
    ]
    first = HouseholdReview.objects.get(pk=reviews[0].pk)
    overridden = {"POOR": "near_poor", "MIDDLE": "not_poor"}.get(first.engine_class, "middle")
    entries.append(
        services.Decided(first.household_id, overridden, "Chủ hộ mất sức lao động sau tai nạn")
    )
    decision = services.decision_issue(
        user=admin,
        round_id=review_round.pk,
        number=f"25/QĐ-UBND-{review_round.year}",
        signed_on=today,
        signer="Chủ tịch UBND xã (demo)",
        entries=entries,
    )
    services.certificates_issue(user=admin, decision_id=decision.pk, issued_on=today)
