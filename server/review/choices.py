"""Enumerations of the review round, with Vietnamese and English labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    ANNUAL = "annual", _("Annual review")
    MONTHLY = "monthly", _("Monthly review (Mẫu 04)")


class Step(models.TextChoices):
    """A household's place in the round, in the law's order (QĐ 24/2021 Art. 4)."""

    LISTED = "listed", _("Listed")
    SCREENED_OUT = "screened_out", _("Screened out")
    SCREENED = "screened", _("Screened")
    SURVEYED = "surveyed", _("Surveyed and scored")
    DISCUSSED = "discussed", _("Passed the village meeting")
    POSTED = "posted", _("Posted")
    RECHECK = "recheck", _("Complaint under re-check")
    RECOGNISED = "recognised", _("Recognised by decision")
    CERTIFIED = "certified", _("Certificate issued")


class PostingKind(models.TextChoices):
    FIRST = "first", _("First posting")
    RECHECK = "recheck", _("Posting of a re-check result")


class ComplaintResult(models.TextChoices):
    PENDING = "pending", _("Re-check pending")
    UPHELD = "upheld", _("Complaint upheld")
    DISMISSED = "dismissed", _("Complaint dismissed")


class DecidedClass(models.TextChoices):
    """The classes a decision recognises; the same codes as the official status."""

    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    MIDDLE = "middle", _("Middle living standard")
    NOT_POOR = "not_poor", _("Not poor")


class DecisionList(models.TextChoices):
    """The lists of Mẫu 02 a decided household appears on ("none" when on no list)."""

    POOR = "poor", _("Poor households")
    NEAR_POOR = "near_poor", _("Near-poor households")
    ESCAPED_POVERTY = "escaped_poverty", _("Escaped poverty")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    NONE = "none", _("On no list")
