"""Writes of the review round: one service per action.

Each service owns its transaction, locks the rows it moves, checks the transition table
(server.review.transitions) and the user's area and role, and appends an AuditEvent in
the same transaction. A refused action raises before anything is written, so it changes
nothing. Retries are absorbed by the models' unique constraints.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.accounts.access import Action
from server.accounts.models import Role, User
from server.common.errors import DomainValidationError, FieldError, Message, PermissionRefused
from server.evidence.images import ImageRefused, inspect_image
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.registry import services as registry_services
from server.registry.models import Household, Member
from server.review import selectors
from server.review.calendar import annual_dates, due_after, monthly_dates, period_end
from server.review.choices import (
    ComplaintResult,
    DecidedClass,
    DecisionList,
    PostingKind,
    RoundKind,
    Step,
)
from server.review.fields import answer_path_errors
from server.review.models import (
    AuditEvent,
    Certificate,
    Complaint,
    Decision,
    DecisionEntry,
    HouseholdReview,
    MeetingVote,
    Posting,
    PostingEntry,
    ReviewRound,
    VillageMeeting,
)
from server.review.transitions import A, Transition, transition_for, vote_passes
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.submissions.selectors import submission_get
from server.sync_api.models import ConflictCopy, Resolution
from server.sync_api.selectors import conflict_get, conflict_record
from server.sync_api.services import SOURCE as CONFLICT_SOURCE
from server.sync_api.services import SYNC_FLAG_PREFIX

CERTIFICATE_SUFFIX = "GCN-HN.HCN"


def _refuse(path: str, code: str, message: Message) -> DomainValidationError:
    return DomainValidationError([FieldError(path, code, message)])


def _role(user: User) -> str:
    """The role the transition table knows; an active superuser acts as a province admin."""
    return Role.PROVINCE_ADMIN if user.is_superuser and user.is_active else str(user.role)


def _audit(
    *,
    actor: User | None,
    action: str,
    review_round: ReviewRound | None = None,
    household: Household | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    obj: object = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        reason=reason,
        before=dict(before or {}),
        after=dict(after or {}),
        round=review_round,
        household=household,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
    )


def _state(review: HouseholdReview) -> dict[str, Any]:
    return {
        "step": review.step,
        "engine_class": review.engine_class,
        "returned": review.returned,
        "due_on": review.due_on.isoformat() if review.due_on else None,
    }


def _check_move(user: User, review: HouseholdReview, action: A, path: str = "step") -> Transition:
    """The table's move for this household, or a refusal naming the step."""
    move = transition_for(review.step, action)
    if move is None:
        raise _refuse(path, "wrong_step", _("This action is not possible at the household's step."))
    if _role(user) not in move.roles:
        raise PermissionRefused
    return move


def _move(
    user: User,
    review: HouseholdReview,
    action: A,
    *,
    today: date,
    due_on: date | None = None,
    reason: str = "",
    obj: object = None,
    path: str = "step",
) -> HouseholdReview:
    """Apply the table's move to a locked review and audit it."""
    move = _check_move(user, review, action, path)
    before = _state(review)
    review.step = move.target
    review.step_since = today
    review.due_on = due_on
    review.engine_classes = {**review.engine_classes, move.target.value: review.engine_class}
    review.revision += 1
    review.save()
    _audit(
        actor=user,
        action=action.value,
        review_round=review.round,
        household=review.household,
        before=before,
        after=_state(review),
        reason=reason,
        obj=obj,
    )
    return review


def _locked_review(user: User, review_id: int, action: Action) -> HouseholdReview:
    review = selectors.household_review_get(user=user, review_id=review_id, for_update=True)
    access.require(user, action, review.household)
    return review


def _check_revision(review: HouseholdReview, revision: int | None) -> None:
    if revision is not None and revision != review.revision:
        raise _refuse(
            "revision", "stale", _("The household moved on since you opened it; reload the page.")
        )


# --- the round ---------------------------------------------------------------------


