"""The review round of one commune: households' steps, meetings, postings, complaints,
the decision, certificates and the append-only audit trail."""

from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.common.fields import JSONField
from server.common.models import TimeStampedModel
from server.review.choices import (
    ComplaintResult,
    DecidedClass,
    DecisionList,
    PostingKind,
    RoundKind,
    Step,
)

_USER = settings.AUTH_USER_MODEL


class ReviewRound(TimeStampedModel):
    """One commune's review for one year (annual) or one month (monthly, Mẫu 04).

    `period` is 0 for the annual round and the month (1-12) for a monthly one, so the
    unique constraint makes opening a round idempotent.
    """

    commune = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        related_name="review_rounds",
        verbose_name=_("commune"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    period = models.PositiveSmallIntegerField(
        _("month"), default=0, validators=[MaxValueValidator(12)]
    )
    opens_on = models.DateField(_("opens on"))
    decide_by = models.DateField(_("decision due by"))
    opened_by = models.ForeignKey(
        _USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "-period", "commune_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "kind", "period"], name="review_round_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=RoundKind.ANNUAL, period=0)
                | models.Q(kind=RoundKind.MONTHLY, period__gte=1, period__lte=12),
                name="review_round_period",
            ),
        ]

    def __str__(self) -> str:
        suffix = f"-{self.period:02d}" if self.period else ""
        return f"{self.commune_id} {self.year}{suffix} {self.kind}"


class HouseholdReview(TimeStampedModel):
    """Where one household stands in one round.

    `engine_classes` keeps the engine's class as it was when the household reached each
    step ({step: class}); `engine_class` is the latest. `revision` grows with every
    change, so a console form built on an older state is refused.
    """

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="households")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="reviews"
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.LISTED)
    step_since = models.DateField(_("in this step since"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    engine_class = models.CharField(_("engine class"), max_length=16, blank=True)
    engine_classes = JSONField(default=dict)
    returned = models.BooleanField(_("returned to the volunteer"), default=False)
    return_comment = models.TextField(_("comment"), blank=True)
    return_fields = JSONField(default=list)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("household in a round")
        verbose_name_plural = _("households in a round")
        ordering = ["round_id", "household__village_id", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="household_review_once")
        ]
        indexes = [models.Index(fields=["round", "step"], name="household_review_step")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.household_id} {self.step}"


class VillageMeeting(TimeStampedModel):
    """The village meeting (Phụ lục V minutes): who chaired, who supervised, how many came."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="meetings")
    village = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    chair = models.CharField(_("chair (village head)"), max_length=200)
    supervisor = models.CharField(_("Fatherland Front supervisor"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MinValueValidator(1)])
    signed_scan = models.FileField(_("signed minutes"), upload_to="review/minutes/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        _USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village", "held_on"], name="village_meeting_once"
            ),
            models.CheckConstraint(condition=models.Q(attendees__gte=1), name="meeting_attendees"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.held_on}"


class MeetingVote(models.Model):
    """One discussed household and how many attendees agreed with its result."""

    meeting = models.ForeignKey(VillageMeeting, on_delete=models.PROTECT, related_name="votes")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    agree_count = models.PositiveIntegerField(_("agreeing"))
    passed = models.BooleanField(_("passed"))
    engine_class = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("meeting vote")
        verbose_name_plural = _("meeting votes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "household"], name="meeting_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.household_id} {self.agree_count}"


class Posting(TimeStampedModel):
    """A public posting of a list for 3 working days (or of one re-check result)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField(_("kind"), max_length=16, choices=PostingKind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    households = models.ManyToManyField(
        "registry.Household", through="PostingEntry", related_name="+"
    )
    opened_by = models.ForeignKey(
        _USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="posting_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_on}–{self.ends_on}"


class PostingEntry(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "household"], name="posting_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.posting_id}:{self.household_id}"


class Complaint(TimeStampedModel):
    """A complaint about one posted household; its re-check is due in 7 working days."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="complaints")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="review_complaints"
    )
    complainant = models.CharField(_("complainant"), max_length=200, blank=True)
    disputed = models.TextField(_("what is disputed"))
    received_on = models.DateField(_("received on"))
    recheck_due_on = models.DateField(_("re-check due on"))
    result = models.CharField(
        _("result"), max_length=16, choices=ComplaintResult.choices, default=ComplaintResult.PENDING
    )
    result_note = models.TextField(_("re-check findings"), blank=True)
    result_class = models.CharField(
        _("class after re-check"), max_length=16, choices=DecidedClass.choices, blank=True
    )
    rechecked_on = models.DateField(_("re-checked on"), null=True, blank=True)
    result_posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    taken_by = models.ForeignKey(
        _USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"],
                condition=models.Q(result=ComplaintResult.PENDING),
                name="complaint_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.received_on} {self.result}"


class Decision(TimeStampedModel):
    """The commune chairman's decision (Mẫu 02) closing a round: one per round."""

    round = models.OneToOneField(ReviewRound, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("decision number"), max_length=40)
    signed_on = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=200)
    issued_by = models.ForeignKey(
        _USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class DecisionEntry(models.Model):
    """One household's decided class beside the engine's; a difference needs a reason."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="entries")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="decision_entries"
    )
    decided_class = models.CharField(
        _("decided class"), max_length=16, choices=DecidedClass.choices
    )
    engine_class = models.CharField(_("engine class"), max_length=16, blank=True)
    previous_status = models.CharField(_("status before"), max_length=16, blank=True)
    list = models.CharField(_("list"), max_length=24, choices=DecisionList.choices)
    is_override = models.BooleanField(_("override"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)

    class Meta:
        verbose_name = _("decision entry")
        verbose_name_plural = _("decision entries")
        ordering = ["decision_id", "household__village_id", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "household"], name="decision_entry_once"),
            models.CheckConstraint(
                condition=models.Q(is_override=False) | ~models.Q(override_reason=""),
                name="decision_override_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}:{self.household_id} {self.decided_class}"


class Certificate(models.Model):
    """A certificate (Mẫu 03) numbered NNN/GCN-HN.HCN, unique per commune and year."""

    entry = models.OneToOneField(
        DecisionEntry, on_delete=models.PROTECT, related_name="certificate"
    )
    commune = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"), validators=[MinValueValidator(1)])
    number = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["commune_id", "year", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "serial"], name="certificate_serial_once"
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "number"], name="certificate_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk updates and deletes are refused: the trail is append-only."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutable

    def delete(self) -> NoReturn:
        raise AuditImmutable


class AuditImmutable(Exception):
    """An attempt to change or remove an audit event."""


class AuditEvent(models.Model):
    """Who did what, when, why, and the state before and after. Never updated or deleted."""

    actor = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    before = JSONField(default=dict)
    after = JSONField(default=dict)
    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, null=True, blank=True, related_name="audit"
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_audit",
    )
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"], name="audit_household")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutable
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutable
