"""Reads of the review round, each through the one scoping rule (server.accounts.access)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.evidence.images import inspect_image, strip_exif
from server.registry.models import Household, Unit
from server.review.calendar import is_overdue
from server.review.choices import DecidedClass
from server.review.models import (
    AuditEvent,
    Complaint,
    Decision,
    HouseholdReview,
    Posting,
    ReviewRound,
    VillageMeeting,
)
from server.review.transitions import ORDER
from server.submissions.models import ReviewStatus, Submission


def round_get(*, user: object, round_id: int, for_update: bool = False) -> ReviewRound:
    qs = access.visible_rounds(user).select_related("commune")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=round_id).first()
    if found is None:
        raise Http404
    return found


def round_list(*, user: object) -> QuerySet[ReviewRound]:
    return (
        access.visible_rounds(user)
        .select_related("commune")
        .order_by("-year", "-period", "commune__path")
    )


def household_review_get(
    *, user: object, review_id: int, for_update: bool = False
) -> HouseholdReview:
    qs = access.visible_household_reviews(user).select_related(
        "round__commune", "household__village"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=review_id).first()
    if found is None:
        raise Http404
    return found


def household_reviews(*, user: object, review_round: ReviewRound) -> QuerySet[HouseholdReview]:
    return (
        access.visible_household_reviews(user)
        .filter(round=review_round)
        .select_related("household__village")
        .order_by("household__village__name", "household__code")
    )


def meeting_get(*, user: object, meeting_id: int) -> VillageMeeting:
    found = (
        access.visible_meetings(user)
        .select_related("round__commune", "village")
        .filter(pk=meeting_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def meetings(*, user: object, review_round: ReviewRound) -> QuerySet[VillageMeeting]:
    return (
        access.visible_meetings(user)
        .filter(round=review_round)
        .select_related("village")
        .prefetch_related("votes__household")
    )


def postings(*, user: object, review_round: ReviewRound) -> QuerySet[Posting]:
    return access.visible_postings(user).filter(round=review_round).prefetch_related("households")


def complaint_get(*, user: object, complaint_id: int, for_update: bool = False) -> Complaint:
    qs = access.visible_complaints(user).select_related("round__commune", "household__village")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=complaint_id).first()
    if found is None:
        raise Http404
    return found


def complaints(*, user: object, review_round: ReviewRound) -> QuerySet[Complaint]:
    return (
        access.visible_complaints(user)
        .filter(round=review_round)
        .select_related("household", "result_posting")
    )


def decision_get(*, user: object, decision_id: int) -> Decision:
    found = (
        access.visible_decisions(user)
        .select_related("round__commune")
        .filter(pk=decision_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def decision_entries(decision: Decision) -> list[Any]:
    """The decision's entries with households, members and certificates, one query each."""
    return list(
        decision.entries.select_related("household__village", "certificate")
        .prefetch_related("household__members")
        .order_by("household__village__name", "household__code")
    )


def audit_for(*, user: object, review_round: ReviewRound) -> QuerySet[AuditEvent]:
    return (
        access.visible_review_audit(user)
        .filter(round=review_round)
        .select_related("actor", "household")
    )


def village_of_round(*, user: object, review_round: ReviewRound, village_id: int) -> Unit:
    found = access.visible_units(user).filter(pk=village_id, parent=review_round.commune).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class VillageProgress:
    village: str
    counts: dict[str, int]
    overdue: int


def round_progress(
    *, user: object, review_round: ReviewRound, today: date
) -> list[VillageProgress]:
    """Households per village and step, with the count past their step's due date."""
    rows = household_reviews(user=user, review_round=review_round).values_list(
        "household__village__name", "step", "due_on"
    )
    counts: dict[str, Counter[str]] = {}
    overdue: Counter[str] = Counter()
    for village, step, due_on in rows:
        counts.setdefault(village, Counter())[step] += 1
        overdue[village] += is_overdue(due_on, today)
    return [
        VillageProgress(village, {s.value: c[s.value] for s in ORDER}, overdue[village])
        for village, c in sorted(counts.items())
    ]


ENGINE_LABELS: dict[str, Any] = {
    "POOR": DecidedClass.POOR.label,
    "NEAR_POOR": DecidedClass.NEAR_POOR.label,
    "MIDDLE": DecidedClass.MIDDLE.label,
    "NOT_POOR": DecidedClass.NOT_POOR.label,
    "UNDETERMINED": _("Undetermined"),
}


def engine_label(code: str) -> Any:
    return ENGINE_LABELS.get(code, code or "—")


def minutes_rows(meeting: VillageMeeting) -> list[dict[str, Any]]:
    """The discussed households of a meeting, for its minutes."""
    return [
        {
            "code": vote.household.code,
            "head_name": vote.household.head_name,
            "engine_class": engine_label(vote.engine_class),
            "agree_count": vote.agree_count,
            "percent": round(100 * vote.agree_count / meeting.attendees),
            "passed": vote.passed,
        }
        for vote in meeting.votes.select_related("household").order_by("household__code")
    ]


def decision_for_round(*, user: object, review_round: ReviewRound) -> Decision | None:
    return access.visible_decisions(user).filter(round=review_round).first()


def pending_submission(*, user: object, household: Household) -> Submission | None:
    """The household's newest survey waiting for review, which a return would send back."""
    return (
        access.visible_submissions(user)
        .filter(household=household, review_status=ReviewStatus.PENDING)
        .select_related("form_version")
        .order_by("-created_at")
        .first()
    )


PDF_MAGIC = b"%PDF-"


def scan_content(meeting: VillageMeeting) -> tuple[bytes, str] | None:
    """The signed minutes to show: a PDF as stored, a photo re-encoded without metadata."""
    if not meeting.signed_scan:
        return None
    with meeting.signed_scan.open("rb") as handle:
        data = handle.read()
    if data.startswith(PDF_MAGIC):
        return data, "application/pdf"
    return strip_exif(data), inspect_image(data).mime