@transaction.atomic
def round_open(
    *, user: User, commune_id: int, year: int, kind: str, period: int = 0
) -> ReviewRound:
    """Open a commune's round; opening it again returns the same round."""
    commune = access.visible_units(user).filter(pk=commune_id, level="commune").first()
    if commune is None:
        raise _refuse("commune", "not_found", _("No commune with this id in your area."))
    access.require(user, Action.DECIDE, commune)
    if kind == RoundKind.MONTHLY:
        if not 1 <= period <= 12:
            raise _refuse("period", "range", _("A monthly round needs a month from 1 to 12."))
        opens_on, decide_by = monthly_dates(year, period)
    else:
        period = 0
        opens_on, decide_by = annual_dates(year)
    try:
        with transaction.atomic():
            review_round = ReviewRound.objects.create(
                commune=commune,
                year=year,
                kind=kind,
                period=period,
                opens_on=opens_on,
                decide_by=decide_by,
                opened_by=user,
            )
    except IntegrityError:
        return ReviewRound.objects.get(commune=commune, year=year, kind=kind, period=period)
    _audit(actor=user, action="round_open", review_round=review_round, obj=review_round)
    return review_round


@transaction.atomic
def households_list(
    *, user: User, round_id: int, household_ids: Sequence[UUID] | None = None
) -> list[HouseholdReview]:
    """List households for the round (step 1); all of the commune's when none are named.

    Listing a household twice keeps its first row: the (round, household) constraint.
    """
    review_round = selectors.round_get(user=user, round_id=round_id, for_update=True)
    access.require(user, Action.DECIDE, review_round.commune)
    households = access.visible_households(user).filter(commune=review_round.commune)
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
        found = set(households.values_list("pk", flat=True))
        missing = [i for i, pk in enumerate(household_ids) if pk not in found]
        if missing:
            raise DomainValidationError(
                [
                    FieldError(
                        f"households[{i}]",
                        "not_found",
                        _("No household with this id in the round's commune."),
                    )
                    for i in missing
                ]
            )
    already = set(
        HouseholdReview.objects.filter(round=review_round).values_list("household_id", flat=True)
    )
    today = timezone.localdate()
    new = [
        HouseholdReview(round=review_round, household=h, step=Step.LISTED, step_since=today)
        for h in households.select_related("village")
        if h.pk not in already
    ]
    HouseholdReview.objects.bulk_create(new, ignore_conflicts=True)
    for review in new:
        _audit(
            actor=user,
            action="listed",
            review_round=review_round,
            household=review.household,
            after={"step": Step.LISTED},
        )
    return list(
        HouseholdReview.objects.filter(round=review_round, household__in=[r.household for r in new])
    )


@transaction.atomic
def screening_record(
    *, user: User, review_id: int, screened_out: bool, reason: str = "", revision: int | None = None
) -> HouseholdReview:
    """Phiếu A: screened in for a survey, or screened out as surely not poor."""
    review = _locked_review(user, review_id, Action.DECIDE)
    _check_revision(review, revision)
    if screened_out:
        _check_move(user, review, A.SCREEN_OUT)
        review.engine_class = "NOT_POOR"
        return _move(user, review, A.SCREEN_OUT, today=timezone.localdate(), reason=reason)
    return _move(user, review, A.SCREEN_IN, today=timezone.localdate(), reason=reason)


@transaction.atomic
def survey_record(*, user: User, review_id: int, revision: int | None = None) -> HouseholdReview:
    """Phiếu B scored: take the engine's latest class for the round's year."""
    review = _locked_review(user, review_id, Action.DECIDE)
    _check_revision(review, revision)
    _check_move(user, review, A.SCORE)
    assessment = (
        Assessment.objects.filter(household=review.household, review_year=review.round.year)
        .order_by("-created_at", "-id")
        .first()
    )
    if assessment is None:
        raise _refuse(
            "assessment", "missing", _("The household has no scored survey for the round's year.")
        )
    review.engine_class = assessment.household_class
    review.returned = False
    return _move(user, review, A.SCORE, today=timezone.localdate(), obj=assessment)


# --- village meeting ---------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    household_id: UUID
    agree_count: int


