"""Housing support: programmes as data, support records, stage proofs, payments and flags.

Every amount and rule carries its source (text and legal reference). Retried writes are
stored once through the unique constraints below, not through a lookup before the insert.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.evidence.models import Attachment
from server.registry.models import Household
from server.support.stages import Stage


class StageChoice(models.TextChoices):
    APPROVED = Stage.APPROVED.value, _("Approved")
    STARTED = Stage.STARTED.value, _("Started")
    FOUNDATION = Stage.FOUNDATION.value, _("Foundation")
    FRAME_WALLS = Stage.FRAME_WALLS.value, _("Frame and walls")
    ROOF = Stage.ROOF.value, _("Roof")
    COMPLETED = Stage.COMPLETED.value, _("Completed")
    IN_USE = Stage.IN_USE.value, _("In use")


class WorkKind(models.TextChoices):
    NEW_BUILD = "new_build", _("New build")
    REPAIR = "repair", _("Repair")


class ProgrammeKind(models.TextChoices):
    NATIONAL_TARGET = "national_target", _("National target programme")
    CAMPAIGN = "campaign", _("Campaign to remove temporary houses")
    MERITORIOUS = "meritorious", _("Meritorious-service housing")
    FUND_FOR_THE_POOR = "fund_for_the_poor", _("Fund for the Poor")
    LOCAL = "local", _("Local programme")


class Programme(models.Model):
    """A funding stream, reported separately, with its rules as data.

    `eligibility_rules` lists the rule codes of `server.support.eligibility` the programme
    applies; `first_payment_stage_*` say which proved stage makes the first instalment due.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=ProgrammeKind.choices)
    legal_ref = models.CharField(_("legal reference"), max_length=200)
    source_text = models.TextField(_("source"), blank=True)
    eligibility_rules = models.JSONField(_("eligibility rules"), default=list)
    eligibility_source = models.CharField(_("source of the eligibility rules"), max_length=300)
    requires_poverty_status = models.BooleanField(
        _("for poor and near-poor households"), default=True
    )
    stages = models.JSONField(_("stages"), default=list)
    first_payment_percent = models.PositiveSmallIntegerField(_("first instalment (%)"), default=70)
    first_payment_stage_new = models.CharField(
        max_length=16, choices=StageChoice.choices, default=Stage.FOUNDATION.value
    )
    first_payment_stage_repair = models.CharField(
        max_length=16, choices=StageChoice.choices, default=Stage.FRAME_WALLS.value
    )
    final_payment_stage = models.CharField(
        max_length=16, choices=StageChoice.choices, default=Stage.COMPLETED.value
    )
    payment_source = models.CharField(_("source of the payment rule"), max_length=300)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProgrammeAmount(models.Model):
    """The support per house for one kind of work, from the day it applies."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="amounts")
    work = models.CharField(_("work"), max_length=16, choices=WorkKind.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    applies_from = models.DateField(_("applies from"))
    legal_ref = models.CharField(_("legal reference"), max_length=200)
    source_text = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["programme", "work", "applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "work", "applies_from"], name="support_amount_once"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="support_amount_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.work} {self.amount} from {self.applies_from}"


class SupportCircumstance(models.Model):
    """What housing support needs to know about a household that the registry does not hold."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="support_circumstance"
    )
    special_hardship = models.BooleanField(_("special hardship"), default=False)
    disaster_area = models.BooleanField(_("in a disaster area"), default=False)
    no_house = models.BooleanField(_("has no house"), default=False)
    house_built_year = models.PositiveSmallIntegerField(
        _("year the house was built"), null=True, blank=True
    )
    house_deteriorated = models.BooleanField(_("house deteriorated"), default=False)
    earlier_support = models.CharField(
        _("earlier housing support (outside this system)"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"circumstance {self.household_id}"


class SupportRecord(models.Model):
    """Support granted to one household by one programme (the decision = APPROVED)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="support_records"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="records")
    work = models.CharField(_("work"), max_length=16, choices=WorkKind.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    decision_ref = models.CharField(_("decision reference"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved on"))
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    # Planned due date per stage code, e.g. {"foundation": "2025-03-01"}.
    stage_due = models.JSONField(_("stage due dates"), default=dict, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "programme"], name="support_record_once_per_programme"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="support_record_amount_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.programme_id} {self.work}"


class SponsorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    BUSINESS = "business", _("Business")
    PERSON = "person", _("Person")
    STATE = "state", _("State budget")


class Sponsor(models.Model):
    """Who pays how much of a record; the shares of a record sum to its amount."""

    record = models.ForeignKey(SupportRecord, on_delete=models.CASCADE, related_name="sponsors")
    kind = models.CharField(_("kind"), max_length=16, choices=SponsorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    share = models.BigIntegerField(_("share (VND)"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gt=0), name="support_sponsor_share_pos"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.share}"


class StageProof(models.Model):
    """One on-site visit proving a stage; its id is the pushed item's UUID.

    Photos are evidence Attachments with item_uuid = this id. The stage is proved when at
    least one of them is complete; flags on the photos are shown, they do not block.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    record = models.ForeignKey(SupportRecord, on_delete=models.CASCADE, related_name="proofs")
    stage = models.CharField(_("stage"), max_length=16, choices=StageChoice.choices)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        "accounts.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage proof")
        verbose_name_plural = _("stage proofs")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.stage}"


