"""Reasons a reviewer should look at a household, each one SQL expression over households.

Every flag is an `Exists(...)` on the household row, so the queue can show, filter and
count flags in the same query that lists the households (no per-row queries). Income
lines and deprivation cut-offs come from the ruleset each latest assessment was scored
with, never from constants here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forms.scoring.ruleset import Ruleset, list_rulesets, load_ruleset
from server.evidence.checks import FAR_FROM_HOUSEHOLD_M
from server.evidence.models import Attachment
from server.registry.choices import AreaType
from server.registry.models import Household
from server.review.choices import Step
from server.review.models import DecisionEntry, HouseholdReview, MeetingVote
from server.submissions.explanations import SURVEY_FORM_ID
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.sync_api.models import ConflictCopy

NEAR_LINE_SHARE = Decimal("0.05")
"""An income within this share of a line, either side, is flagged (staff-side.md §2)."""

AFTER_MEETING = (Step.POSTED, Step.RECHECK, Step.RECOGNISED, Step.CERTIFIED)
"""Steps a household reaches only after its village meeting passed it."""

PHOTO_FLAG_REASONS = ("photo_reused", "photo_far_from_household")
"""Household flag reasons that server.evidence.checks writes for a suspicious photo."""


class Flag(enum.StrEnum):
    INCOME_NEAR_LINE = "income_near_line"
    CUTOFF_EDGE = "cutoff_edge"
    SYNC_CONFLICT = "sync_conflict"
    PHOTO_ANOMALY = "photo_anomaly"
    EDITED_AFTER_RETURN = "edited_after_return"
    NO_SURVEY = "no_survey"
    NO_MEETING = "no_meeting"
    OVERRIDE = "override"


FLAG_LABELS: dict[Flag, Promise] = {
    Flag.INCOME_NEAR_LINE: _("Income within 5% of a line"),
    Flag.CUTOFF_EDGE: _("Deprivations at the cut-off ±1"),
    Flag.SYNC_CONFLICT: _("Unsettled sync conflict"),
    Flag.PHOTO_ANOMALY: _("Photo anomaly"),
    Flag.EDITED_AFTER_RETURN: _("Answers edited after a return"),
    Flag.NO_SURVEY: _("No survey"),
    Flag.NO_MEETING: _("Past the meeting step without a vote"),
    Flag.OVERRIDE: _("Decided class differs from the engine"),
}


def flag_annotations() -> dict[str, Exists | ExpressionWrapper[Any]]:
    """One boolean annotation per flag, named `flag_<code>`."""
    return {f"flag_{flag.value}": expression for flag, expression in _expressions().items()}


def flag_filter(flag: Flag) -> Q:
    """Households that raise `flag`, for a queryset annotated with `flag_annotations()`."""
    return Q(**{f"flag_{flag.value}": True})


def any_flag_q() -> Q:
    q = Q()
    for flag in Flag:
        q |= flag_filter(flag)
    return q


def raised_flags(row: object) -> list[Flag]:
    """The flags an annotated household row raises, in display order."""
    return [flag for flag in Flag if getattr(row, f"flag_{flag.value}", False)]


def annotate_flags(queryset: QuerySet[Household]) -> QuerySet[Household]:
    return queryset.annotate(**flag_annotations())


def _expressions() -> dict[Flag, Exists | ExpressionWrapper[Any]]:
    latest = Assessment.objects.filter(household=OuterRef("pk"), is_latest=True)
    rulesets = [load_ruleset(rid) for rid in list_rulesets()]
    return {
        Flag.INCOME_NEAR_LINE: Exists(latest.filter(_near_line_q(rulesets))),
        Flag.CUTOFF_EDGE: Exists(latest.filter(_cutoff_edge_q(rulesets))),
        Flag.SYNC_CONFLICT: Exists(
            ConflictCopy.objects.filter(household=OuterRef("pk"), resolved_at__isnull=True)
        ),
        Flag.PHOTO_ANOMALY: _photo_anomaly(),
        Flag.EDITED_AFTER_RETURN: _edited_after_return(),
        Flag.NO_SURVEY: ~Exists(
            Submission.objects.filter(
                household=OuterRef("pk"), form_version__form_id=SURVEY_FORM_ID
            )
        ),
        Flag.NO_MEETING: _past_meeting_without_vote(),
        Flag.OVERRIDE: Exists(
            DecisionEntry.objects.filter(household=OuterRef("pk"), is_override=True)
        ),
    }


def near_line_bounds(amount: int) -> tuple[int, int]:
    """The incomes flagged around a line: within 5% of it, both ends included."""
    margin = int(Decimal(amount) * NEAR_LINE_SHARE)
    return amount - margin, amount + margin


def _near_line_q(rulesets: Iterable[Ruleset]) -> Q:
    """Latest income within 5% of a line of its own ruleset, for the commune's area type.

    A commune without an area type is checked against both the rural and the urban line.
    """
    q = Q(pk__in=[])
    for ruleset in rulesets:
        for name in ruleset.class_lines:
            line = ruleset.lines[name]
            for area, amount in ((AreaType.RURAL, line.rural), (AreaType.URBAN, line.urban)):
                low, high = near_line_bounds(amount)
                q |= Q(
                    ruleset_id=ruleset.id,
                    income_per_person__gte=low,
                    income_per_person__lte=high,
                ) & (
                    Q(household__commune__area_type=area)
                    | ~Q(household__commune__area_type__in=AreaType.values)
                )
    return q


def _cutoff_edge_q(rulesets: Iterable[Ruleset]) -> Q:
    q = Q(pk__in=[])
    for ruleset in rulesets:
        q |= Q(
            ruleset_id=ruleset.id,
            deprivation_count__gte=ruleset.cutoff - 1,
            deprivation_count__lte=ruleset.cutoff + 1,
        )
    return q


def _photo_anomaly() -> ExpressionWrapper[Any]:
    """A photo of the household (or of one of its surveys) reused or taken far away.

    The photo check also flags the household itself; either mark raises the flag.
    """
    surveys = Submission.objects.filter(household=OuterRef(OuterRef("pk"))).values("pk")
    odd = Q(reused_from__isnull=False) | Q(distance_m__gt=FAR_FROM_HOUSEHOLD_M)
    own = Q(item_uuid=OuterRef("pk")) | Q(item_uuid__in=surveys)
    photo = Exists(Attachment.objects.filter(own & odd, complete=True))
    return ExpressionWrapper(
        Q(photo) | Q(flag_reason__in=PHOTO_FLAG_REASONS), output_field=BooleanField()
    )


def _edited_after_return() -> Exists:
    """A submission received after one of the household's submissions was returned."""
    returned = Submission.objects.filter(
        household=OuterRef("household_id"),
        review_status=ReviewStatus.RETURNED,
        reviewed_at__lt=OuterRef("created_at"),
    )
    return Exists(Submission.objects.filter(household=OuterRef("pk")).filter(Exists(returned)))


def _past_meeting_without_vote() -> Exists:
    """In a round at a step after the meeting, with no passing vote in that round."""
    passed = MeetingVote.objects.filter(
        household=OuterRef("household_id"), meeting__round=OuterRef("round_id"), passed=True
    )
    return Exists(
        HouseholdReview.objects.filter(household=OuterRef("pk"), step__in=AFTER_MEETING).filter(
            ~Exists(passed)
        )
    )