@transaction.atomic
def meeting_record(
    *,
    user: User,
    round_id: int,
    village_id: int,
    held_on: date,
    chair: str,
    supervisor: str,
    attendees: int,
    votes: Sequence[Vote],
) -> VillageMeeting:
    """Record a village meeting and move each discussed household by its vote.

    At least half of the attendees must agree (exactly 50% passes); otherwise the household
    stays surveyed and is reviewed again. The same meeting sent twice is refused by the
    (round, village, date) constraint and changes nothing.
    """
    review_round = selectors.round_get(user=user, round_id=round_id)
    village = selectors.village_of_round(
        user=user, review_round=review_round, village_id=village_id
    )
    access.require(user, Action.DECIDE, village)
    reviews = _meeting_reviews(user, review_round, village, attendees, votes)
    try:
        with transaction.atomic():
            meeting = VillageMeeting.objects.create(
                round=review_round,
                village=village,
                held_on=held_on,
                chair=chair,
                supervisor=supervisor,
                attendees=attendees,
                recorded_by=user,
            )
    except IntegrityError:
        raise _refuse(
            "held_on", "duplicate", _("A meeting of this village on this date is already recorded.")
        ) from None
    _audit(
        actor=user,
        action="meeting_record",
        review_round=review_round,
        after={"village": village.name, "held_on": held_on.isoformat(), "attendees": attendees},
        obj=meeting,
    )
    for vote, review in zip(votes, reviews, strict=True):
        passed = vote_passes(vote.agree_count, attendees)
        MeetingVote.objects.create(
            meeting=meeting,
            household=review.household,
            agree_count=vote.agree_count,
            passed=passed,
            engine_class=review.engine_class,
        )
        action = A.MEETING_PASSED if passed else A.MEETING_FAILED
        reason = f"{vote.agree_count}/{attendees}"
        _move(user, review, action, today=held_on, reason=reason, obj=meeting)
    return meeting


def _meeting_reviews(
    user: User,
    review_round: ReviewRound,
    village: Any,
    attendees: int,
    votes: Sequence[Vote],
) -> list[HouseholdReview]:
    """Lock and check every vote's household before anything is written."""
    errors: list[FieldError] = []
    if attendees < 1:
        errors.append(FieldError("attendees", "min", _("At least one attendee is needed.")))
    if not votes:
        errors.append(FieldError("votes", "required", _("Record at least one household's vote.")))
    locked = {
        r.household_id: r
        for r in access.visible_household_reviews(user)
        .select_for_update(of=("self",))
        .select_related("household__village", "round")
        .filter(round=review_round, household__village=village)
        .filter(household_id__in=[v.household_id for v in votes])
    }
    reviews: list[HouseholdReview] = []
    seen: set[UUID] = set()
    for i, vote in enumerate(votes):
        review = locked.get(vote.household_id)
        if review is None or vote.household_id in seen:
            errors.append(
                FieldError(
                    f"votes[{i}].household",
                    "not_in_round",
                    _("This household is not in this village's round, or is listed twice."),
                )
            )
            continue
        seen.add(vote.household_id)
        if not 0 <= vote.agree_count <= attendees:
            errors.append(
                FieldError(
                    f"votes[{i}].agree_count",
                    "range",
                    _("The agree count is between 0 and the number of attendees."),
                )
            )
        move = transition_for(review.step, A.MEETING_PASSED)
        if move is None:
            errors.append(
                FieldError(
                    f"votes[{i}].household",
                    "wrong_step",
                    _("Only a surveyed household is discussed at the meeting."),
                )
            )
        elif _role(user) not in move.roles:
            raise PermissionRefused
        reviews.append(review)
    if errors:
        raise DomainValidationError(errors)
    return reviews


MAX_SCAN_BYTES = 15 * 1024 * 1024
PDF_MAGIC = selectors.PDF_MAGIC


def _bilingual(vi: str, en: str) -> Message:
    return lazy(lambda: vi if translation.get_language() == "vi" else en, str)()


def scan_refusal(data: bytes) -> FieldError | None:
    """A signed scan is a PDF or a whole JPEG, PNG or WebP (checked as photos are)."""
    if len(data) > MAX_SCAN_BYTES:
        return FieldError("file", "too_large", _("The scan is larger than 15 MB."))
    if data.startswith(PDF_MAGIC):
        return None
    try:
        inspect_image(data, max_bytes=MAX_SCAN_BYTES)
    except ImageRefused as refused:
        return FieldError("file", refused.code, _bilingual(refused.message_vi, refused.message_en))
    return None


