"""Households built for the queue tests: exact assessments, surveys, returns, conflicts."""

import hashlib
import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from server.evidence.models import Attachment
from server.registry.models import Household, Unit
from server.registry.services import household_create
from server.review.choices import RoundKind
from server.review.models import (
    Decision,
    DecisionEntry,
    HouseholdReview,
    MeetingVote,
    ReviewRound,
    VillageMeeting,
)
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.surveys.models import FormVersion
from server.sync_api.models import ConflictCopy
from tests.server.conftest import HEAD

RULESET = "vn-2022-2025"


def household(village: Unit, code: str, head: str = "Lò Văn Páo") -> Household:
    return household_create(
        actor=None,
        village=village,
        members=[{**HEAD, "full_name": head, "citizen_id": None}],
        data={"code": code, "head_name": head},
    )


def assess(
    target: Household,
    *,
    klass: str = "POOR",
    income: int | None = 1_000_000,
    deprivations: int = 0,
    ruleset: str = RULESET,
    year: int = 2025,
) -> Assessment:
    """The household's latest assessment with exactly these figures."""
    Assessment.objects.filter(household=target, is_latest=True).update(is_latest=False)
    facts: dict[str, Any] = {"income": income, "n": deprivations, "k": klass, "y": year}
    return Assessment.objects.create(
        household=target,
        review_year=year,
        ruleset_id=ruleset,
        ruleset_version=1,
        engine_version="test",
        household_class=klass,
        deprivation_count=deprivations,
        income_per_person=income,
        confidence="confirmed",
        facts=facts,
        facts_sha256=hashlib.sha256(repr(facts).encode()).hexdigest(),
        result={},
        is_latest=True,
    )


def survey(target: Household, *, form_id: str = "household_survey", **fields: Any) -> Submission:
    return Submission.objects.create(
        id=uuid.uuid4(),
        household=target,
        form_version=FormVersion.objects.filter(form_id=form_id).order_by("-id").first(),
        payload={},
        payload_sha256="0" * 64,
        **fields,
    )


def returned_survey(target: Household, *, hours_ago: int = 5) -> Submission:
    sub = survey(target)
    Submission.objects.filter(pk=sub.pk).update(
        review_status=ReviewStatus.RETURNED,
        reviewed_at=timezone.now() - timedelta(hours=hours_ago),
        created_at=timezone.now() - timedelta(hours=hours_ago + 1),
    )
    sub.refresh_from_db()
    return sub


def conflict(target: Household, *, resolved: bool = False) -> ConflictCopy:
    return ConflictCopy.objects.create(
        client_uuid=uuid.uuid4(),
        payload_sha256="1" * 64,
        kind="household_edit",
        reason="stale_revision",
        household=target,
        payload={},
        resolved_at=timezone.now() if resolved else None,
        resolution="dismissed" if resolved else "",
    )


def photo(item: uuid.UUID, *, reused: bool = False, distance: int | None = None) -> Attachment:
    return Attachment.objects.create(
        item_uuid=item,
        name=f"photo_{uuid.uuid4().hex[:6]}.jpg",
        declared_sha256="2" * 64,
        declared_size=1,
        received=1,
        complete=True,
        reused_from=uuid.uuid4() if reused else None,
        distance_m=distance,
    )


def review_round(commune: Unit, year: int = 2025) -> ReviewRound:
    return ReviewRound.objects.create(
        commune=commune,
        year=year,
        kind=RoundKind.ANNUAL,
        opens_on=date(year, 9, 1),
        decide_by=date(year, 12, 15),
    )


def in_round(target: Household, rnd: ReviewRound, step: str, **fields: Any) -> HouseholdReview:
    return HouseholdReview.objects.create(
        round=rnd, household=target, step=step, step_since=date(rnd.year, 10, 1), **fields
    )


def vote(rnd: ReviewRound, target: Household, *, agree: int, attendees: int = 40) -> MeetingVote:
    meeting, _created = VillageMeeting.objects.get_or_create(
        round=rnd,
        village=target.village,
        held_on=date(rnd.year, 10, 10),
        defaults={"chair": "Hoàng Văn Chủ", "supervisor": "Nông Thị Giám", "attendees": attendees},
    )
    return MeetingVote.objects.create(
        meeting=meeting, household=target, agree_count=agree, passed=agree * 2 >= attendees
    )


def decide(rnd: ReviewRound, target: Household, *, decided: str, engine: str) -> DecisionEntry:
    decision, _created = Decision.objects.get_or_create(
        round=rnd,
        defaults={"number": "15/QĐ-UBND", "signed_on": date(rnd.year, 12, 10), "signer": "Lục"},
    )
    override = decided.upper() != engine
    return DecisionEntry.objects.create(
        decision=decision,
        household=target,
        decided_class=decided,
        engine_class=engine,
        list=decided if decided in ("poor", "near_poor") else "none",
        is_override=override,
        override_reason="Hộ có người ốm dài ngày" if override else "",
    )