class FlagCheck(models.TextChoices):
    FAR = "far", _("Taken far from the house")
    NO_GPS = "no_gps", _("No GPS position")
    OUTSIDE_WINDOW = "outside_window", _("Taken outside the stage's time")
    NO_TIME = "no_time", _("No time taken")
    REUSED = "reused", _("Same picture as another photo")


class PhotoFlag(models.Model):
    """A failed check on one stage photo; a person clears it with a reason (kept)."""

    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="support_flags"
    )
    proof = models.ForeignKey(StageProof, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=16, choices=FlagCheck.choices)
    # Metres for FAR, the other item's UUID for REUSED, the window for OUTSIDE_WINDOW.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clear_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attachment", "kind"], name="support_flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id} {self.kind}"


class Instalment(models.TextChoices):
    FIRST = "first", _("First instalment")
    FINAL = "final", _("Final instalment")


class Payment(models.Model):
    """One instalment paid; (record, instalment) is unique so a retry is stored once."""

    record = models.ForeignKey(SupportRecord, on_delete=models.PROTECT, related_name="payments")
    instalment = models.CharField(_("instalment"), max_length=8, choices=Instalment.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "instalment"], name="support_payment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.instalment} {self.amount}"


class DocumentKind(models.TextChoices):
    COMPLETION = "completion", _("Completion record")
    IN_USE = "in_use", _("Put-into-use record")


class SignedDocument(models.Model):
    """The signed scan of a generated record (completion or put into use)."""

    record = models.ForeignKey(SupportRecord, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    scan = models.FileField(upload_to="support/signed/%Y/%m/")
    content_type = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="support_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"


class HelperKind(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    ORGANISATION = "organisation", _("Organisation")
    BUSINESS = "business", _("Business")


class HelperAssignment(models.Model):
    """A cadre, organisation or business assigned to help a poor household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="helpers")
    kind = models.CharField(_("kind"), max_length=16, choices=HelperKind.choices)
    name = models.CharField(_("name"), max_length=200)
    assigned_on = models.DateField(_("assigned on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind", "name"], name="support_helper_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} -> {self.household_id}"


class ContributionKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    LIVELIHOOD = "livelihood", _("Livelihood")


class HelperContribution(models.Model):
    """What an assigned helper gave, valued in VND."""

    assignment = models.ForeignKey(
        HelperAssignment, on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContributionKind.choices)
    description = models.CharField(_("description"), max_length=300)
    value = models.BigIntegerField(_("value (VND)"), default=0)
    given_on = models.DateField(_("given on"))

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind} {self.value}"


class EscapeOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ESCAPED = "escaped", _("Escaped poverty")
    NOT_ESCAPED = "not_escaped", _("Did not escape")


class EscapeRegistration(models.Model):
    """A household's registration to escape poverty in a year, and its outcome."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="escape_registrations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    registered_on = models.DateField(_("registered on"))
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=EscapeOutcome.choices, default=EscapeOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="support_escape_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.outcome}"