@transaction.atomic
def meeting_attach_scan(*, user: User, meeting_id: int, upload: Any) -> VillageMeeting:
    """Attach the signed scan or photo of the minutes; a new one replaces the old."""
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    access.require(user, Action.DECIDE, meeting.village)
    data = upload.read(MAX_SCAN_BYTES + 1)
    refusal = scan_refusal(data)
    if refusal is not None:
        raise DomainValidationError([refusal])
    upload.seek(0)
    meeting = VillageMeeting.objects.select_for_update().get(pk=meeting.pk)
    before = {"signed_scan": meeting.signed_scan.name or None}
    meeting.signed_scan.save(f"meeting-{meeting.pk}-{upload.name}", upload, save=False)
    meeting.save(update_fields=["signed_scan", "updated_at"])
    _audit(
        actor=user,
        action="meeting_scan",
        review_round=meeting.round,
        before=before,
        after={"signed_scan": meeting.signed_scan.name},
        obj=meeting,
    )
    return meeting


# --- posting, complaints, re-checks ------------------------------------------------


@transaction.atomic
def posting_open(
    *,
    user: User,
    round_id: int,
    starts_on: date,
    household_ids: Sequence[UUID] | None = None,
) -> Posting:
    """Post the households that passed their meeting, for 3 working days from `starts_on`."""
    review_round = selectors.round_get(user=user, round_id=round_id)
    access.require(user, Action.DECIDE, review_round.commune)
    qs = (
        access.visible_household_reviews(user)
        .select_for_update(of=("self",))
        .select_related("household__village", "round")
        .filter(round=review_round, step=Step.DISCUSSED)
    )
    if household_ids is not None:
        qs = qs.filter(household_id__in=household_ids)
    reviews = list(qs)
    if not reviews:
        raise _refuse(
            "households",
            "empty",
            _("No household that passed its meeting is waiting to be posted."),
        )
    ends_on = period_end(starts_on, "posting")
    posting = Posting.objects.create(
        round=review_round,
        kind=PostingKind.FIRST,
        starts_on=starts_on,
        ends_on=ends_on,
        opened_by=user,
    )
    PostingEntry.objects.bulk_create(
        [PostingEntry(posting=posting, household=r.household) for r in reviews]
    )
    for review in reviews:
        _move(user, review, A.POST, today=starts_on, due_on=ends_on, obj=posting)
    return posting


def _last_posting_end(review: HouseholdReview) -> date | None:
    found: date | None = PostingEntry.objects.filter(
        posting__round=review.round, household=review.household
    ).aggregate(end=Max("posting__ends_on"))["end"]
    return found


def _posted_on(review: HouseholdReview, day: date) -> bool:
    """Whether one of the household's postings in the round runs on `day`."""
    return PostingEntry.objects.filter(
        posting__round=review.round,
        household=review.household,
        posting__starts_on__lte=day,
        posting__ends_on__gte=day,
    ).exists()


@transaction.atomic
def complaint_take(
    *,
    user: User,
    review_id: int,
    disputed: str,
    received_on: date,
    complainant: str = "",
) -> Complaint:
    """Take a complaint about a posted household: a re-check is due in 7 working days.

    While one complaint is open, the same household's second one is refused by the
    partial unique constraint; a retry of the same complaint returns the first.
    """
    review = _locked_review(user, review_id, Action.DECIDE)
    _check_move(user, review, A.COMPLAIN)
    if not _posted_on(review, received_on):
        raise _refuse(
            "received_on", "not_posted", _("A complaint is taken while the list is posted.")
        )
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                round=review.round,
                household=review.household,
                complainant=complainant,
                disputed=disputed,
                received_on=received_on,
                recheck_due_on=due_after(received_on, "recheck"),
                taken_by=user,
            )
    except IntegrityError:
        raise _refuse(
            "household", "open_complaint", _("This household already has an open complaint.")
        ) from None
    _move(
        user,
        review,
        A.COMPLAIN,
        today=received_on,
        due_on=complaint.recheck_due_on,
        reason=disputed,
        obj=complaint,
    )
    return complaint


@transaction.atomic
def recheck_record(
    *,
    user: User,
    complaint_id: int,
    result: str,
    note: str,
    rechecked_on: date,
    result_class: str = "",
) -> Complaint:
    """Record the re-check's result and post it for 3 working days from `rechecked_on`."""
    complaint = selectors.complaint_get(user=user, complaint_id=complaint_id, for_update=True)
    access.require(user, Action.DECIDE, complaint.household)
    if complaint.result != ComplaintResult.PENDING:
        raise _refuse("result", "already_rechecked", _("This complaint is already re-checked."))
    if result not in (ComplaintResult.UPHELD, ComplaintResult.DISMISSED):
        raise _refuse(
            "result", "invalid", _("Choose whether the complaint is upheld or dismissed.")
        )
    if result_class and result_class not in DecidedClass.values:
        raise _refuse("result_class", "invalid", _("Unknown class."))
    review = (
        HouseholdReview.objects.select_for_update()
        .select_related("round", "household__village")
        .get(round=complaint.round, household=complaint.household)
    )
    _check_move(user, review, A.RECHECK_POST)
    ends_on = period_end(rechecked_on, "recheck_posting")
    posting = Posting.objects.create(
        round=complaint.round,
        kind=PostingKind.RECHECK,
        starts_on=rechecked_on,
        ends_on=ends_on,
        opened_by=user,
    )
    PostingEntry.objects.create(posting=posting, household=complaint.household)
    before = {"result": complaint.result}
    complaint.result, complaint.result_note = result, note
    complaint.result_class, complaint.rechecked_on = result_class, rechecked_on
    complaint.result_posting = posting
    complaint.save()
    _audit(
        actor=user,
        action="recheck",
        review_round=complaint.round,
        household=complaint.household,
        before=before,
        after={"result": result, "result_class": result_class},
        reason=note,
        obj=complaint,
    )
    _move(user, review, A.RECHECK_POST, today=rechecked_on, due_on=ends_on, obj=posting)
    return complaint


# --- decision and certificates -----------------------------------------------------


@dataclass(frozen=True)
class Decided:
    household_id: UUID
    decided_class: str
    override_reason: str = ""


ENGINE_TO_STATUS: dict[str, str] = {
    "POOR": DecidedClass.POOR,
    "NEAR_POOR": DecidedClass.NEAR_POOR,
    "MIDDLE": DecidedClass.MIDDLE,
    "NOT_POOR": DecidedClass.NOT_POOR,
}


def decision_list_for(previous: str, decided: str) -> str:
    """The Mẫu 02 list a household goes on, from its status before and its decided class."""
    if decided == DecidedClass.POOR:
        return DecisionList.POOR
    if decided == DecidedClass.NEAR_POOR:
        return DecisionList.NEAR_POOR
    if previous == DecidedClass.POOR:
        return DecisionList.ESCAPED_POVERTY
    if previous == DecidedClass.NEAR_POOR:
        return DecisionList.ESCAPED_NEAR_POVERTY
    return DecisionList.NONE


@transaction.atomic
def decision_issue(
    *,
    user: User,
    round_id: int,
    number: str,
    signed_on: date,
    signer: str,
    entries: Sequence[Decided],
) -> Decision:
    """Issue the commune chairman's decision: the one write of households' official status.

    Each household must be posted (every posting ended, no open complaint) or screened
    out. A decided class that differs from the engine's needs a reason. The round has
    one decision: a retry with the same number returns it, another number is refused.
    """
    review_round = selectors.round_get(user=user, round_id=round_id, for_update=True)
    access.require(user, Action.DECIDE, review_round.commune)
    existing = Decision.objects.filter(round=review_round).first()
    if existing is not None:
        if existing.number == number:
            return existing
        raise _refuse("number", "decided", _("This round already has its decision."))
    reviews = _decision_reviews(user, review_round, signed_on, entries)
    decision = Decision.objects.create(
        round=review_round, number=number, signed_on=signed_on, signer=signer, issued_by=user
    )
    _audit(
        actor=user,
        action="decision_issue",
        review_round=review_round,
        after={"number": number, "signed_on": signed_on.isoformat(), "signer": signer},
        obj=decision,
    )
    for decided, review in zip(entries, reviews, strict=True):
        _decide_one(user, decision, review, decided)
    return decision


