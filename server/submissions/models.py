"""Survey submissions as pushed by phones, and the assessments the engine made of them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.common.fields import JSONField
from server.common.models import TimeStampedModel


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class Submission(TimeStampedModel):
    """One filled form. Its id is the phone's item UUID: the primary key makes a retry
    of the same push a duplicate, never a second row."""

    id = models.UUIDField(primary_key=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    form_version = models.ForeignKey(
        "surveys.FormVersion", on_delete=models.PROTECT, related_name="+"
    )
    device = models.ForeignKey(
        "accounts.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = JSONField()
    payload_sha256 = models.CharField(max_length=64)
    attachments = JSONField(default=list)
    attachments_complete = models.BooleanField(default=True)
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_comment = models.TextField(blank=True)
    # Answer paths of the form the return points at, e.g. ["members[0].birth_year"].
    review_fields = JSONField(default=list)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["household", "created_at"], name="submission_household")]

    def __str__(self) -> str:
        return f"{self.form_version_id}:{self.pk}"


class Assessment(models.Model):
    """The engine's classification of a household's facts under one ruleset.

    The unique constraint makes scoring idempotent: the same facts under the same
    ruleset and engine versions are stored once, however often they are re-scored.
    """

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="assessments"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    review_year = models.PositiveSmallIntegerField()
    ruleset_id = models.CharField(max_length=64)
    ruleset_version = models.PositiveIntegerField()
    engine_version = models.CharField(max_length=16)
    household_class = models.CharField(max_length=16)
    deprivation_count = models.PositiveSmallIntegerField()
    income_per_person = models.BigIntegerField(null=True, blank=True)
    income_method = models.CharField(max_length=16, blank=True)
    confidence = models.CharField(max_length=24)
    facts = JSONField()
    facts_sha256 = models.CharField(max_length=64)
    result = JSONField()
    is_latest = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "household",
                    "review_year",
                    "ruleset_id",
                    "ruleset_version",
                    "engine_version",
                    "facts_sha256",
                ],
                name="assessment_once",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_latest=True),
                name="assessment_one_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.ruleset_id} {self.household_class}"


class RescoreRun(models.Model):
    """Progress of a `rescore` run, so an interrupted run resumes where it stopped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ruleset_id = models.CharField(max_length=64)
    review_year = models.PositiveSmallIntegerField()
    unit_code = models.CharField(max_length=20, blank=True)
    last_household_id = models.UUIDField(null=True, blank=True)
    scored = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset_id", "review_year", "unit_code"],
                condition=models.Q(finished_at__isnull=True),
                name="rescore_one_open_run",
            ),
        ]

    def __str__(self) -> str:
        return f"rescore {self.ruleset_id} {self.review_year} {self.unit_code or '*'}"