def _decision_reviews(
    user: User, review_round: ReviewRound, signed_on: date, entries: Sequence[Decided]
) -> list[HouseholdReview]:
    errors: list[FieldError] = []
    if not entries:
        errors.append(FieldError("entries", "required", _("Decide at least one household.")))
    locked = {
        r.household_id: r
        for r in access.visible_household_reviews(user)
        .select_for_update(of=("self",))
        .select_related("household__village", "round")
        .filter(round=review_round, household_id__in=[e.household_id for e in entries])
    }
    open_complaints = set(
        Complaint.objects.filter(round=review_round, result=ComplaintResult.PENDING).values_list(
            "household_id", flat=True
        )
    )
    reviews = []
    for i, entry in enumerate(entries):
        review = locked.pop(entry.household_id, None)
        if review is None:
            errors.append(
                FieldError(
                    f"entries[{i}].household",
                    "not_in_round",
                    _("This household is not in the round, or is listed twice."),
                )
            )
            continue
        errors += _entry_errors(user, i, review, entry, signed_on, open_complaints)
        reviews.append(review)
    if errors:
        raise DomainValidationError(errors)
    return reviews


def _entry_errors(
    user: User,
    i: int,
    review: HouseholdReview,
    entry: Decided,
    signed_on: date,
    open_complaints: set[UUID],
) -> list[FieldError]:
    prefix = f"entries[{i}]"
    move = transition_for(review.step, A.DECIDE)
    if move is None:
        return [
            FieldError(
                f"{prefix}.household",
                "wrong_step",
                _("Only a posted or screened-out household can be decided."),
            )
        ]
    if _role(user) not in move.roles:
        raise PermissionRefused
    errors = []
    if entry.decided_class not in DecidedClass.values:
        errors.append(FieldError(f"{prefix}.decided_class", "invalid", _("Unknown class.")))
    engine = ENGINE_TO_STATUS.get(review.engine_class, "")
    if entry.decided_class != engine and not entry.override_reason.strip():
        errors.append(
            FieldError(
                f"{prefix}.override_reason",
                "required",
                _("The decided class differs from the engine's: give the reason."),
            )
        )
    if review.household_id in open_complaints:
        errors.append(
            FieldError(f"{prefix}.household", "open_complaint", _("A complaint is still open."))
        )
    ends = _last_posting_end(review) if review.step == Step.POSTED else None
    if ends is not None and signed_on <= ends:
        errors.append(
            FieldError(
                f"{prefix}.household",
                "posting_running",
                _("The household's posting has not ended."),
            )
        )
    return errors


def _decide_one(user: User, decision: Decision, review: HouseholdReview, decided: Decided) -> None:
    household = review.household
    engine = ENGINE_TO_STATUS.get(review.engine_class, "")
    entry = DecisionEntry.objects.create(
        decision=decision,
        household=household,
        decided_class=decided.decided_class,
        engine_class=engine,
        previous_status=household.status,
        list=decision_list_for(household.status, decided.decided_class),
        is_override=decided.decided_class != engine,
        override_reason=decided.override_reason.strip(),
    )
    official_status_set(
        user=user, household=household, status=decided.decided_class, decision=decision
    )
    _move(
        user,
        review,
        A.DECIDE,
        today=decision.signed_on,
        reason=entry.override_reason,
        obj=entry,
    )


def official_status_set(
    *, user: User, household: Household, status: str, decision: Decision
) -> None:
    """Write a household's official status for the round's year; the decision's call only."""
    registry_services.household_status_set(
        household=household,
        year=decision.round.year,
        status=status,
        decided_on=decision.signed_on,
        decision_ref=decision.number,
        actor=user,
        source="decision",
    )


@transaction.atomic
def certificates_issue(*, user: User, decision_id: int, issued_on: date) -> list[Certificate]:
    """Number a certificate for every poor or near-poor household of the decision.

    Numbers run NNN/GCN-HN.HCN per commune and year; a retry issues none twice (the
    one-to-one entry and the (commune, year, serial) constraints).
    """
    decision = selectors.decision_get(user=user, decision_id=decision_id)
    access.require(user, Action.DECIDE, decision.round.commune)
    review_round = ReviewRound.objects.select_for_update().get(pk=decision.round_id)
    commune, year = review_round.commune, review_round.year
    entries = list(
        decision.entries.filter(
            decided_class__in=[DecidedClass.POOR, DecidedClass.NEAR_POOR], certificate__isnull=True
        ).select_related("household__village")
    )
    last = Certificate.objects.filter(commune=commune, year=year).aggregate(m=Max("serial"))["m"]
    serial = last or 0
    issued: list[Certificate] = []
    for entry in entries:
        serial += 1
        certificate = Certificate.objects.create(
            entry=entry,
            commune=commune,
            year=year,
            serial=serial,
            number=f"{serial:03d}/{CERTIFICATE_SUFFIX}",
            issued_on=issued_on,
        )
        issued.append(certificate)
        review = (
            HouseholdReview.objects.select_for_update()
            .select_related("round", "household")
            .get(round=review_round, household=entry.household)
        )
        _move(user, review, A.CERTIFY, today=issued_on, obj=certificate)
    return issued


# --- returns to the volunteer ------------------------------------------------------


def _clean_fields(submission: Submission, fields: Sequence[str]) -> list[str]:
    errors = answer_path_errors(submission, fields)
    if errors:
        raise DomainValidationError(errors)
    return list(dict.fromkeys(fields))


@transaction.atomic
def submission_return(
    *, user: User, submission_id: UUID, comment: str, fields: Sequence[str] = ()
) -> Submission:
    """Return a pending submission to its volunteer with a comment and the answers it means.

    The row is locked first, so two reviewers returning at once leave one return, and a
    refused or stale return stores nothing. The phone sees it on its next pull. When the
    household is in an open round before its decision, the round's step goes back too.
    """
    submission = submission_get(user=user, submission_id=submission_id, for_update=True)
    access.require(user, Action.REVIEW, submission)
    if submission.review_status != ReviewStatus.PENDING:
        raise _refuse(
            "review_status",
            "not_pending",
            _("Only a submission waiting for review can be returned."),
        )
    clean = _clean_fields(submission, fields)
    submission.review_status = ReviewStatus.RETURNED
    submission.review_comment = comment
    submission.review_fields = clean
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.save(
        update_fields=[
            "review_status",
            "review_comment",
            "review_fields",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    household = submission.household
    _audit(
        actor=user,
        action="submission_return",
        household=household,
        before={"review_status": ReviewStatus.PENDING},
        after={"review_status": ReviewStatus.RETURNED, "fields": clean},
        reason=comment,
        obj=submission,
    )
    if household is not None:
        _return_in_rounds(user, household, comment, clean)
    feed_append(
        kind=FeedKind.REVIEW,
        record_id=submission.pk,
        # The column is nullable, but sync stores a survey only with its household.
        scope_path=submission.household.village.path,  # type: ignore[union-attr]
    )
    return submission


def _return_in_rounds(user: User, household: Household, comment: str, fields: list[str]) -> None:
    reviews = HouseholdReview.objects.select_for_update().select_related("round", "household")
    for review in reviews.filter(household=household):
        move = transition_for(review.step, A.RETURN)
        if move is None or _role(user) not in move.roles:
            continue
        review.returned, review.return_comment, review.return_fields = True, comment, fields
        _move(user, review, A.RETURN, today=timezone.localdate(), reason=comment)


@transaction.atomic
def household_return(
    *,
    user: User,
    review_id: int,
    comment: str,
    fields: Sequence[str] = (),
    revision: int | None = None,
) -> HouseholdReview:
    """Return a household of a round to its volunteer, before the decision.

    With a pending survey, the survey is returned (its comment and fields reach the phone);
    without one, the round alone records the return.
    """
    review = _locked_review(user, review_id, Action.REVIEW)
    _check_revision(review, revision)
    _check_move(user, review, A.RETURN)
    if not comment.strip():
        raise _refuse("comment", "required", _("Say what the volunteer should correct."))
    pending = (
        Submission.objects.filter(household=review.household, review_status=ReviewStatus.PENDING)
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        submission_return(user=user, submission_id=pending.pk, comment=comment, fields=fields)
        review.refresh_from_db()
        return review
    if fields:
        raise _refuse("fields", "no_survey", _("The household has no survey waiting for review."))
    review.returned, review.return_comment, review.return_fields = True, comment, []
    return _move(user, review, A.RETURN, today=timezone.localdate(), reason=comment)


# --- sync conflicts ----------------------------------------------------------------


IncomingValues = Callable[[Mapping[str, Any], Household | Member], dict[str, Any]]
"""Reads a kept payload's editable fields as an edit of the record would be validated, or
raises DomainValidationError with paths under `payload.`. The HTTP layer supplies it: the
edit rules are the registry API's input serializers."""


@transaction.atomic
def conflict_resolve(
    *,
    actor: Any,
    conflict_id: int,
    resolution: str,
    note: str,
    incoming_values: IncomingValues,
    revision: int | None = None,
) -> ConflictCopy:
    """Settle one conflict; `revision` is the record's revision the reviewer decided on.

    Applying goes through the registry's own edit services on that revision, so an edit
    made since the reviewer looked is a 409, never an overwrite. The row lock makes a
    concurrent resolve wait for the first and then see it: the same reviewer's retry of
    the same decision is answered as the first was; any other is refused. Neither
    changes anything.
    """
    conflict = conflict_get(user=actor, conflict_id=conflict_id, for_update=True)
    if not access.allows(actor, Action.REVIEW):
        raise PermissionRefused
    if conflict.resolved_at is not None:
        if _same_decision(conflict, actor=actor, resolution=resolution, note=note):
            return conflict  # a retried request: answer as the first time, change nothing
        raise _refuse("resolution", "already_resolved", _("This conflict is already settled."))
    if resolution == Resolution.APPLIED:
        _apply(conflict, actor=actor, revision=revision, incoming_values=incoming_values)
    conflict.resolution = resolution
    conflict.resolution_note = note
    conflict.resolved_by = actor
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
    _unflag_when_settled(conflict, actor=actor)
    _audit(
        actor=actor,
        action="conflict_resolve",
        household=conflict.household,
        after={"resolution": resolution},
        reason=note,
        obj=conflict,
    )
    return conflict


def _same_decision(conflict: ConflictCopy, *, actor: Any, resolution: str, note: str) -> bool:
    return (conflict.resolved_by_id, conflict.resolution, conflict.resolution_note) == (
        actor.pk,
        resolution,
        note,
    )


def _apply(
    conflict: ConflictCopy, *, actor: Any, revision: int | None, incoming_values: IncomingValues
) -> None:
    record = conflict_record(conflict)
    if record is None:
        raise _refuse(
            "resolution",
            "not_appliable",
            _(
                "A survey sent twice with different answers cannot be applied; keep the "
                "server's version and ask the volunteer to send it as a new survey."
            ),
        )
    if revision is None:
        raise _refuse("revision", "required", _("Send the revision you decided on."))
    data = incoming_values(conflict.payload, record)
    common = {"actor": actor, "base_revision": revision, "data": data, "source": CONFLICT_SOURCE}
    if isinstance(record, Household):
        registry_services.household_update(household=record, **common)
    else:
        registry_services.member_update(member=record, **common)


def _unflag_when_settled(conflict: ConflictCopy, *, actor: Any) -> None:
    """Clear a household's sync flag once none of its conflicts is open."""
    household = conflict.household
    if household is None or not household.flag_reason.startswith(SYNC_FLAG_PREFIX):
        return
    if ConflictCopy.objects.filter(household=household, resolved_at__isnull=True).exists():
        return
    registry_services.household_unflag(
        household=household, actor=actor, source=CONFLICT_SOURCE, reason_prefix=SYNC_FLAG_PREFIX
    )
